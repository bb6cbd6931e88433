import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPart, PROJECT_ROOT } from '../../harness/submission.js';
import { STAGING_PREFIX } from '../../harness/staging.js';
import { withoutForfeitedFiles } from './enforce.js';
import { checkImports } from './imports.js';

describe('a file that breaks the import rule is never loaded', () => {
  let dir: string;
  const training =
    'export function gptLoss() { return 1; }\nexport function lastCharacterAccuracy() { return 1; }\n';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ex5-enforce-'));
    writeFileSync(path.join(dir, 'training.ts'), training);
    // would write a file when imported, if it were ever imported
    const marker = JSON.stringify(path.join(dir, 'ran'));
    writeFileSync(
      path.join(dir, 'generation.ts'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${marker}, 'ran');\nexport const generate = 1;\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('without violations the folder is used as it is', async () => {
    const clean = await withoutForfeitedFiles(dir, []);
    expect(clean.dir).toBe(dir);
    await clean.cleanup();
    expect(existsSync(dir)).toBe(true);
  });

  test('with violations a copy beside lib/ stubs the offending file and keeps the others', async () => {
    const violations = checkImports(dir);
    expect(violations.map((v) => v.file)).toEqual(['generation.ts']);
    const checked = await withoutForfeitedFiles(dir, violations);
    try {
      expect(path.dirname(checked.dir)).toBe(PROJECT_ROOT);
      expect(path.basename(checked.dir).startsWith(STAGING_PREFIX)).toBe(true);
      expect(readFileSync(path.join(checked.dir, 'training.ts'), 'utf8')).toBe(training);
      const loading = loadPart(checked.dir, 'generation');
      await expect(loading).rejects.toThrow(
        "generation.ts: threw while loading: not graded: generation.ts breaks the allowed-imports rule (line 1: import { writeFileSync } from 'node:fs';)",
      );
      await expect(loading).rejects.toMatchObject({ loadFailure: 'import-rule' });
      expect(existsSync(path.join(dir, 'ran'))).toBe(false); // the student's code did not run
      expect(readFileSync(path.join(dir, 'generation.ts'), 'utf8')).toContain('writeFileSync'); // original kept
    } finally {
      await checked.cleanup();
    }
    expect(existsSync(checked.dir)).toBe(false);
  });
});
