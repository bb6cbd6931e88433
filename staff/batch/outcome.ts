/**
 * One submission's row in the batch: its status, its points and, when it was graded, the full report.
 * The status comes from grader/status.ts, the one model every grading path shares.
 */
import type { GradeReport, Group } from '../../grader/results.js';
import type { SandboxMode } from '../../grader/sandbox/sandbox.js';
import type { Status } from '../../grader/status.js';
import type { BatchTiming } from './timing.js';

export { STATUSES, type Status } from '../../grader/status.js';

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
  /** One line for the TA: why the status is not "graded". */
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
