/**
 * The batch's plumbing end to end — discovery, zips, sandboxes, limits, statuses, writers, --resume —
 * against a copy of the project whose grader is a stub: it imports the submission's gmm.ts (so the
 * submission's code really runs in the child) and scores what its `points` export says. The real
 * grader on real submissions is staff/hostile/hostile.e2e.test.ts's job.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { snapshotProject } from '../hostile/snapshot.js';
import { runScript } from '../testing/run-script.js';
import { recordPath, runBatch, type BatchResult } from './batch.js';
import { SUBMISSION_PREFIX } from './sandbox.js';
import type { SubmissionOutcome } from './outcome.js';
import { hashTree, treeDifferences } from './tree-hash.js';
import { formatGradebook, formatHistogram, writeBatchResults } from './writers.js';

const STUB_GRADER = `
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GradeReport } from './results.js';

export async function gradeSubmission(dir: string): Promise<GradeReport> {
  const module = (await import(pathToFileURL(path.join(dir, 'gmm.ts')).href)) as { points?: number };
  const points = Number(module.points ?? 0);
  return {
    submission: dir,
    score: points,
    maxScore: 10,
    groups: [{ group: 'GMM', points, maxPoints: 10 }],
    tests: [{ id: 'gmm.stub', group: 'GMM', name: 'stub', points, maxPoints: 10, passed: points === 10, hidden: false, ...(points === 10 ? {} : { reason: 'points below 10' }) }],
    notes: [],
    status: 'graded',
    facts: {},
  };
}
`;

/**
 * gmm.ts of each folder submission. The stub grader runs it in the judge itself, so no attack belongs
 * here: the hostile corpus tries those against the real grader and its sandboxed candidate.
 */
const SUBMISSIONS: Record<string, string> = {
  'ex5-full': 'export const points = 10;\n',
  'ex5-loop': 'for (;;) {}\nexport const points = 10;\n',
  'ex5-hog': 'const hog: Uint8Array[] = [];\nfor (;;) hog.push(new Uint8Array(5e7).fill(1));\n',
  'ex5-exit': 'process.exit(0);\n',
};

let project: { root: string; dispose(): Promise<void> };
let work: string;
let result: BatchResult;
let before: Map<string, string>;
const limits = { timeoutMs: 10_000, memoryMb: 700 };

function outcome(id: string): SubmissionOutcome {
  const found = result.outcomes.find((o) => o.id === id);
  if (!found) throw new Error(`no outcome for ${id}`);
  return found;
}

/** The feedback pages index.html links to. */
function indexLinks(resultsDir: string): Set<string> {
  const index = readFileSync(path.join(resultsDir, 'index.html'), 'utf8');
  return new Set([...index.matchAll(/<a href="(feedback\/[^"]+)"/g)].map((match) => match[1]));
}

function writeZip(file: string, entries: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => {
      writeFileSync(file, Buffer.concat(chunks));
      resolve();
    });
  });
}

beforeAll(async () => {
  project = await snapshotProject(PROJECT_ROOT);
  writeFileSync(path.join(project.root, 'grader', 'grade.ts'), STUB_GRADER);
  work = await mkdtemp(path.join(os.tmpdir(), 'ex5-batch-test-'));
  const submissions = path.join(work, 'submissions');
  for (const [name, source] of Object.entries(SUBMISSIONS)) {
    mkdirSync(path.join(submissions, name), { recursive: true });
    writeFileSync(path.join(submissions, name, 'gmm.ts'), source);
  }
  await writeZip(path.join(submissions, 'ex5-zipped.zip'), {
    'ex5-zipped/gmm.ts': 'export const points = 7;\n',
  });
  writeFileSync(path.join(submissions, 'ex5-corrupt.zip'), 'PK\u0003\u0004 not a zip at all');
  before = await hashTree(project.root);
  result = await runBatch({
    submissionsDir: submissions,
    resultsDir: path.join(work, 'results'),
    jobs: 2,
    limits,
    resume: false,
    projectRoot: project.root,
    typecheck: false, // grader/typecheck/ tests it; here it would only slow every grade down
  });
  await writeBatchResults(path.join(work, 'results'), result.outcomes);
}, 120_000);

