/**
 * The child the batch starts per submission, run from the sandbox's copy of the grader: the judge. It
 * grades the sandbox's `submission/` with the single-submission grader (the batch type-checks the
 * files itself, with a checker kept from one submission to the next), whose suites
 * ask the sandboxed candidate for numbers, and hands the report back over the IPC channel, which the
 * candidate does not inherit (and, under bubblewrap, cannot see: it lives in its own PID namespace).
 */
import { gradeSubmission } from '../../grader/grade.js';
import type { GradeReport } from '../../grader/results.js';
import type { SandboxMode } from '../../grader/sandbox/sandbox.js';

export interface WorkerJob {
  submissionDir: string;
  hiddenFixturesDir?: string;
  /** When the grader must stop Jest (epoch ms), a little before the batch's hard kill. */
  deadline: number;
  sandbox: SandboxMode;
  /** The uid mode's candidate uid, one per concurrent grade. */
  candidateUid?: number;
  candidateMemoryMb: number;
}

export type WorkerMessage = { kind: 'report'; report: GradeReport } | { kind: 'error'; message: string };

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
      // half the time left: after a hang the grader reruns each unfinished suite with its own limit
      const report = await gradeSubmission(job.submissionDir, {
        hiddenFixturesDir: job.hiddenFixturesDir,
        timeoutMs: Math.max(1000, (job.deadline - Date.now()) / 2),
        sandbox: job.sandbox,
        candidateUid: job.candidateUid,
        candidateMemoryMb: job.candidateMemoryMb,
        typecheck: false,
      });
      await send({ kind: 'report', report });
    } catch (error) {
      await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
    process.disconnect();
  })();
});
