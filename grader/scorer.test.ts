import { toGradescopeResults } from './format/gradescope.js';
import { formatReportTable } from './format/table.js';
import type { RubricEntry } from './rubric.js';
import type { RawRun } from './runner/run.js';
import { oneLineReason, scoreRun, ScoringError } from './scorer.js';

const rubric: RubricEntry[] = [
  { id: 'gmm.one', group: 'GMM', points: 3, name: 'first', hidden: false },
  { id: 'gmm.two', group: 'GMM', points: 2, name: 'second', hidden: true },
  { id: 'umm.one', group: 'UMM', points: 5, name: 'third', hidden: false },
];

const stack =
  'Error: GMM.logLikelihood: value at row 3 is -4.12, expected -2.71 (did you include log 2π?)\n    at Object.<anonymous> (grader/suites/gmm.grade.ts:10:5)';

describe('the scorer', () => {
  test('points come from the rubric, reasons are one line without the stack', () => {
    const run: RawRun = {
      suites: [
        {
          file: '/x/grader/suites/gmm.grade.ts',
          error: null,
          tests: [
            { title: '[gmm.one] first', status: 'passed', failureMessages: [] },
            { title: '[gmm.two] second', status: 'failed', failureMessages: [stack] },
          ],
        },
        {
          file: '/x/grader/suites/umm.grade.ts',
          error: 'SyntaxError: Unexpected token\n  at line 3',
          tests: [],
        },
      ],
    };
    const report = scoreRun('some/dir', rubric, run, ['a note']);
    expect(report.score).toBe(3);
    expect(report.maxScore).toBe(10);
    expect(report.groups).toEqual([
      { group: 'GMM', points: 3, maxPoints: 5 },
      { group: 'UMM', points: 0, maxPoints: 5 },
    ]);
    expect(report.tests[1]).toMatchObject({ passed: false, points: 0, hidden: true });
    expect(report.tests[1].reason).toBe(
      'GMM.logLikelihood: value at row 3 is -4.12, expected -2.71 (did you include log 2π?)',
    );
    expect(report.tests[2].reason).toBe('umm.grade.ts could not run: SyntaxError: Unexpected token');
    expect(report.notes).toEqual(['a note']);
  });

  test('tests cut off by the time limit fail with that reason', () => {
    const report = scoreRun('dir', rubric, { suites: [], timedOutAfterMs: 5000 });
    expect(report.score).toBe(0);
    expect(report.tests[0].reason).toBe('did not finish within 5 s (an endless loop?)');
    expect(report.notes[0]).toMatch(/^grading stopped after 5 s/);
  });

  test("the runner's facts give the status: stopped at the limit is timeout, Jest ending early crashed", () => {
    const stopped = scoreRun('dir', rubric, { suites: [], timedOutAfterMs: 5000 });
    expect(stopped).toMatchObject({ status: 'timeout', reason: stopped.notes[0] });
    const ended = "the grader's Jest run ended before umm.grade.ts finished (killed by SIGSEGV; no output)";
    expect(scoreRun('dir', rubric, { suites: [], endedEarly: ended })).toMatchObject({
      status: 'crashed',
      reason: ended,
      facts: { judgeEnded: ended },
    });
  });

  test('the facts the caller recorded give the status, and the table shows it with the type errors', () => {
    const typeErrors = ["gmm.ts:1:7 TS2322: Type 'string' is not assignable to type 'number'."];
    const report = scoreRun('dir', rubric, { suites: [] }, [], { typeErrors });
    expect(report).toMatchObject({ status: 'compile-error', facts: { typeErrors } });
    const table = formatReportTable(report, { width: 200 });
    expect(table).toContain(`\nstatus: compile-error — ${report.reason}\ntype error: ${typeErrors[0]}`);
    expect(toGradescopeResults(report).output.split('\n').slice(0, 2)).toEqual([
      `status: compile-error — ${report.reason}`,
      `type error: ${typeErrors[0]}`,
    ]);
    expect(scoreRun('dir', rubric, { suites: [] })).toMatchObject({ status: 'graded', facts: {} });
  });

  test('a grader test without a rubric entry is an error', () => {
    const run: RawRun = {
      suites: [
        {
          file: 'gmm.grade.ts',
          error: null,
          tests: [{ title: 'untitled', status: 'passed', failureMessages: [] }],
        },
      ],
    };
    expect(() => scoreRun('dir', rubric, run)).toThrow(ScoringError);
  });

  test('oneLineReason strips colours, Error: and long tails', () => {
    expect(oneLineReason('\u001b[31mError: boom\u001b[39m\n    at x')).toBe('boom');
    expect(oneLineReason('TypeError: x is not a function')).toBe('TypeError: x is not a function');
    expect(oneLineReason('')).toBe('failed without a message');
    expect(oneLineReason('x'.repeat(500))).toHaveLength(300);
  });
});

describe('the writers', () => {
  const run: RawRun = {
    suites: [
      {
        file: 'gmm.grade.ts',
        error: null,
        tests: [
          { title: '[gmm.one] first', status: 'passed', failureMessages: [] },
          { title: '[gmm.two] second', status: 'failed', failureMessages: [stack] },
        ],
      },
    ],
  };
  const report = scoreRun('dir', rubric, run);

  test('--verbose: the table lists every test, each reason and the total, never a stack', () => {
    const table = formatReportTable(report, { verbose: true });
    for (const text of ['first', 'second', 'third', '3/3', '0/2', 'total', '3/10', 'did you include log 2π?'])
      expect(table).toContain(text);
    expect(table).not.toContain('gmm.grade.ts:10');
  });

  test('by default: a line per group, then only the failed tests with their reasons, within 80 columns', () => {
    const table = formatReportTable(report);
    const lines = table.split('\n');
    expect(lines.find((line) => line.includes('GMM'))).toMatch(/GMM 1 of 2 tests passed +3\/5$/);
    expect(table).not.toContain('first'); // passed: left out
    for (const text of ['second', 'third', 'did you include log 2π?', '--verbose'])
      expect(table).toContain(text);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const narrow = formatReportTable(report, { width: 60 }).split('\n');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(60);
  });

  test('a reason shared by consecutive failed tests is printed once, under the last of them', () => {
    const shared = 'GMM.sample: not implemented: draw a component per point';
    const same = {
      ...report,
      groups: [{ group: 'GMM' as const, points: 0, maxPoints: 10 }],
      tests: report.tests.map((t) => ({
        ...t,
        group: 'GMM' as const,
        passed: false,
        points: 0,
        reason: shared,
      })),
    };
    expect(formatReportTable(same).split(shared)).toHaveLength(2);
  });

  test("Gradescope's results.json: the score, no top-level max_score, one entry per test", () => {
    const results = toGradescopeResults(report);
    expect(results).toMatchObject({ score: 3 });
    expect(results).not.toHaveProperty('max_score');
    expect(results.tests).toHaveLength(3);
    expect(results.tests[0]).toEqual({
      name: 'GMM: first',
      number: '1 (gmm.one)',
      score: 3,
      max_score: 3,
      output: '',
      status: 'passed',
      visibility: 'visible',
    });
    expect(results.tests[1]).toMatchObject({ status: 'failed', score: 0, visibility: 'after_published' });
    expect(results.tests[1].output).toContain('did you include log 2π?');
  });
});
