/**
 * npm run grade:hostile -- [--only ID,ID] [--paths batch,uid,grade,autograder] [--jobs N] [--timeout S]
 *                          [--memory MB] [--hidden DIR] [--out RESULTS_DIR]
 * Grades the hostile corpus and its bases against a snapshot of the project, in each grading path:
 * `batch` (grade:batch, sandbox as this machine allows), `uid` (grade:batch with the dedicated-uid
 * fallback forced), `grade` (npm run grade's gradeSubmission) and `autograder` (run_autograder under
 * EX5_AUTOGRADER_ROOT). In each it checks that every case ends with its honest status and no more than
 * its honest score, that the reference in the same run keeps full marks, that no project file changed,
 * that no process a submission started is still alive, and that no hidden expected value appears in
 * any output. Prints one table per path; exit 1 when anything fails.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { command, positiveInteger, runCommand, UsageError, userPath } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { gradeSubmission } from '../../grader/grade.js';
import { runBatch } from '../batch/batch.js';
import type { Limits } from '../batch/isolate.js';
import type { SubmissionOutcome } from '../batch/outcome.js';
import { statusInText } from '../../grader/status.js';
import { hashTree, treeDifferences } from '../batch/tree-hash.js';
import { writeBatchResults } from '../batch/writers.js';
import { GROUPS } from '../../grader/results.js';
import { format } from '../../grader/support/check.js';
import { FIXTURE_NAMES, readFixture } from '../../grader/fixtures.js';
import {
  DAEMON_MARKER,
  HOSTILE_CASES,
  materialiseBases,
  materialiseCase,
  type Base,
  type HostileCase,
} from './corpus.js';
import { snapshotProject } from './snapshot.js';
import { pool } from '../pool.js';
import { chooseSandbox, SandboxError } from '../../grader/sandbox/sandbox.js';

export const HOSTILE_PATHS = ['batch', 'uid', 'grade', 'autograder'] as const;
export type HostilePath = (typeof HOSTILE_PATHS)[number];

/** What a path gives a submission: a status and a score (the same for every path). */
type Graded = Pick<SubmissionOutcome, 'status' | 'score' | 'reason'> & { seconds: number };

export interface CaseVerdict {
  hostile: HostileCase;
  outcome: Graded;
  expectedScore: number;
  ok: boolean;
}

export interface CorpusCheck {
  path: HostilePath;
  /** The bases the cases need, graded in the same run. */
  bases: Partial<Record<Base, Graded>>;
  verdicts: CaseVerdict[];
  /** Project files that changed during the run (none, or isolation failed). */
  changed: string[];
  /** Processes carrying the daemon marker still alive after the run. */
  survivors: number[];
  /** Hidden expected values found in the run's outputs. */
  leaks: string[];
  seconds: number;
}

export interface CorpusOptions {
  path: HostilePath;
  cases?: HostileCase[];
  jobs: number;
  limits: Limits;
  hiddenFixturesDir?: string;
  /** Type-check each submission (default true; only the type-error case needs it). */
  typecheck?: boolean;
  /** Where to keep the run's results (default: a temporary folder). */
  resultsDir?: string;
}

/** The score a case honestly gets: its base's, less the points of the groups it breaks. */
export function expectedScore(
  hostile: HostileCase,
  base: Graded & { groups?: SubmissionOutcome['groups'] },
): number {
  if (hostile.expect.lose === 'all') return 0;
  const lost = hostile.expect.lose;
  return (base.groups ?? [])
    .filter((group) => lost.includes(group.group))
    .reduce((score, g) => score - g.points, base.score);
}

/** Every path gives a case the same status (grader/status.ts). */
function expectedStatus(hostile: HostileCase): SubmissionOutcome['status'] {
  return hostile.expect.status;
}

/** Which cases a path can take: run_autograder and grade take folders; zips only the batch reads. */
function casesFor(grading: HostilePath, cases: HostileCase[]): HostileCase[] {
  return grading === 'grade' ? cases.filter((hostile) => !('zipEntry' in hostile.change)) : cases;
}

