/**
 * The grader's programmatic entry point: stage the submission, run the suites (the judge) in a child
 * process, which asks the sandboxed candidate for the submission's numbers, and score the raw results
 * against the rubric. Writers in format/ turn the report into a table or JSON.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import type { Timings } from './candidate/client.js';
import { checkFixtureSet } from './fixtures.js';
import { withoutForfeitedFiles } from './integrity/enforce.js';
import { checkImports, importCheckNotes } from './integrity/imports.js';
import type { GradeReport, GradeTiming } from './results.js';
import { loadRubric } from './rubric.js';
import { runGraderSuites } from './runner/run.js';
import {
  checkUidModeCanRun,
  chooseSandbox,
  describeSandbox,
  sandboxUid,
  type SandboxMode,
} from './sandbox/sandbox.js';
import { scoreRun } from './scorer.js';
import type { GradeFacts, JudgeFact, LoadFailure } from './status.js';
import { typeCheckSubmission } from './typecheck/process.js';
import { stageSubmission, type StagedSubmission } from '../harness/staging.js';

export interface GradeOptions {
  /** The public fixtures (default: fixtures/). */
  fixturesDir?: string;
  /** A TA's hidden fixtures, read by the rubric's hidden tests (default: the public ones). */
  hiddenFixturesDir?: string;
  /** Wall-clock limit for the whole run; unfinished tests score 0 (default 300 s). */
  timeoutMs?: number;
  /** Where the candidate runs (default: the best this machine allows, grader/sandbox). */
  sandbox?: SandboxMode;
  /** The candidate's memory limit (default 2048 MB). */
  candidateMemoryMb?: number;
  /** The uid mode's dedicated uid (default: one per process). */
  candidateUid?: number;
  /** Grade only these parts (default: all); the report then holds only their tests. */
  only?: readonly Part[];
  /**
   * Type-check the submission's files beside the judge (default true). The batch checks them itself,
   * with one checker for many submissions, and adds the errors to the report's facts.
   */
  typecheck?: boolean;
}

/** The parts of a submission as the grader splits them: one suite file and one rubric prefix each. */
export const PARTS = ['gmm', 'umm', 'attention', 'step', 'generation'] as const;
export type Part = (typeof PARTS)[number];

export const DEFAULT_FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
export const DEFAULT_TIMEOUT_MS = 300_000;
export const PUBLIC_HIDDEN_NOTE =
  'Hidden tests: ran on the public fixtures, as no hidden set was given; the course grades them on fixtures you have not seen.';

export async function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<GradeReport> {
  const started = performance.now();
  const sandbox = options.sandbox ?? chooseSandbox();
  if (sandbox === 'uid') checkUidModeCanRun(PROJECT_ROOT);
  const only = options.only;
  const fullRubric = loadRubric();
  const rubric = fullRubric.filter((entry) => !only || only.includes(entry.id.split('.')[0] as Part));
  const fixturesDir = path.resolve(options.fixturesDir ?? DEFAULT_FIXTURES_DIR);
  const hiddenFixturesDir = options.hiddenFixturesDir && path.resolve(options.hiddenFixturesDir);
  checkFixtureSet(fixturesDir);
  if (hiddenFixturesDir) checkFixtureSet(hiddenFixturesDir);
  const staged = await stageSubmission(dir);
  // the judge's own folder (mode 0700): timings, and a private copy of the hidden set
  const judgeDir = await mkdtemp(path.join(os.tmpdir(), 'ex5-judge-'));
  let checked: StagedSubmission | undefined;
  let typeCheck: ReturnType<typeof typeCheckSubmission> | undefined;
  try {
    // the files as handed in, checked while the judge runs (or found checked already)
    if (options.typecheck !== false) typeCheck = typeCheckSubmission(staged.dir);
    const privateHidden = hiddenFixturesDir && path.join(judgeDir, 'hidden');
    if (hiddenFixturesDir && privateHidden) await cp(hiddenFixturesDir, privateHidden, { recursive: true });
    // The import rule is checked on the staged copy; offending files are stubbed out before anything runs.
    const violations = checkImports(staged.dir);
    checked = await withoutForfeitedFiles(staged.dir, violations);
    const timingsFile = path.join(judgeDir, 'timings.jsonl');
    const factsFile = path.join(judgeDir, 'facts.jsonl');
    const run = await runGraderSuites({
      submissionDir: checked.dir,
      fixturesDir,
      hiddenFixturesDir: privateHidden,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      sandbox,
      timingsFile,
      factsFile,
      candidateMemoryMb: options.candidateMemoryMb ?? DEFAULT_CANDIDATE_MEMORY_MB,
      candidateUid: sandbox === 'uid' ? (options.candidateUid ?? sandboxUid()) : undefined,
      suites: only?.map((part) => `${part}.grade.ts`),
    });
    const notes = importCheckNotes(violations);
    if (only) {
      const points = (entries: typeof rubric) => entries.reduce((sum, entry) => sum + entry.points, 0);
      notes.push(
        `Only ${only.join(', ')} graded (--only): ${points(rubric)} of the ${points(fullRubric)} points.`,
      );
    }
    if (!hiddenFixturesDir) notes.push(PUBLIC_HIDDEN_NOTE);
    notes.push(`Sandbox: ${describeSandbox(sandbox)}.`);
    const facts = judgeFacts(factsFile);
    const typed = await typeCheck?.result;
    if (typed && 'errors' in typed) facts.typeErrors = typed.errors;
    if (typed && 'failed' in typed) notes.push(`Type check: not done (${typed.failed}).`);
    const report = scoreRun(dir, rubric, run, notes, facts);
    report.sandbox = sandbox;
    report.timing = timing(timingsFile, performance.now() - started);
    return report;
  } finally {
    typeCheck?.close();
    await checked?.cleanup();
    await staged.cleanup();
    await rm(judgeDir, { recursive: true, force: true });
  }
}

export const DEFAULT_CANDIDATE_MEMORY_MB = 2048;

/** What the candidates' clients recorded in the judge's facts file; a part's load failure once. */
function judgeFacts(factsFile: string): GradeFacts {
  let lines: string[] = [];
  try {
    lines = readFileSync(factsFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    // nothing happened worth a fact
  }
  const facts: Required<Pick<GradeFacts, 'candidateLimits' | 'loadFailures'>> = {
    candidateLimits: [],
    loadFailures: [],
  };
  const seen = (failure: LoadFailure) =>
    facts.loadFailures.some((known) => known.part === failure.part && known.kind === failure.kind);
  for (const line of lines) {
    const fact = JSON.parse(line) as JudgeFact;
    if ('candidateLimit' in fact) facts.candidateLimits.push(fact.candidateLimit);
    else if (!seen(fact.loadFailure)) facts.loadFailures.push(fact.loadFailure);
  }
  return facts;
}

/** The split of a grade's wall time: the candidates' start-up, their calls, and the rest (the judge). */
function timing(timingsFile: string, totalMs: number): GradeTiming {
  let lines: string[] = [];
  try {
    lines = readFileSync(timingsFile, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    // no candidate started
  }
  const sum: Timings =
    lines.length > 0
      ? (JSON.parse(lines[lines.length - 1]) as Timings)
      : { starts: 0, startMs: 0, calls: 0, callMs: 0 };
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  return {
    totalS: seconds(totalMs),
    judgeS: seconds(totalMs - sum.startMs - sum.callMs),
    candidateStartS: seconds(sum.startMs),
    callsS: seconds(sum.callMs),
    starts: sum.starts,
    calls: sum.calls,
    ...(sum.backend && { backend: sum.backend }),
  };
}
