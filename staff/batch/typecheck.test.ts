import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { typeErrors } from './typecheck.js';

test('type errors in a submission are listed as file:line:col, and only those in its files', () => {
  // a submission folder directly under a root that has lib/, node_modules and tsconfig.json
  const root = mkdtempSync(path.join(os.tmpdir(), 'ex5-typecheck-test-'));
  try {
    for (const entry of ['lib', 'node_modules'])
      symlinkSync(path.join(PROJECT_ROOT, entry), path.join(root, entry));
    copyFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
    const dir = path.join(root, 'submission');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'training.ts'),
      [
        "import type { Rng } from '../lib/random.js';",
        'export const fine: number = 1;',
        "export const wrong: number = 'one';",
        'export function draw(rng: Rng): string {',
        '  return rng.uniform();',
        '}',
        "console.log('debugging output is allowed');",
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'notes.ts'), "export const ignored: number = 'not a submission file';\n");
    expect(typeErrors(dir, root)).toEqual([
      "training.ts:3:14 TS2322: Type 'string' is not assignable to type 'number'.",
      "training.ts:5:3 TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 60_000);
