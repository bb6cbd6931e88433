import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { SubmissionTypeChecker } from './checker.js';
import { TypeCheckError, TypeCheckProcess } from './process.js';

const TRAINING = [
  "import type { Rng } from '../lib/random.js';",
  'export const fine: number = 1;',
  "export const wrong: number = 'one';",
  'export function draw(rng: Rng): string {',
  '  return rng.uniform();',
  '}',
  "console.log('debugging output is allowed');",
  '',
].join('\n');

describe('SubmissionTypeChecker', () => {
  const checker = new SubmissionTypeChecker(PROJECT_ROOT);

  test('type errors are listed as file:line:col, only in the submission files, lib/ resolved', () => {
    expect(
      checker.check({
        'training.ts': TRAINING,
        'notes.ts': "export const ignored: number = 'not a submission file';\n",
      }),
    ).toEqual([
      "training.ts:3:14 TS2322: Type 'string' is not assignable to type 'number'.",
      "training.ts:5:3 TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
  }, 60_000);

  test('each check sees only its own files: the last submission leaves nothing behind', () => {
    expect(checker.check({ 'training.ts': 'export const fine: number = 1;\n' })).toEqual([]);
    // gmm.ts imports a file the submission does not have
    expect(
      checker.check({ 'gmm.ts': "import { fine } from './training.js';\nexport const x = fine;\n" }),
    ).toEqual([
      "gmm.ts:1:22 TS2307: Cannot find module './training.js' or its corresponding type declarations.",
    ]);
  }, 60_000);

  test('a syntax error is a type error too', () => {
    expect(checker.check({ 'gmm.ts': 'export const broken = ;\n' })).toEqual([
      'gmm.ts:1:23 TS1109: Expression expected.',
    ]);
  }, 60_000);
});

describe('TypeCheckProcess', () => {
  test('checks in a child process, one check after another', async () => {
    const process = new TypeCheckProcess();
    try {
      expect(await process.check({ 'training.ts': TRAINING })).toHaveLength(2);
      expect(await process.check({ 'training.ts': 'export const fine = 1;\n' })).toEqual([]);
    } finally {
      process.close();
    }
  }, 60_000);

  test('a checker that dies says how: its exit code and its last lines of output', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ex5-typecheck-'));
    try {
      writeFileSync(path.join(root, 'tsconfig.json'), '{ "compilerOptions": ');
      const process = new TypeCheckProcess(root);
      const check = process.check({ 'gmm.ts': '' });
      await expect(check).rejects.toThrow(TypeCheckError);
      await expect(check).rejects.toThrow(
        /^the type checker ended \(exit code 1; last output: .*tsconfig\.json/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  test('a check past its time limit ends the checker and says so', async () => {
    const process = new TypeCheckProcess(PROJECT_ROOT, 10);
    await expect(process.check({ 'gmm.ts': '' })).rejects.toThrow(
      'the type check did not finish within 0.01 s',
    );
  }, 60_000);
});
