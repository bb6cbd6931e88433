import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assembleEquivalent, equivalentTypeErrors, EquivalentError, loadEquivalents } from './equivalents.js';

describe('the equivalents', () => {
  const equivalents = loadEquivalents();

  test('there are some, each saying what is different', () => {
    expect(equivalents.length).toBeGreaterThanOrEqual(3);
    for (const equivalent of equivalents) expect(equivalent.about.length).toBeGreaterThan(20);
  });

  // tsc leaves them out (their ../lib/ imports resolve only beside lib/): they are checked here instead
  test.each(equivalents.map((e) => [e.name, e] as const))(
    '%s type-checks as a submission',
    async (_name, equivalent) => {
      const dir = await assembleEquivalent(equivalent);
      try {
        expect(equivalentTypeErrors(equivalent, dir)).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  test('a folder without ABOUT.md, or with a file that is not a submission file, is an error naming it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ex5-equivalents-'));
    try {
      await mkdir(path.join(dir, 'bare'));
      await writeFile(path.join(dir, 'bare', 'gmm.ts'), '');
      expect(() => loadEquivalents(dir)).toThrow(EquivalentError);
      expect(() => loadEquivalents(dir)).toThrow('equivalent "bare": ABOUT.md must say on its first line');
      await writeFile(path.join(dir, 'bare', 'ABOUT.md'), 'Something different.\n');
      await writeFile(path.join(dir, 'bare', 'helper.ts'), '');
      expect(() => loadEquivalents(dir)).toThrow('equivalent "bare": helper.ts is not a submission file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
