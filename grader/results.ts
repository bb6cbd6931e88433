/**
 * What grading produces: one outcome per rubric test, points per group, the total, and the status. The
 * scorer (scorer.ts) builds a GradeReport from Jest's raw results; the writers in format/ print it.
 */
import type { GradeFacts, Status } from './status.js';

export const GROUPS = ['GMM', 'UMM', 'attention', 'GPT step', 'generation'] as const;
export type Group = (typeof GROUPS)[number];

export interface TestOutcome {
  /** The rubric's stable id, e.g. `gmm.loglik.fixtures`. */
  id: string;
  group: Group;
  name: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /** One line saying what was wrong and where (failed tests only). */
  reason?: string;
  /** Shown to students only after grades are published (Gradescope). */
  hidden: boolean;
}

export interface GradeReport {
  /** The submission folder as given. */
  submission: string;
  score: number;
  maxScore: number;
  groups: { group: Group; points: number; maxPoints: number }[];
  tests: TestOutcome[];
  /** Extra visible lines for the table and the results (e.g. an allowed-imports check). */
  notes: string[];
  /** What the facts give (grader/status.ts); every writer shows it as `formatStatusLines` does. */
  status: Status;
  /** Why the status is not graded, in one line. */
  reason?: string;
  /** What happened while grading, as recorded where it happened; the type errors among them. */
  facts: GradeFacts;
  /** Where the submission's code ran (grader/sandbox): bwrap, uid or none. */
  sandbox?: 'bwrap' | 'uid' | 'none';
  timing?: GradeTiming;
}

/** Where a grade's wall time went: the judge (Jest and the checks), starting candidates, their calls. */
export interface GradeTiming {
  totalS: number;
  judgeS: number;
  candidateStartS: number;
  callsS: number;
  starts: number;
  calls: number;
  /** The tensor backend the submission ran on (as its candidate reported it). */
  backend?: string;
}
