import { mkdtemp, rm, writeFile, chmod, mkdir } from 'node:fs/promises';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { createSandbox, disposeSandbox } from './sandbox.js';

test("a TA's hidden fixtures in a private folder are readable by the child in the sandbox's copy", async () => {
  const hidden = await mkdtemp(path.join(os.tmpdir(), 'ex5-hidden-'));
  try {
    await mkdir(path.join(hidden, 'more'));
    await writeFile(path.join(hidden, 'gmm.json'), '{}');
    await writeFile(path.join(hidden, 'more', 'umm.json'), '{}');
    await chmod(path.join(hidden, 'more', 'umm.json'), 0o600);
    await chmod(path.join(hidden, 'more'), 0o700);
    await chmod(hidden, 0o700); // as mktemp -d makes it
    const sandbox = await createSandbox(new Map(), { projectRoot: PROJECT_ROOT, hiddenFixturesDir: hidden });
    try {
      const copy = sandbox.hiddenFixturesDir!;
      const mode = (file: string) => statSync(path.join(copy, file)).mode & 0o777;
      expect([mode('.'), mode('more'), mode('gmm.json'), mode('more/umm.json')]).toEqual([
        0o755, 0o755, 0o644, 0o644,
      ]);
    } finally {
      await disposeSandbox(sandbox);
    }
  } finally {
    await rm(hidden, { recursive: true, force: true });
  }
});
