/**
 * The child the batch starts per submission, run from the sandbox's copy of the grader: the judge. It
 * type-checks and grades the sandbox's `submission/` with the single-submission grader, whose suites
 * ask the sandboxed candidate for numbers, and hands the report back over the IPC channel, which the
 * candidate does not inherit (and, under bubblewrap, cannot see: it lives in its own PID namespace).
 */
import path from 'node:path';
import { gradeSubmission } from '../../grader/grade.js';
import type { GradeReport } from '../../grader/results.js';
import type { SandboxMode } from '../../grader/sandbox/sandbox.js';
import { typeErrors } from './typecheck.js';

export interface WorkerJob {
  submissionDir: string;
  hiddenFixturesDir?: string;
  /** When the grader must stop Jest (epoch ms), a little before the batch's hard kill. */
  deadline: number;
  /** Type-check the submission's files too (a few seconds). */
  typecheck: boolean;
  sandbox: SandboxMode;
  /** The uid mode's candidate uid, one per concurrent grade. */
  candidateUid?: number;
  candidateMemoryMb: number;
}

export type WorkerMessage =
  { kind: 'report'; report: GradeReport; typeErrors: string[] } | { kind: 'error'; message: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

if (!process.send) {
  process.stderr.write('staff/batch/worker.ts is started by the batch grader, not by hand\n');
  process.exit(2);
}

process.once('message', (job: WorkerJob) => {
  void (async () => {
    try {
      // first, so that the check sees the files as handed in, before any submission code runs
      const errors = job.typecheck ? typeErrors(job.submissionDir, path.dirname(job.submissionDir)) : [];
      // half the time left: after a hang the grader reruns each unfinished suite with its own limit
      const report = await gradeSubmission(job.submissionDir, {
        hiddenFixturesDir: job.hiddenFixturesDir,
        timeoutMs: Math.max(1000, (job.deadline - Date.now()) / 2),
        sandbox: job.sandbox,
        candidateUid: job.candidateUid,
        candidateMemoryMb: job.candidateMemoryMb,
      });
      await send({ kind: 'report', report, typeErrors: errors });
    } catch (error) {
      await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
    process.disconnect();
  })();
});
