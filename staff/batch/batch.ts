/**
 * Grades a folder of submissions: each read safely, written into its own folder of the batch's copy of
 * the project, graded by a grader child (one per job slot, taking one submission after another) under
 * time and memory limits per submission, several at a time. One record per submission is written as
 * soon as it is graded (records/<id>.json), so an interrupted batch resumes where it stopped.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { checkFixtureSet } from '../../grader/fixtures.js';
import { loadRubric } from '../../grader/rubric.js';
import { IsolatedWorker, type Limits } from './isolate.js';
import type { SubmissionOutcome } from './outcome.js';
import {
  heapExhausted,
  statusOf,
  withLaterFacts,
  type GradeFacts,
  type StatusVerdict,
} from '../../grader/status.js';
import { TypeCheckProcess, type TypeCheckResult } from '../../grader/typecheck/process.js';
import { describeEnding } from '../../grader/sandbox/process-tree.js';
import { addSubmission, createSandbox, disposeSandbox, type Sandbox } from './sandbox.js';
import { seconds } from './timing.js';
import {
  killAllOf,
  SANDBOX_UID_BASE,
  SANDBOX_UID_COUNT,
  requireSandbox,
  type SandboxMode,
} from '../../grader/sandbox/sandbox.js';
import {
  findSubmissions,
  fingerprint,
  readIdentity,
  readSubmission,
  type SkippedEntry,
  type SubmissionFiles,
  type SubmissionSource,
} from './submissions.js';
import { UnreadableSubmissionError } from './unzip.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

export const DEFAULT_LIMITS: Limits = { timeoutMs: 600_000, memoryMb: 3072 };

export interface GradeOneOptions {
  limits: Limits;
  hiddenFixturesDir?: string;
  /** The project whose grader is copied into each sandbox (default: this one). */
  projectRoot?: string;
  /** Type-check each submission (default true; a type error makes the status compile-error). */
  typecheck?: boolean;
  /** The checker to use, kept from one submission to the next (default: one for this grade). */
  typeChecker?: TypeCheckProcess;
  /** Where candidates run (default: the best available, refusing none; see grader/sandbox). */
  sandbox?: SandboxMode;
  /** The uid mode's candidate uid for this grade (default: one per process). */
  candidateUid?: number;
}

export interface BatchOptions extends GradeOneOptions {
  submissionsDir: string;
  resultsDir: string;
  jobs: number;
  /** Skip submissions whose record in resultsDir matches their current files. */
  resume: boolean;
  /** As resume, and regrade the rows whose status is crashed, timeout, out-of-memory or unreadable. */
  retryFailed?: boolean;
  /** Regrade exactly these IDs; every other row is taken from its record (graded when it has none). */
  regrade?: string[];
  onProgress?: (progress: BatchProgress) => void;
  /** Aborted on Ctrl-C: no new grade starts, and a grade cut short is not recorded. */
  signal?: AbortSignal;
}

export interface BatchProgress {
  done: number;
  total: number;
  running: number;
  last?: SubmissionOutcome;
}

export interface BatchResult {
  outcomes: SubmissionOutcome[];
  /** How many were taken from earlier records (--resume). */
  resumed: number;
  /** Entries of the submissions folder that are no submission, with why. */
  skipped: SkippedEntry[];
  seconds: number;
  /** Peak resident memory of this (the parent) process over the batch. */
  parentPeakRssMb: number;
}

export function recordPath(resultsDir: string, id: string): string {
  return path.join(resultsDir, 'records', `${id}.json`);
}

/** The batch was stopped (Ctrl-C): the submissions graded so far are in records/, for --resume. */
export class BatchInterrupted extends Error {
  override name = 'BatchInterrupted';
}

