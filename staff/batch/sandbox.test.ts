import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { createSandbox, disposeSandbox } from './sandbox.js';

test("the sandbox's copy of a TA's hidden fixtures is readable only by the judge", async () => {
  const hidden = await mkdtemp(path.join(os.tmpdir(), 'ex5-hidden-'));
  try {
    await mkdir(path.join(hidden, 'more'));
    await writeFile(path.join(hidden, 'gmm.json'), '{}');
    await writeFile(path.join(hidden, 'more', 'umm.json'), '{}');
    await chmod(path.join(hidden, 'more', 'umm.json'), 0o600);
    await chmod(path.join(hidden, 'more'), 0o700);
    await chmod(hidden, 0o755);
    await chmod(path.join(hidden, 'gmm.json'), 0o644);
    const sandbox = await createSandbox(new Map(), { projectRoot: PROJECT_ROOT, hiddenFixturesDir: hidden });
    try {
      const copy = sandbox.hiddenFixturesDir!;
      const mode = (file: string) => statSync(path.join(copy, file)).mode & 0o777;
      expect([mode('.'), mode('more'), mode('gmm.json'), mode('more/umm.json')]).toEqual([
        0o700, 0o700, 0o600, 0o600,
      ]);
    } finally {
      await disposeSandbox(sandbox);
    }
  } finally {
    await rm(hidden, { recursive: true, force: true });
  }
});
