/**
 * Where one submission's grade spent its time: what the batch measures around the grader child, and
 * what the child measures inside. With the report's own split (judge, candidate start, calls) this says
 * where a batch's minutes go (npm run bench -- batch).
 */
export interface BatchTiming {
  /** Writing the submission's folder into the batch's copy of the project. */
  prepareS: number;
  /** The grader child's start-up before it took this job: Node, tsx, the grader's modules (0 when warm). */
  workerStartS: number;
  /** The type check, which runs in the batch's process alongside the grade (so it overlaps gradeS). */
  typecheckS: number;
  /** The whole grade (gradeSubmission), which the report's timing splits into judge and candidate. */
  gradeS: number;
  /** CPU seconds of the grade's processes (grader child, Jest, candidate), sampled: a lower bound. */
  cpuS: number;
}

/** What the grader child measures and sends with its report. */
export interface WorkerTiming {
  workerStartS: number;
  gradeS: number;
}

export function seconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}
