/**
 * The child the batch starts per job slot, run from the batch's copy of the grader: the judge. For each
 * job it grades one submission folder with the single-submission grader (the batch type-checks the
 * files itself, with a checker kept from one submission to the next), whose suites (a fresh Jest
 * process per submission) ask the sandboxed candidate for numbers, and hands the report back over the
 * IPC channel, which the candidate does not inherit (and, under bubblewrap, cannot see: it lives in its
 * own PID namespace). No submission code runs here, so one child serves many submissions in turn and
 * pays Node's, tsx's and its modules' start-up once; it leaves when the batch closes the channel.
 */
import { gradeSubmission } from '../../grader/grade.js';
import type { GradeReport } from '../../grader/results.js';
import type { SandboxMode } from '../../grader/sandbox/sandbox.js';
import { seconds, type WorkerTiming } from './timing.js';

/** When this process was ready for its first job (ms since it started). */
const readyAt = performance.now();
let jobsDone = 0;

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

export type WorkerMessage =
  { kind: 'report'; report: GradeReport; timing: WorkerTiming } | { kind: 'error'; message: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

if (!process.send) {
  process.stderr.write('staff/batch/worker.ts is started by the batch grader, not by hand\n');
  process.exit(2);
}

process.on('message', (job: WorkerJob) => {
  void (async () => {
    try {
      const workerStartS = jobsDone++ === 0 ? seconds(readyAt) : 0;
      const graded = performance.now();
      // half the time left: after a hang the grader reruns each unfinished suite with its own limit
      const report = await gradeSubmission(job.submissionDir, {
        hiddenFixturesDir: job.hiddenFixturesDir,
        timeoutMs: Math.max(1000, (job.deadline - Date.now()) / 2),
        sandbox: job.sandbox,
        candidateUid: job.candidateUid,
        candidateMemoryMb: job.candidateMemoryMb,
        typecheck: false,
      });
      const timing = { workerStartS, gradeS: seconds(performance.now() - graded) };
      await send({ kind: 'report', report, timing });
    } catch (error) {
      await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
// the batch closed the channel: no more jobs
process.on('disconnect', () => process.exit(0));
