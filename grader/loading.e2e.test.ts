// End-to-end: grading runs Jest in a child process, so this takes several seconds.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import { gradeSubmission } from './grade.js';
import { STAGING_PREFIX } from '../harness/staging.js';

const stagingFolders = () => readdirSync(PROJECT_ROOT).filter((name) => name.startsWith(STAGING_PREFIX));

describe('grading a broken submission', () => {
  test('a file that cannot load costs only the tests that need it, each with a one-line reason', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ex5-broken-'));
    try {
      await cp(path.join(PROJECT_ROOT, 'reference'), dir, { recursive: true });
      await writeFile(path.join(dir, 'gmm.ts'), 'export class GMM {\n  constructor( {\n}\n');
      const umm = await readFile(path.join(dir, 'umm.ts'), 'utf8');
      await writeFile(
        path.join(dir, 'umm.ts'),
        umm.replace('export class UMM', 'export class UniformMixture'),
      );
      const before = stagingFolders();
      const report = await gradeSubmission(dir);
      expect(stagingFolders()).toEqual(before); // the staged copy is gone
      expect(existsSync(dir)).toBe(true);
      const failed = report.tests.filter((t) => !t.passed);
      expect(new Set(failed.map((t) => t.group))).toEqual(new Set(['GMM', 'UMM']));
      for (const test of failed.filter((t) => t.group === 'GMM'))
        expect(test.reason).toMatch(/^gmm\.ts: cannot be loaded: /);
      for (const test of failed.filter((t) => t.group === 'UMM'))
        expect(test.reason).toBe('umm.ts: must export function UMM, found undefined');
      for (const test of failed) expect(test.reason).not.toContain('\n');
      expect(report.score).toBe(100 - 22 - 20);
      // the loader's facts, not its wording, make the status
      expect(report.facts.loadFailures?.map(({ part, kind }) => [part, kind])).toEqual(
        expect.arrayContaining([
          ['gmm', 'does-not-compile'],
          ['umm', 'missing-export'],
        ]),
      );
      expect(report.status).toBe('compile-error');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a submission whose process ends', () => {
  test('each call it cost says how it ended, with its last output; the grade itself is graded', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ex5-exits-'));
    try {
      await cp(path.join(PROJECT_ROOT, 'reference'), dir, { recursive: true });
      // past the static import check, as a determined student would (staff/hostile/corpus.ts)
      await writeFile(
        path.join(dir, 'gmm.ts'),
        [
          "import * as tf from '@tensorflow/tfjs';",
          'const runtime: any = (tf.env() as any).global[`proc${"ess"}`];',
          "runtime.stderr.write('gmm.ts says goodbye\\n');",
          'runtime.exit(3);',
          'export class GMM {}',
          '',
        ].join('\n'),
      );
      const report = await gradeSubmission(dir, { only: ['gmm'] });
      const failed = report.tests.filter((t) => !t.passed);
      expect(failed.length).toBeGreaterThan(0);
      for (const test of failed)
        expect(test.reason).toMatch(
          /^the submission's process ended \(exit code 3; last output: (.* \| )?gmm\.ts says goodbye\)$/,
        );
      expect(report).toMatchObject({ status: 'graded', score: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
