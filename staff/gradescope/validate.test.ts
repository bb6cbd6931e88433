/**
 * Every path that writes a results.json, checked against results.schema.json (Gradescope's documented
 * "Output format"): `npm run grade -- --json` (toGradescopeResults) and run_autograder
 * (gradescopeResultsFor) for every batch status. The e2e test checks the file run_autograder writes.
 */
import { toGradescopeResults } from '../../grader/format/gradescope.js';
import type { GradeReport } from '../../grader/results.js';
import { STATUSES } from '../../grader/status.js';
import { gradescopeResultsFor } from './autograder.js';
import { assertGradescopeResults, gradescopeResultsProblems } from './validate.js';

const report: GradeReport = {
  submission: 'x',
  score: 3,
  maxScore: 5,
  groups: [{ group: 'GMM', points: 3, maxPoints: 5 }],
  tests: [
    { id: 'gmm.one', group: 'GMM', name: 'first', points: 3, maxPoints: 3, passed: true, hidden: false },
    {
      id: 'gmm.two',
      group: 'GMM',
      name: 'second',
      points: 0,
      maxPoints: 2,
      passed: false,
      hidden: true,
      reason: 'wrong value at row 1',
    },
  ],
  notes: ['a note'],
  status: 'graded',
  facts: {},
};

describe("results.json follows Gradescope's documented format", () => {
  test('the documented top-level and per-test fields are accepted, max_score only per test', () => {
    const full = {
      score: 1,
      execution_time: 3,
      output: 'text',
      output_format: 'md',
      test_output_format: 'text',
      test_name_format: 'html',
      visibility: 'after_due_date',
      stdout_visibility: 'hidden',
      extra_data: { any: 1 },
      tests: [
        {
          score: 1,
          max_score: 2,
          status: 'failed',
          name: 'n',
          name_format: 'text',
          number: '1.1',
          output: 'o',
          output_format: 'ansi',
          tags: ['t'],
          visibility: 'visible',
          extra_data: {},
        },
      ],
      leaderboard: [{ name: 'accuracy', value: 0.5, order: 'desc' }],
    };
    expect(gradescopeResultsProblems(full)).toEqual([]);
    expect(gradescopeResultsProblems({ ...full, max_score: 2 })).toEqual([
      '/ must NOT have additional properties',
    ]);
    expect(gradescopeResultsProblems({ ...full, tests: [{ score: 1, points: 1 }] })).toEqual([
      '/tests/0 must NOT have additional properties',
    ]);
  });

  test('npm run grade -- --json writes it: tests with their max_score, no top-level max_score', () => {
    const results = toGradescopeResults(report);
    expect(() => assertGradescopeResults(results)).not.toThrow();
    expect(results).not.toHaveProperty('max_score');
    expect(results.tests.map((test) => [test.max_score, test.visibility])).toEqual([
      [3, 'visible'],
      [2, 'after_published'],
    ]);
  });

  test.each(STATUSES)('run_autograder writes it for a %s submission', (status) => {
    const results = gradescopeResultsFor({
      status,
      reason: status === 'graded' ? undefined : `why ${status}`,
      score: status === 'graded' ? report.score : 0,
      maxScore: 100,
      groups: [],
      seconds: 1.4,
      peakRssMb: 10,
      sandbox: 'none',
      ...(['graded', 'compile-error', 'crashed', 'timeout'].includes(status)
        ? { report: { ...report, status, reason: status === 'graded' ? undefined : `why ${status}` } }
        : {}),
      ...(status === 'compile-error' ? { typeErrors: ['gmm.ts:1:1 TS2304: x'] } : {}),
    });
    expect(gradescopeResultsProblems(results)).toEqual([]);
    expect(results).not.toHaveProperty('max_score');
    if (status !== 'graded') expect((results as { output: string }).output).toContain(`why ${status}`);
  });
});
