import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { addSubmission, createSandbox, disposeSandbox } from './sandbox.js';

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
    const sandbox = await createSandbox({ projectRoot: PROJECT_ROOT, hiddenFixturesDir: hidden });
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

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot(
  "a submission's folder is open to its own candidate's group alone; the copy's root only to pass through",
  async () => {
    const sandbox = await createSandbox({ projectRoot: PROJECT_ROOT });
    try {
      const files = new Map([['gmm.ts', Buffer.from('export {};\n')]]);
      const folder = await addSubmission(sandbox, files, 61_999);
      const stat = (file: string) => statSync(file);
      expect(stat(sandbox.root).mode & 0o777).toBe(0o711);
      expect(stat(sandbox.scratchDir).mode & 0o777).toBe(0o700);
      expect(path.dirname(folder.dir)).toBe(sandbox.root); // so that its ../lib/ imports resolve
      for (const [file, mode] of [
        [folder.dir, 0o750],
        [path.join(folder.dir, 'gmm.ts'), 0o640],
      ] as const) {
        expect([stat(file).mode & 0o777, stat(file).gid]).toEqual([mode, 61_999]);
      }
      await folder.dispose();
      expect(existsSync(folder.dir)).toBe(false);
    } finally {
      await disposeSandbox(sandbox);
    }
  },
);
