/**
 * One submission, one verdict: the reference with a type error in training.ts gets the same status, the
 * same score and the same status lines in every grading path — gradeSubmission and `npm run grade`
 * (table and --json), `npm run pack`, `grade:batch` on the zip pack made (gradebook and feedback), and
 * Gradescope's run_autograder. A type error costs no points: tsx strips types and the tests run.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import { gradeSubmission } from '../grader/grade.js';
import type { GradeReport } from '../grader/results.js';
import { formatStatusLines, statusInText } from '../grader/status.js';
import { DEFAULT_LIMITS, runBatch } from './batch/batch.js';
import { writeBatchResults } from './batch/writers.js';
import { runScript } from './testing/run-script.js';

/** Lines as a reader sees them, whatever width a writer wrapped them to. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

let work: string;
let submission: string;
let errorLine: number;
let report: GradeReport;
/** The status lines every path must show. */
let lines: string[];

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ex5-status-'));
  submission = path.join(work, 'typo');
  cpSync(path.join(PROJECT_ROOT, 'reference'), submission, { recursive: true });
  const training = readFileSync(path.join(submission, 'training.ts'), 'utf8');
  errorLine = training.split('\n').length;
  writeFileSync(path.join(submission, 'training.ts'), `${training}const x: number = 'a';\n`);
  report = await gradeSubmission(submission);
  lines = formatStatusLines({ ...report, typeErrors: report.facts.typeErrors });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a type error, in every grading path', () => {
  test('gradeSubmission: compile-error with full marks, the error with its place', () => {
    expect(report).toMatchObject({ status: 'compile-error', score: 100, maxScore: 100 });
    expect(report.facts.typeErrors).toEqual([
      `training.ts:${errorLine}:7 TS2322: Type 'string' is not assignable to type 'number'.`,
    ]);
    expect(lines).toEqual([
      "status: compile-error — a type error in training.ts, as npm run typecheck reports; the tests' points still count",
      `type error: ${report.facts.typeErrors![0]}`,
    ]);
  });

  test('npm run grade: the table and --json show the same status and score', () => {
    const json = path.join(work, 'grade.json');
    const run = runScript('grader/cli.ts', ['--submission', submission, '--json', json]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/total +100\/100/);
    for (const line of lines) expect(flat(run.stdout)).toContain(flat(line));
    const results = JSON.parse(readFileSync(json, 'utf8')) as { score: number; output: string };
    expect(results.score).toBe(100);
    expect(results.output.startsWith(lines.join('\n'))).toBe(true);
  }, 300_000);

  test('npm run pack shows them and warns; grade:batch on its zip gives the same row and feedback', async () => {
    const out = path.join(work, 'handins');
    const identity = ['--name', 'Ada Lovelace', '--user', 'alovelace', '--id', '1234567'];
    const run = runScript('grader/pack.ts', ['--submission', submission, ...identity, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/total +100\/100/);
    for (const line of lines) expect(flat(run.stdout)).toContain(flat(line));
    expect(run.stderr).toBe('warning: status compile-error; the zip is made anyway\n');

    const resultsDir = path.join(work, 'batch');
    const batch = await runBatch({
      submissionsDir: out,
      resultsDir,
      jobs: 1,
      resume: false,
      limits: DEFAULT_LIMITS,
    });
    await writeBatchResults(resultsDir, batch.outcomes);
    expect(batch.outcomes).toHaveLength(1);
    const [outcome] = batch.outcomes;
    expect(outcome).toMatchObject({
      id: '1234567',
      status: 'compile-error',
      reason: report.reason,
      typeErrors: report.facts.typeErrors,
      score: 100,
    });
    const gradebook = readFileSync(path.join(resultsDir, 'gradebook.csv'), 'utf8');
    expect(gradebook).toMatch(/\n1234567,Ada Lovelace,alovelace,100,100,22,20,22,16,20,compile-error,/);
    const feedback = readFileSync(path.join(resultsDir, 'feedback', '1234567.txt'), 'utf8');
    for (const line of lines) expect(flat(feedback)).toContain(flat(line));
  }, 600_000);

  test("Gradescope's run_autograder gives the same score and output", () => {
    // /autograder laid out as Gradescope does, its source/ this project (the package's own test
    // is staff/gradescope/gradescope.e2e.test.ts)
    const root = path.join(work, 'autograder');
    mkdirSync(path.join(root, 'submission'), { recursive: true });
    symlinkSync(PROJECT_ROOT, path.join(root, 'source'), 'dir');
    cpSync(submission, path.join(root, 'submission'), { recursive: true });
    const run = spawnSync('bash', [path.join(PROJECT_ROOT, 'staff', 'gradescope', 'run_autograder')], {
      env: { PATH: process.env.PATH, EX5_AUTOGRADER_ROOT: root, EX5_TIMEOUT_S: '240' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as {
      score: number;
      output: string;
    };
    expect(results.score).toBe(100);
    expect(statusInText(results.output)).toBe('compile-error');
    expect(results.output.startsWith(lines.join('\n'))).toBe(true);
  }, 300_000);
});