export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  // a broken hidden set would cost every student the hidden tests: stop before the first one
  if (options.hiddenFixturesDir) checkFixtureSet(options.hiddenFixturesDir);
  const sandbox = options.sandbox ?? requireSandbox(false);
  const { sources, skipped } = await findSubmissions(options.submissionsDir);
  const regrade = new Set(options.regrade ?? []);
  const unknown = [...regrade].filter((id) => !sources.some((source) => source.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `--regrade: no submission with the ID ${unknown.join(', ')} in ${options.submissionsDir}`,
    );
  }
  // the results are the TA's alone: no candidate, under any uid, may read or change them
  await mkdir(path.join(options.resultsDir, 'records'), { recursive: true, mode: 0o700 });
  await chmod(options.resultsDir, 0o700);
  let parentPeakRssMb = 0;
  const sampleMemory = () => {
    parentPeakRssMb = Math.max(parentPeakRssMb, process.memoryUsage().rss / 2 ** 20);
  };
  const memoryTimer = setInterval(sampleMemory, 500);

  const outcomes: SubmissionOutcome[] = new Array(sources.length);
  const pending: number[] = [];
  let resumed = 0;
  for (const [index, source] of sources.entries()) {
    const earlier =
      regrade.size > 0
        ? regrade.has(source.id)
          ? undefined
          : await readRecord(options.resultsDir, source.id)
        : options.resume || options.retryFailed
          ? await resumable(options.resultsDir, source, options.retryFailed ?? false)
          : undefined;
    if (earlier) {
      outcomes[index] = earlier;
      resumed++;
    } else {
      pending.push(index);
    }
  }
  const toGrade = pending.length;
  let done = resumed;
  let running = 0;
  options.onProgress?.({ done, total: sources.length, running });
  // one copy of the project for the whole batch (nothing graded can change it), a folder per submission
  let project: Sandbox | undefined;
  const worker = async (slot: number) => {
    // each concurrent grade's candidate gets its own uid, so that killing one's processes spares the other's
    const candidateUid = SANDBOX_UID_BASE + (((process.pid % 100) * 16 + slot) % SANDBOX_UID_COUNT);
    const judge = project && graderChild(project, options.limits);
    // one type checker per slot: it parses the project's declarations once for all its submissions
    const typeChecker = new TypeCheckProcess(options.projectRoot ?? PROJECT_ROOT);
    try {
      for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
        if (options.signal?.aborted) return;
        running++;
        options.onProgress?.({ done, total: sources.length, running });
        const context = { sandbox: project!, judge: judge! };
        const outcome = await gradeSource(
          sources[index],
          { ...options, sandbox, candidateUid, typeChecker },
          context,
        );
        // a grade cut short by the interruption is no verdict: --resume grades it again
        if (options.signal?.aborted) return;
        await writeRecord(options.resultsDir, outcome);
        outcomes[index] = outcome;
        running--;
        done++;
        sampleMemory();
        options.onProgress?.({ done, total: sources.length, running, last: outcome });
      }
    } finally {
      typeChecker.close();
      await judge?.close();
    }
  };
  try {
    if (pending.length > 0)
      project = await createSandbox({
        projectRoot: options.projectRoot ?? PROJECT_ROOT,
        hiddenFixturesDir: options.hiddenFixturesDir,
      });
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, (_, slot) => worker(slot)));
  } finally {
    clearInterval(memoryTimer);
    if (project) await disposeSandbox(project);
  }
  if (options.signal?.aborted)
    throw new BatchInterrupted(
      `stopped after ${done - resumed} of ${toGrade} submissions; rerun with --resume to grade the rest`,
    );
  sampleMemory();
  return {
    outcomes,
    resumed,
    skipped,
    seconds: (performance.now() - started) / 1000,
    parentPeakRssMb: Math.round(parentPeakRssMb),
  };
}

/** Where a batch grades: its copy of the project, and a job slot's grader child. */
export interface GradingContext {
  sandbox: Sandbox;
  judge: IsolatedWorker<WorkerMessage>;
}

/** A grader child (the judge) for one job slot, run from the batch's copy of the project. */
function graderChild(sandbox: Sandbox, limits: Limits): IsolatedWorker<WorkerMessage> {
  return new IsolatedWorker<WorkerMessage>(
    {
      nodeArgs: ['--import', 'tsx', path.join(sandbox.root, 'staff', 'batch', 'worker.ts')],
      cwd: sandbox.root,
      env: childEnvironment(sandbox.scratchDir),
    },
    limits.memoryMb,
  );
}