afterAll(async () => {
  await project?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a batch of folders and zips', () => {
  test('each submission ends with its honest status and score', () => {
    const rows = result.outcomes.map((o) => [o.id, o.status, o.score]);
    expect(rows).toEqual([
      ['corrupt', 'unreadable', 0],
      ['exit', 'crashed', 0],
      ['full', 'graded', 10],
      ['hog', 'out-of-memory', 0],
      ['loop', 'timeout', 0],
      ['zipped', 'graded', 7],
    ]);
  });

  test('reasons say what happened', () => {
    expect(outcome('corrupt').reason).toMatch(/^ex5-corrupt\.zip: not a readable zip/); // no TA's path
    expect(outcome('loop').reason).toBe(`killed after ${limits.timeoutMs / 1000} s`);
    expect(outcome('hog').reason).toMatch(/killed at \d+ MB \(limit 700 MB\)/);
    // what ended the process, and its last output or that there was none
    expect(outcome('exit').reason).toMatch(
      /^grader exited without a report \(exit code 0; (last output: .+|no output)\)$/,
    );
  });

  test('a row without a report is 0 out of the rubric, not 0/0', () => {
    for (const id of ['corrupt', 'exit', 'hog', 'loop']) expect(outcome(id).maxScore).toBe(100);
  });

  test('the limits held: the loop ran no longer than its timeout, the hog no larger than a little over its limit', () => {
    expect(outcome('loop').seconds).toBeGreaterThanOrEqual(limits.timeoutMs / 1000);
    expect(outcome('loop').seconds).toBeLessThan(limits.timeoutMs / 1000 + 5);
    expect(outcome('hog').peakRssMb).toBeGreaterThan(limits.memoryMb);
    expect(outcome('hog').peakRssMb).toBeLessThan(limits.memoryMb + 1024);
  });

  test('no submission changed a byte of the project it was graded with', async () => {
    expect(treeDifferences(before, await hashTree(project.root))).toEqual([]);
  });

  test('gradebook.csv, results.json and one feedback file per student', () => {
    const results = path.join(work, 'results');
    const gradebook = readFileSync(path.join(results, 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(gradebook[0]).toBe(
      'id,name,login,total,max,GMM,UMM,attention,GPT step,generation,status,seconds,sandbox',
    );
    expect(gradebook).toHaveLength(1 + result.outcomes.length);
    expect(gradebook.find((line) => line.startsWith('zipped,'))).toMatch(
      /^zipped,,,7,10,7,0,0,0,0,graded,[\d.]+,(bwrap|uid)$/,
    );
    const json = JSON.parse(readFileSync(path.join(results, 'results.json'), 'utf8')) as {
      submissions: SubmissionOutcome[];
    };
    expect(json.submissions.find((o) => o.id === 'zipped')!.report!.tests[0]).toMatchObject({ points: 7 });
    // what was handed in, never the batch's temporary folders
    expect(json.submissions.find((o) => o.id === 'zipped')!.report!.submission).toBe('ex5-zipped.zip');
    const text = readFileSync(path.join(results, 'results.json'), 'utf8');
    expect(text).not.toContain('ex5-sandbox-');
    expect(text).not.toContain(SUBMISSION_PREFIX);
    const feedback = readFileSync(path.join(results, 'feedback', 'zipped.txt'), 'utf8');
    expect(feedback).toMatch(/status: graded/);
    expect(feedback).toMatch(/points below 10/);
    expect(feedback).toMatch(/total\s+7\/10/);
    expect(feedback.includes('\u001b[')).toBe(false); // no colour codes in a file
    expect(readFileSync(path.join(results, 'feedback', 'corrupt.txt'), 'utf8')).toMatch(/status: unreadable/);
    expect(readFileSync(path.join(results, 'feedback', 'zipped.html'), 'utf8')).toContain('points below 10');
    expect(indexLinks(results)).toEqual(new Set(result.outcomes.map((o) => `feedback/${o.id}.html`)));
  });

  test('--resume keeps graded records and regrades what changed', async () => {
    const submissions = path.join(work, 'submissions');
    writeFileSync(path.join(submissions, 'ex5-full', 'gmm.ts'), 'export const points = 9;\n');
    const recordOfZipped = readFileSync(recordPath(path.join(work, 'results'), 'zipped'), 'utf8');
    rmSync(path.join(submissions, 'ex5-loop'), { recursive: true });
    rmSync(path.join(submissions, 'ex5-hog'), { recursive: true });
    const again = await runBatch({
      submissionsDir: submissions,
      resultsDir: path.join(work, 'results'),
      jobs: 2,
      limits,
      resume: true,
      projectRoot: project.root,
      typecheck: false,
    });
    // full changed and corrupt is unreadable (always redone): exit and zipped come from records
    expect(again.resumed).toBe(2);
    expect(again.outcomes.find((o) => o.id === 'full')).toMatchObject({ status: 'graded', score: 9 });
    expect(readFileSync(recordPath(path.join(work, 'results'), 'zipped'), 'utf8')).toBe(recordOfZipped);
    // as the command does after every run: index.html lists the rows taken from records too
    await writeBatchResults(path.join(work, 'results'), again.outcomes);
    expect(indexLinks(path.join(work, 'results'))).toEqual(
      new Set(['corrupt', 'exit', 'full', 'zipped'].map((id) => `feedback/${id}.html`)),
    );
  }, 120_000);

  test('a broken hidden fixture set stops the batch before the first submission', async () => {
    const hidden = path.join(work, 'hidden-empty');
    mkdirSync(hidden);
    const resultsDir = path.join(work, 'results-hidden');
    await expect(
      runBatch({
        submissionsDir: path.join(work, 'submissions'),
        resultsDir,
        jobs: 1,
        limits,
        resume: false,
        projectRoot: project.root,
        hiddenFixturesDir: hidden,
      }),
    ).rejects.toThrow(`${path.join(hidden, 'gmm.json')}: cannot be read`);
    expect(existsSync(resultsDir)).toBe(false);
  });
});

describe('--retry-failed and --regrade', () => {
  let submissions: string;
  let resultsDir: string;
  const batch = (extra: { retryFailed?: boolean; regrade?: string[] }) =>
    runBatch({
      submissionsDir: submissions,
      resultsDir,
      jobs: 2,
      limits,
      resume: false,
      projectRoot: project.root,
      typecheck: false,
      ...extra,
    });
  const rows = (batchResult: BatchResult) => batchResult.outcomes.map((o) => [o.id, o.status, o.score]);
  const write = (id: string, source: string) =>
    writeFileSync(path.join(submissions, `ex5-${id}`, 'gmm.ts'), source);

  beforeAll(async () => {
    submissions = path.join(work, 'retry-submissions');
    resultsDir = path.join(work, 'retry-results');
    for (const id of ['full', 'exit', 'part'])
      mkdirSync(path.join(submissions, `ex5-${id}`), { recursive: true });
    write('full', 'export const points = 10;\n');
    write('exit', 'process.exit(3);\n');
    write('part', 'export const points = 4;\n');
    writeFileSync(path.join(submissions, 'ex5-corrupt.zip'), 'PK\u0003\u0004 not a zip at all');
    const first = await batch({});
    expect(rows(first)).toEqual([
      ['corrupt', 'unreadable', 0],
      ['exit', 'crashed', 0],
      ['full', 'graded', 10],
      ['part', 'graded', 4],
    ]);
  }, 120_000);

  test('--retry-failed regrades the crashed and unreadable rows and keeps the graded ones', async () => {
    write('exit', 'export const points = 6;\n');
    await writeZip(path.join(submissions, 'ex5-corrupt.zip'), { 'gmm.ts': 'export const points = 2;\n' });
    const recordOfFull = readFileSync(recordPath(resultsDir, 'full'), 'utf8');
    const again = await batch({ retryFailed: true });
    expect(again.resumed).toBe(2);
    expect(rows(again)).toEqual([
      ['corrupt', 'graded', 2],
      ['exit', 'graded', 6],
      ['full', 'graded', 10],
      ['part', 'graded', 4],
    ]);
    expect(readFileSync(recordPath(resultsDir, 'full'), 'utf8')).toBe(recordOfFull);
  }, 120_000);

  test('--regrade ID… regrades exactly those IDs, the others stay as recorded', async () => {
    write('full', 'export const points = 8;\n'); // changed, but not named: its row stays
    write('part', 'export const points = 5;\n');
    const again = await batch({ regrade: ['part'] });
    expect(again.resumed).toBe(3);
    expect(rows(again)).toEqual([
      ['corrupt', 'graded', 2],
      ['exit', 'graded', 6],
      ['full', 'graded', 10],
      ['part', 'graded', 5],
    ]);
    await expect(batch({ regrade: ['part', 'nobody'] })).rejects.toThrow(
      `--regrade: no submission with the ID nobody in ${submissions}`,
    );
  }, 120_000);
});

describe('npm run grade:batch', () => {
  test('--help lists --retry-failed and --regrade; --regrade with --resume is a usage error', () => {
    const help = runScript('staff/batch/cli.ts', ['--help']);
    expect(help.status).toBe(0);
    for (const flag of ['--resume', '--retry-failed', '--regrade <id...>'])
      expect(help.stdout).toContain(flag);
    const both = runScript('staff/batch/cli.ts', [
      work,
      '--out',
      path.join(work, 'x'),
      '--regrade',
      'a',
      '--resume',
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain(
      '--regrade keeps every other row already: leave out --resume and --retry-failed',
    );
  });
});

describe('writers', () => {
  const row = (
    id: string,
    score: number,
    status: SubmissionOutcome['status'] = 'graded',
  ): SubmissionOutcome => ({
    id,
    source: id,
    status,
    score,
    maxScore: status === 'graded' ? 100 : 0,
    groups: [],
    seconds: 1,
    peakRssMb: 1,
  });

  test('CSV fields with commas or quotes are quoted', () => {
    const csv = formatGradebook([{ ...row('a,"b"', 1), name: 'King, Ada "the Countess"', login: 'ada' }]);
    expect(csv.split('\n')[1]).toBe('"a,""b""","King, Ada ""the Countess""",ada,1,100,0,0,0,0,0,graded,1,');
  });

  test('the histogram counts each score in its tenth of the maximum; unscored rows count as 0', () => {
    const lines = formatHistogram([
      row('a', 0),
      row('b', 9.99),
      row('c', 55),
      row('d', 100),
      row('e', 0, 'crashed'),
    ]).split('\n');
    expect(lines).toHaveLength(10);
    const counts = lines.map((line) => Number(line.trim().split(/\s+/).pop()));
    expect(counts).toEqual([3, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