export async function checkCorpus(options: CorpusOptions): Promise<CorpusCheck> {
  // the daemon case kills every process it may signal: never run the corpus without a sandbox
  if (options.path !== 'uid' && chooseSandbox() === 'none')
    throw new SandboxError(
      'the hostile corpus runs only where a sandbox can start (bubblewrap, or root for the uid fallback)',
    );
  const started = performance.now();
  const cases = casesFor(options.path, options.cases ?? HOSTILE_CASES);
  const project = await snapshotProject(PROJECT_ROOT);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ex5-hostile-'));
  try {
    const submissions = path.join(work, 'submissions');
    const bases = [...new Set<Base>(['reference', ...cases.map((hostile) => hostile.base)])];
    await materialiseBases(project.root, submissions, bases);
    for (const hostile of cases) await materialiseCase(project.root, hostile, submissions);
    // the grade path stages into the live checkout, as `npm run grade` does: watch that one then
    const watched = options.path === 'grade' ? PROJECT_ROOT : project.root;
    const before = await hashTree(watched);
    const resultsDir = options.resultsDir ?? path.join(work, 'results');
    const outcomes = await gradeAll(options, project.root, submissions, resultsDir);
    const changed = treeDifferences(before, await hashTree(watched));
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    const graded: CorpusCheck['bases'] = {};
    for (const base of bases) graded[base] = byId.get(base);
    const verdicts = cases.map((hostile): CaseVerdict => {
      const outcome = byId.get(hostile.id)!;
      const expected = expectedScore(hostile, byId.get(hostile.base)!);
      const scoreOk = hostile.expect.exact ? outcome.score === expected : outcome.score <= expected;
      return {
        hostile,
        outcome,
        expectedScore: expected,
        ok: scoreOk && outcome.status === expectedStatus(hostile),
      };
    });
    return {
      path: options.path,
      bases: graded,
      verdicts,
      changed,
      survivors: survivingDaemons(),
      leaks: options.hiddenFixturesDir ? await hiddenLeaks(options.hiddenFixturesDir, resultsDir) : [],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    await project.dispose();
  }
}

type Outcome = Graded & { id: string; groups: SubmissionOutcome['groups'] };

/** Grades every folder and zip in `submissions` along the chosen path; outputs land in `resultsDir`. */
async function gradeAll(
  options: CorpusOptions,
  projectRoot: string,
  submissions: string,
  resultsDir: string,
): Promise<Outcome[]> {
  if (options.path === 'batch' || options.path === 'uid') {
    const result = await runBatch({
      submissionsDir: submissions,
      resultsDir,
      jobs: options.jobs,
      limits: options.limits,
      resume: false,
      hiddenFixturesDir: options.hiddenFixturesDir,
      projectRoot,
      typecheck: options.typecheck,
      ...(options.path === 'uid' ? { sandbox: 'uid' as const } : {}),
    });
    await writeBatchResults(resultsDir, result.outcomes, result.skipped);
    return result.outcomes;
  }
  await mkdir(resultsDir, { recursive: true, mode: 0o700 });
  const entries = (await readdir(submissions)).sort();
  const gradeOne = options.path === 'grade' ? viaGrade : viaAutograder;
  return pool(entries, options.jobs, async (entry) => {
    const outcome = await gradeOne(options, projectRoot, path.join(submissions, entry), resultsDir);
    return { ...outcome, id: entry.replace(/\.zip$/, '') };
  });
}

/** gradeSubmission, as `npm run grade` calls it, type check included. */
async function viaGrade(
  options: CorpusOptions,
  _projectRoot: string,
  dir: string,
  resultsDir: string,
): Promise<Graded & { groups: SubmissionOutcome['groups'] }> {
  const started = performance.now();
  const report = await gradeSubmission(dir, {
    hiddenFixturesDir: options.hiddenFixturesDir,
    timeoutMs: options.limits.timeoutMs,
    candidateMemoryMb: Math.max(512, options.limits.memoryMb - 1024),
    typecheck: options.typecheck,
  });
  await writeFile(path.join(resultsDir, `${path.basename(dir)}.json`), JSON.stringify(report, null, 2));
  return {
    status: report.status,
    reason: report.reason,
    score: report.score,
    groups: report.groups,
    seconds: round((performance.now() - started) / 1000),
  };
}

/** run_autograder's entry under EX5_AUTOGRADER_ROOT: source/ is the project, submission/ the upload. */
async function viaAutograder(
  options: CorpusOptions,
  projectRoot: string,
  upload: string,
  resultsDir: string,
): Promise<Graded & { groups: SubmissionOutcome['groups'] }> {
  const started = performance.now();
  const root = await mkdtemp(path.join(os.tmpdir(), 'ex5-autograder-'));
  try {
    await mkdir(path.join(root, 'submission'));
    await cp(upload, path.join(root, 'submission', upload.endsWith('.zip') ? path.basename(upload) : ''), {
      recursive: true,
    });
    // the package's layout: the project as source/, the TA's hidden set inside it
    await cp(projectRoot, path.join(root, 'source'), { recursive: true, verbatimSymlinks: true });
    if (options.hiddenFixturesDir)
      await cp(options.hiddenFixturesDir, path.join(root, 'source', 'hidden-fixtures'), { recursive: true });
    await runNode(path.join(root, 'source'), ['--import', 'tsx', 'staff/gradescope/run.ts'], {
      ...process.env,
      EX5_AUTOGRADER_ROOT: root,
      EX5_TIMEOUT_S: String(options.limits.timeoutMs / 1000),
      EX5_MEMORY_MB: String(options.limits.memoryMb),
    });
    const text = await readFile(path.join(root, 'results', 'results.json'), 'utf8');
    await writeFile(path.join(resultsDir, `${path.basename(upload)}.json`), text);
    const results = JSON.parse(text) as {
      score: number;
      output: string;
      tests: { score: number; max_score: number; name: string }[];
    };
    const status = statusInText(results.output);
    if (status === undefined) throw new Error(`results.json of ${upload} gives no status: ${results.output}`);
    // each test is named `<group>: <name>` (format/gradescope.ts)
    const groups = GROUPS.map((group) => {
      const tests = results.tests.filter((test) => test.name.startsWith(`${group}: `));
      return {
        group,
        points: tests.reduce((sum, test) => sum + test.score, 0),
        maxPoints: tests.reduce((sum, test) => sum + test.max_score, 0),
      };
    });
    return {
      status,
      reason: results.output.split('\n')[0],
      score: results.score,
      groups,
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function runNode(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`run_autograder exited ${code}: ${stderr.trim().split('\n').pop()}`)),
    );
  });
}