/** Reads and grades one submission; an unreadable one becomes a row, never an exception. */
export async function gradeSource(
  source: SubmissionSource,
  options: GradeOneOptions,
  context?: GradingContext,
): Promise<SubmissionOutcome> {
  const base = { id: source.id, ...(await readIdentity(source)), source: path.basename(source.path) };
  let files: SubmissionFiles;
  try {
    files = await readSubmission(source);
  } catch (error) {
    if (!(error instanceof UnreadableSubmissionError)) throw error;
    // the student reads this: their file's name, not where the TA keeps it
    const reason = error.message.replaceAll(`${path.dirname(source.path)}${path.sep}`, '');
    return { ...base, ...noReport(statusOf({ unreadable: reason })) };
  }
  const graded = await gradeFiles(files, options, context);
  // the report names what the student handed in, not the batch's temporary folder it was graded in
  if (graded.report) graded.report.submission = base.source;
  return { ...base, ...graded, fingerprint: fingerprint(files) };
}

/**
 * Grades a submission's files in its own folder of the sandbox, in a grader child under the limits:
 * the batch's (context), or, for one submission alone (Gradescope), a sandbox and a child of its own.
 */
export async function gradeFiles(
  files: SubmissionFiles,
  options: GradeOneOptions,
  context?: GradingContext,
): Promise<Omit<SubmissionOutcome, 'id' | 'source'>> {
  if (!context) {
    const sandbox = await createSandbox({
      projectRoot: options.projectRoot ?? PROJECT_ROOT,
      hiddenFixturesDir: options.hiddenFixturesDir,
    });
    const judge = graderChild(sandbox, options.limits);
    try {
      return await gradeFiles(files, options, { sandbox, judge });
    } finally {
      await judge.close();
      await disposeSandbox(sandbox);
    }
  }
  const mode = options.sandbox ?? requireSandbox(false);
  const candidateUid = mode === 'uid' ? (options.candidateUid ?? SANDBOX_UID_BASE) : undefined;
  const preparing = performance.now();
  const folder = await addSubmission(context.sandbox, files, candidateUid);
  const prepareS = seconds(performance.now() - preparing);
  // the files as handed in, type-checked here while the grader child grades them (no code of theirs runs here)
  const checker =
    options.typecheck === false
      ? undefined
      : (options.typeChecker ?? new TypeCheckProcess(options.projectRoot));
  const texts = Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.toString('utf8')]));
  const checking = performance.now();
  let typecheckS = 0;
  const typeCheck = checker
    ?.check(texts)
    .then(
      (errors): TypeCheckResult => ({ errors }),
      (error: Error): TypeCheckResult => ({ failed: error.message }),
    )
    .finally(() => {
      typecheckS = seconds(performance.now() - checking);
    });
  try {
    const { timeoutMs } = options.limits;
    const job: WorkerJob = {
      submissionDir: folder.dir,
      hiddenFixturesDir: context.sandbox.hiddenFixturesDir,
      // the grader's own limit fires first, so that tests that finished still count
      deadline: Date.now() + timeoutMs - Math.max(5000, timeoutMs * 0.1),
      sandbox: mode,
      candidateUid,
      // the judge (worker, Jest) needs about a gigabyte of the tree's limit; the candidate has the rest
      candidateMemoryMb: Math.max(512, options.limits.memoryMb - 1024),
    };
    const run = await context.judge.run(job, options.limits);
    const measured = { seconds: round(run.seconds, 2), peakRssMb: run.peakRssMb, sandbox: mode };
    // the facts of this process's end; a report brings the judge's own, and the type check its errors
    const facts: GradeFacts = {};
    const exhausted = heapExhausted(run.stderrTail) || heapExhausted(run.stdoutTail);
    const ended =
      run.message?.kind === 'error' && run.message.message.trim() !== ''
        ? run.message.message
        : crashReason(run);
    if (run.killedFor === 'timeout')
      facts.killed = { limit: 'time', reason: `killed after ${options.limits.timeoutMs / 1000} s` };
    else if (run.killedFor === 'memory' || exhausted || heapExhausted(ended)) {
      const reason = `killed at ${run.peakRssMb} MB (limit ${options.limits.memoryMb} MB)`;
      facts.killed = {
        limit: 'memory',
        reason: run.killedFor === 'memory' ? reason : 'JavaScript heap out of memory',
      };
    } else if (run.message?.kind !== 'report') facts.graderEnded = ended;
    const typed = await typeCheck;
    if (typed && 'errors' in typed) facts.typeErrors = typed.errors;
    if (facts.killed || run.message?.kind !== 'report')
      return noReport(statusOf(facts), measured, facts.typeErrors);
    const report = withLaterFacts(run.message.report, facts);
    if (typed && 'failed' in typed) report.notes.push(`Type check: not done (${typed.failed}).`);
    return {
      status: report.status,
      reason: report.reason,
      typeErrors: report.facts.typeErrors,
      score: report.score,
      maxScore: report.maxScore,
      groups: report.groups,
      report,
      ...measured,
      timing: { prepareS, ...run.message.timing, typecheckS, cpuS: run.cpuSeconds },
    };
  } finally {
    if (checker !== options.typeChecker) checker?.close();
    // in the uid mode a candidate re-parented away from the killed tree still dies here
    if (candidateUid !== undefined) killAllOf(candidateUid);
    await folder.dispose();
  }
}

