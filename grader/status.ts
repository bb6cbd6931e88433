/**
 * A grade's status, one model for every path (`npm run grade`, `npm run pack`, `grade:batch`,
 * `run_autograder`). Each fact is recorded as a typed value where it happens: the candidate's loader
 * (a part that cannot be loaded, and why), the candidate's client (a call with no answer, a tree over
 * its memory), the runner (Jest stopped at its time limit, or ended before its suites finished), the
 * type check, and in the batch the isolation of the grading process (killed at a limit, ended without
 * a report) and the reading of the hand-in. `statusOf` alone turns the facts into a status; nothing
 * reads a status back out of a message's wording.
 */
import type { LoadFailureKind } from '../harness/submission.js';
import type { SubmissionPart } from '../lib/contract.js';
import type { GradeReport } from './results.js';

/** Final and mutually exclusive; when several apply, the first in this order wins. */
export const STATUSES = [
  'unreadable',
  'timeout',
  'out-of-memory',
  'crashed',
  'compile-error',
  'graded',
] as const;
export type Status = (typeof STATUSES)[number];

export type { LoadFailureKind };

/** A part the candidate could not load: what its loader said, and why in one word. */
export interface LoadFailure {
  part: SubmissionPart;
  kind: LoadFailureKind;
  reason: string;
}

/** Why the client ended a candidate: no answer within the call's limit, or its tree over its memory. */
export interface CandidateLimit {
  kind: 'no-answer' | 'out-of-memory';
  reason: string;
}

/** What the grading path saw happen. Absent fields did not happen; `typeErrors` absent: not checked. */
export interface GradeFacts {
  /** The hand-in could not be read (a corrupt zip, no ID): nothing was graded. */
  unreadable?: string;
  /** The grading process hit its wall-clock or memory limit (the batch's watchdog, V8's heap limit). */
  killed?: { limit: 'time' | 'memory'; reason: string };
  /** The grading process ended without a report: its signal or exit code, and its last output. */
  graderEnded?: string;
  /** The runner stopped Jest (the judge) at its time limit; finished suite files still count. */
  judgeStopped?: string;
  /** Jest ended before every suite file finished, without being stopped: how it ended. */
  judgeEnded?: string;
  /** The candidate's client gave up on it at one of its limits (it costs the rest of a suite file). */
  candidateLimits?: CandidateLimit[];
  /** Parts the candidate could not load. */
  loadFailures?: LoadFailure[];
  /** `file:line:col TScode: message`, one per type error in the submission's files. */
  typeErrors?: string[];
}

export interface StatusVerdict {
  status: Status;
  /** One line: why the status is not graded. */
  reason?: string;
}

/** Load failures that mean the file is not valid code (unlike one that threw, or a forfeited file). */
const DOES_NOT_COMPILE: readonly LoadFailureKind[] = ['missing-file', 'does-not-compile', 'missing-export'];

/**
 * The status the facts give: unreadable, then timeout (a limit on time, the grader's or a call's),
 * out-of-memory, crashed (the grading process or Jest ended on its own), compile-error (a part that is
 * not valid code, or a type error: the points stay what the tests gave), else graded.
 */
export function statusOf(facts: GradeFacts): StatusVerdict {
  if (facts.unreadable !== undefined) return { status: 'unreadable', reason: facts.unreadable };
  if (facts.killed?.limit === 'time') return { status: 'timeout', reason: facts.killed.reason };
  if (facts.judgeStopped !== undefined) return { status: 'timeout', reason: facts.judgeStopped };
  const limits = facts.candidateLimits ?? [];
  const hung = limits.find((limit) => limit.kind === 'no-answer');
  if (hung) return { status: 'timeout', reason: hung.reason };
  if (facts.killed?.limit === 'memory') return { status: 'out-of-memory', reason: facts.killed.reason };
  const hog = limits.find((limit) => limit.kind === 'out-of-memory');
  if (hog) return { status: 'out-of-memory', reason: hog.reason };
  if (facts.graderEnded !== undefined) return { status: 'crashed', reason: facts.graderEnded };
  if (facts.judgeEnded !== undefined) return { status: 'crashed', reason: facts.judgeEnded };
  const broken = (facts.loadFailures ?? []).find((failure) => DOES_NOT_COMPILE.includes(failure.kind));
  if (broken) return { status: 'compile-error', reason: broken.reason };
  const typeErrors = facts.typeErrors ?? [];
  if (typeErrors.length > 0) return { status: 'compile-error', reason: typeErrorSummary(typeErrors) };
  return { status: 'graded' };
}

function typeErrorSummary(errors: string[]): string {
  const files = [...new Set(errors.map((error) => error.split(':')[0]))];
  const count = errors.length === 1 ? 'a type error' : `${errors.length} type errors`;
  return `${count} in ${files.join(', ')}, as npm run typecheck reports; the tests' points still count`;
}

/** Facts seen later in the same grade (the batch's type check, its watchdog) added to a report's. */
export function mergeFacts(first: GradeFacts, later: GradeFacts): GradeFacts {
  return {
    ...first,
    ...later,
    candidateLimits: [...(first.candidateLimits ?? []), ...(later.candidateLimits ?? [])],
    loadFailures: [...(first.loadFailures ?? []), ...(later.loadFailures ?? [])],
  };
}

/**
 * What V8 prints when a JavaScript heap limit is hit. Its own fixed fatal-error text, read where a
 * process ended to record the fact "out of memory"; never the grader's wording.
 */
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit|Allocation failed/;

export function heapExhausted(output: string): boolean {
  return HEAP_EXHAUSTED.test(output);
}

/**
 * The status as every writer shows it, to the student and to the TA alike: the score table of
 * `npm run grade` and `npm run pack`, the batch's feedback, results.json's output.
 */
export function formatStatusLines(verdict: StatusVerdict & { typeErrors?: string[] }): string[] {
  const lines = [`status: ${verdict.status}${verdict.reason ? ` — ${verdict.reason}` : ''}`];
  for (const error of verdict.typeErrors ?? []) lines.push(`type error: ${error}`);
  return lines;
}

/** One line of the judge's facts file: what the candidate's client saw, as it happened. */
export type JudgeFact = { candidateLimit: CandidateLimit } | { loadFailure: LoadFailure };

/** A report with facts seen after it was made (the batch's type check) and the status they give. */
export function withLaterFacts(report: GradeReport, later: GradeFacts): GradeReport {
  const facts = mergeFacts(report.facts, later);
  const { status, reason } = statusOf(facts);
  return { ...report, status, reason, facts };
}

/** The status a text written by `formatStatusLines` gives, for checks that read a writer's output. */
export function statusInText(text: string): Status | undefined {
  const first = text.split('\n').find((line) => line.startsWith('status: '));
  const word = first?.slice('status: '.length).split(' ')[0];
  return STATUSES.find((status) => status === word);
}