/** Processes whose command line carries the daemon marker: none may outlive its grade. */
export function survivingDaemons(): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DAEMON_MARKER)) found.push(Number(pid));
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/**
 * Expected values of the hidden set that are not also public, as the grader would print them, found in
 * any file of `resultsDir`. Only values with at least four significant digits count: a 0 or a 1 proves
 * nothing.
 */
async function hiddenLeaks(hiddenDir: string, resultsDir: string): Promise<string[]> {
  const values = (dir: string) => {
    const found = new Set<string>();
    for (const name of FIXTURE_NAMES) {
      const collect = (value: unknown, key = ''): void => {
        if (Array.isArray(value)) value.forEach((entry) => collect(entry, key));
        else if (typeof value === 'object' && value !== null)
          for (const [k, v] of Object.entries(value)) collect(v, k);
        else if (typeof value === 'number' && EXPECTED_KEYS.has(key)) found.add(format(value));
      };
      collect(readFixture(dir, name).cases);
    }
    return found;
  };
  const publicValues = values(path.join(PROJECT_ROOT, 'fixtures'));
  const secret = [...values(hiddenDir)].filter(
    (text) => !publicValues.has(text) && /\d.*\d.*\d.*\d/.test(text),
  );
  const outputs: string[] = [];
  const read = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await read(file);
      else outputs.push(await readFile(file, 'utf8'));
    }
  };
  await read(resultsDir);
  const all = outputs.join('\n');
  return secret.filter((text) => all.includes(text));
}

/** The fixture fields that hold expected values (inputs such as x or logits are not secret). */
const EXPECTED_KEYS = new Set(['logLikelihood', 'loss', 'y', 'accuracy', 'probabilities']);

function round(value: number): number {
  return Number(value.toFixed(1));
}

export function passed(check: CorpusCheck): boolean {
  const reference = check.bases.reference;
  return (
    reference?.score === 100 &&
    check.changed.length === 0 &&
    check.survivors.length === 0 &&
    check.leaks.length === 0 &&
    check.verdicts.every((verdict) => verdict.ok)
  );
}

