/**
 * `npm run pack` end to end: it refuses without a full identity, and the zip it makes of the reference
 * is what the batch grader reads, with full marks. This grades the reference twice (pack, then batch),
 * so it is the slow test of this folder.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScript } from '../staff/testing/run-script.js';
import { DEFAULT_LIMITS, runBatch } from '../staff/batch/batch.js';

function pack(args: string[]) {
  return runScript('grader/pack.ts', args); // stdin is not a terminal there, so nothing is asked
}

describe('npm run pack', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ex5-pack-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('refuses, naming what is missing or malformed, before grading anything', () => {
    const run = pack([
      '--submission',
      'reference',
      '--name',
      'Ada Lovelace',
      '--user',
      'alovelace',
      '--out',
      dir,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: HandinError: ID is missing (--id)\n');
    const malformed = pack([
      '--submission',
      'reference',
      '--name',
      'Ada',
      '--user',
      'ada',
      '--id',
      '12-34',
      '--out',
      dir,
    ]);
    expect(malformed.stderr).toBe(
      "error: HandinError: ID '12-34' is malformed: digits only, 6 to 10 of them\n",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('packs the reference into a zip that the batch grader grades 100', async () => {
    const identity = ['--name', 'Ada Lovelace', '--user', 'alovelace', '--id', '1234567'];
    const run = pack(['--submission', 'reference', ...identity, '--out', dir]);
    const output = run.stdout;
    expect(run.stderr).toBe(''); // no warning: full marks
    expect(run.status).toBe(0);
    expect(output).toContain('Import check: passed');
    expect(output).toMatch(/total\W+100\/100/);
    expect(readdirSync(dir)).toEqual(['ex5-1234567.zip']);

    const results = path.join(dir, 'results');
    const batch = await runBatch({
      submissionsDir: dir,
      resultsDir: results,
      jobs: 1,
      resume: false,
      limits: DEFAULT_LIMITS,
    });
    expect(
      batch.outcomes.map(({ id, name, login, status, score, maxScore }) => ({
        id,
        name,
        login,
        status,
        score,
        maxScore,
      })),
    ).toEqual([
      {
        id: '1234567',
        name: 'Ada Lovelace',
        login: 'alovelace',
        status: 'graded',
        score: 100,
        maxScore: 100,
      },
    ]);
  }, 900_000);
});
