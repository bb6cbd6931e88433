/**
 * One submission's row in the batch: its status, its points and, when it was graded, the full report.
 * Statuses are final and mutually exclusive; the first that applies wins, in this order.
 */
import type { GradeReport, Group } from '../../grader/results.js';
import { NO_ANSWER, OUT_OF_MEMORY } from '../../grader/candidate/client.js';
import type { SandboxMode } from '../../grader/sandbox/sandbox.js';
import type { BatchTiming } from './timing.js';

export const STATUSES = [
  'unreadable',
  'timeout',
  'out-of-memory',
  'crashed',
  'compile-error',
  'graded',
] as const;
export type Status = (typeof STATUSES)[number];

export interface SubmissionOutcome {
  id: string;
  /** Name and login from the hand-in's README (npm run pack writes them), when it has one. */
  name?: string;
  login?: string;
  /** The folder or zip name inside the submissions folder. */
  source: string;
  status: Status;
  score: number;
  maxScore: number;
  /** Points per group (empty when there is no report). */
  groups: { group: Group; points: number; maxPoints: number }[];
  /** One line for the TA: why the status is not "graded", or the compile errors. */
  reason?: string;
  /** `file:line:col TScode: message` for each type error in the submission's files. */
  typeErrors?: string[];
  /** Wall-clock seconds the submission's child ran; 0 when none ran. */
  seconds: number;
  /** Peak resident memory of the child and its descendants. */
  peakRssMb: number;
  /** Where the grade's time went (batch/timing.ts), when a grader child ran. */
  timing?: BatchTiming;
  /** Where its code ran: bwrap, uid, or none (only with the TA's --no-sandbox). */
  sandbox?: SandboxMode;
  /** sha256 of the submission's files, so that --resume regrades a changed submission. */
  fingerprint?: string;
  report?: GradeReport;
}

/** What the grader says when a part cannot be loaded at all (scorer/suites wording). */
const LOAD_FAILURE =
  /cannot be loaded|file is missing|must export|SyntaxError|Transform failed|Expected .* but found/;
const RULE_BROKEN = /breaks the allowed-imports rule/;
/** What V8 prints when a heap limit is hit. */
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Allocation failed|Reached heap limit/;

export function heapExhausted(text: string): boolean {
  return HEAP_EXHAUSTED.test(text);
}

/**
 * A report's status: timeout when the grader stopped Jest at its time limit, crashed when Jest ended
 * before every suite ran (tests that finished still count in both), compile-error when some part could
 * not be loaded or type-checked, else graded.
 */
export function statusOfReport(
  report: GradeReport,
  typeErrors: string[],
): { status: Status; reason?: string } {
  const stopped = report.notes.find((note) => note.startsWith('grading stopped after'));
  if (stopped) return { status: 'timeout', reason: stopped };
  // the candidate's own limits: a call that never answered, a candidate that outgrew its memory
  const hung = report.tests.find((test) => test.reason?.startsWith(NO_ANSWER));
  if (hung) return { status: 'timeout', reason: hung.reason };
  const hog = report.tests.find((test) => test.reason?.startsWith(OUT_OF_MEMORY));
  if (hog) return { status: 'out-of-memory', reason: hog.reason };
  if (report.tests.some((test) => test.reason === 'test did not run')) {
    return { status: 'crashed', reason: "the grader's test run ended early (process.exit or a crash)" };
  }
  // a file the allowed-imports rule keeps out is the grader's verdict, explained in the notes, not a compile error
  const loadFailure = report.tests.find(
    (test) => test.reason !== undefined && LOAD_FAILURE.test(test.reason) && !RULE_BROKEN.test(test.reason),
  );
  if (loadFailure) return { status: 'compile-error', reason: loadFailure.reason };
  if (typeErrors.length > 0) return { status: 'compile-error', reason: typeErrors[0] };
  return { status: 'graded' };
}