export function formatCorpusTable(check: CorpusCheck): string {
  const table = new Table({
    head: ['case', 'base', 'status (expected)', 'score (expected)', 'seconds', 'ok'],
    style: { head: [], border: [] },
  });
  for (const [base, outcome] of Object.entries(check.bases)) {
    table.push([base, '-', outcome.status, outcome.score, outcome.seconds, '']);
  }
  for (const verdict of check.verdicts) {
    const { hostile, outcome } = verdict;
    const bound = hostile.expect.exact ? '' : '≤ ';
    table.push([
      hostile.id,
      hostile.base,
      `${outcome.status} (${expectedStatus(hostile)})`,
      `${outcome.score} (${bound}${verdict.expectedScore})`,
      outcome.seconds,
      verdict.ok ? 'yes' : `NO: ${outcome.reason ?? ''}`.slice(0, 80),
    ]);
  }
  const lines = [
    `path: ${check.path}`,
    table.toString(),
    check.changed.length === 0
      ? 'every project file unchanged'
      : `CHANGED: ${check.changed.slice(0, 10).join(', ')}`,
    check.survivors.length === 0
      ? 'no process a submission started is alive'
      : `SURVIVORS: pids ${check.survivors.join(', ')}`,
    check.leaks.length === 0
      ? 'no hidden expected value in any output'
      : `LEAKED hidden values: ${check.leaks.slice(0, 5).join(', ')}`,
    `${check.seconds.toFixed(0)} s`,
  ];
  if (check.bases.reference?.score !== 100)
    lines.push(`the reference scored ${check.bases.reference?.score}, not full marks`);
  return lines.join('\n');
}

interface Options {
  only?: string;
  paths: string;
  jobs: number;
  timeout: number;
  memory: number;
  hidden?: string;
  out?: string;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const program = command(
    'grade:hostile',
    'Grades the hostile corpus in every grading path and checks each verdict.',
    [
      'npm run grade:hostile -- --hidden ../hidden-2027',
      'npm run grade:hostile -- --only daemon,vandal --paths grade',
    ],
  )
    .option('--only <ids>', 'comma-separated case ids')
    .option('--paths <paths>', `comma-separated: ${HOSTILE_PATHS.join(', ')}`, HOSTILE_PATHS.join(','))
    .option('--jobs <n>', 'submissions graded at once', positiveInteger, 2)
    .option('--timeout <seconds>', 'time limit per submission', positiveInteger, 120)
    .option('--memory <MB>', 'memory limit per submission', positiveInteger, 3072)
    .option('--hidden <dir>', 'hidden fixtures, whose values must appear in no output')
    .option('--out <dir>', "keep each path's batch results here");
  await runCommand<Options>(program, async (values) => {
    const only = values.only?.split(',');
    const unknown = only?.filter((id) => !HOSTILE_CASES.some((hostile) => hostile.id === id)) ?? [];
    if (unknown.length > 0) throw new UsageError(`--only: no case ${unknown.join(', ')}`);
    const paths = values.paths.split(',') as HostilePath[];
    const unknownPaths = paths.filter((name) => !HOSTILE_PATHS.includes(name));
    if (unknownPaths.length > 0)
      throw new UsageError(`--paths: no path ${unknownPaths.join(', ')} (use ${HOSTILE_PATHS.join(', ')})`);
    // an endless loop should cost a case seconds, not the minute a slow student gets
    process.env.EX5_CALL_TIMEOUT_S ??= '20';
    let ok = true;
    for (const grading of paths) {
      const check = await checkCorpus({
        path: grading,
        cases: only ? HOSTILE_CASES.filter((hostile) => only.includes(hostile.id)) : undefined,
        jobs: values.jobs,
        limits: { timeoutMs: values.timeout * 1000, memoryMb: values.memory },
        hiddenFixturesDir: values.hidden && userPath(values.hidden),
        resultsDir: values.out && path.join(userPath(values.out), grading),
      });
      process.stdout.write(`${formatCorpusTable(check)}\n\n`);
      ok &&= passed(check);
    }
    return ok ? 0 : 1;
  });
}