/** The child's whole environment: nothing of the TA's, its own HOME and TMPDIR. */
function childEnvironment(scratchDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: scratchDir,
    TMPDIR: scratchDir,
    LANG: 'C.UTF-8',
    EX5_QUIET_BACKEND: '1',
    FORCE_COLOR: '0',
  };
  for (const name of ['EX5_BACKEND', 'EX5_CALL_TIMEOUT_S'])
    if (process.env[name]) env[name] = process.env[name];
  return env;
}

let total: number | undefined;
/** The rubric's points in all: an ungraded row is 0 out of them, like any other. */
export function rubricTotal(): number {
  total ??= loadRubric().reduce((sum, entry) => sum + entry.points, 0);
  return total;
}

/** An outcome without a report: no points out of the rubric's total, and why. */
function noReport(
  verdict: StatusVerdict,
  measured = { seconds: 0, peakRssMb: 0 },
  typeErrors?: string[],
): Omit<SubmissionOutcome, 'id' | 'source'> {
  return {
    ...verdict,
    ...(typeErrors && { typeErrors }),
    score: 0,
    maxScore: rubricTotal(),
    groups: [],
    ...measured,
  };
}

async function writeRecord(resultsDir: string, outcome: SubmissionOutcome): Promise<void> {
  const file = recordPath(resultsDir, outcome.id);
  await writeFile(`${file}.partial`, `${JSON.stringify(outcome, null, 2)}\n`);
  await rename(`${file}.partial`, file); // a killed batch never leaves half a record
}

/** Statuses that say the grade did not finish, not what the submission is worth: --retry-failed redoes them. */
export const FAILED_STATUSES: readonly SubmissionOutcome['status'][] = [
  'crashed',
  'timeout',
  'out-of-memory',
  'unreadable',
];

async function readRecord(resultsDir: string, id: string): Promise<SubmissionOutcome | undefined> {
  const file = recordPath(resultsDir, id);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as SubmissionOutcome;
}

/** The earlier record of a submission, if it was graded from the same files (and, retrying, did not fail). */
async function resumable(
  resultsDir: string,
  source: SubmissionSource,
  retryFailed: boolean,
): Promise<SubmissionOutcome | undefined> {
  const record = await readRecord(resultsDir, source.id);
  if (!record) return undefined;
  if (record.status === 'unreadable') return undefined; // cheap to redo, and the zip may be fixed
  if (retryFailed && FAILED_STATUSES.includes(record.status)) return undefined;
  try {
    return record.fingerprint === fingerprint(await readSubmission(source)) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** What ended a grader process that sent no report: its signal or exit code, and its last lines of output. */
export function crashReason(run: {
  signal: NodeJS.Signals | null;
  exitCode: number | null;
  stderrTail: string;
  stdoutTail: string;
}): string {
  return `grader exited without a report (${describeEnding(run.exitCode, run.signal, [run.stderrTail, run.stdoutTail])})`;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function defaultJobs(): number {
  return os.availableParallelism();
}
