/**
 * Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output
 * format"): only the documented fields. The top level has no max_score: Gradescope takes the assignment's
 * total from its own settings and each test's max_score from the test.
 */
import type { GradeReport } from '../results.js';
import { formatStatusLines } from '../status.js';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  output: string;
  status: 'passed' | 'failed';
  visibility: 'visible' | 'after_published';
}

export interface GradescopeResults {
  score: number;
  output: string;
  visibility: 'visible';
  tests: GradescopeTest[];
}

export function toGradescopeResults(report: GradeReport): GradescopeResults {
  return {
    score: report.score,
    // the status first, as the score table and the batch's feedback give it
    output: [...formatStatusLines({ ...report, typeErrors: report.facts.typeErrors }), ...report.notes].join(
      '\n',
    ),
    visibility: 'visible',
    tests: report.tests.map((test, index) => ({
      name: `${test.group}: ${test.name}`,
      number: `${index + 1} (${test.id})`,
      score: test.points,
      max_score: test.maxPoints,
      output: test.passed ? '' : (test.reason ?? ''),
      status: test.passed ? 'passed' : 'failed',
      visibility: test.hidden ? 'after_published' : 'visible',
    })),
  };
}
