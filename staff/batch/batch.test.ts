import { loadRubric } from '../../grader/rubric.js';
import { crashReason, rubricTotal } from './batch.js';
import { formatSummary } from './writers.js';

describe('a grader process that ended without a report', () => {
  const run = { signal: null, exitCode: 0, stderrTail: '', stdoutTail: '' };

  test('the reason names the exit code and says there was no output', () => {
    expect(crashReason(run)).toBe('grader exited without a report (exit code 0; no output)');
  });

  test('the reason names the signal and quotes the last three lines of stderr', () => {
    const stderrTail = 'one\ntwo\n\nthree\nfour\n';
    expect(crashReason({ ...run, signal: 'SIGSEGV', exitCode: null, stderrTail })).toBe(
      'grader exited without a report (killed by SIGSEGV; last output: two | three | four)',
    );
  });

  test('stdout is quoted when stderr is empty; long lines are cut', () => {
    const reason = crashReason({ ...run, exitCode: 7, stdoutTail: `${'x'.repeat(300)}\n` });
    expect(reason).toBe(`grader exited without a report (exit code 7; last output: ${'x'.repeat(200)}…)`);
  });

  test("an ungraded row's maximum is the rubric's total", () => {
    expect(rubricTotal()).toBe(loadRubric().reduce((sum, entry) => sum + entry.points, 0));
    expect(rubricTotal()).toBe(100);
  });
});

describe('the batch summary', () => {
  test('lists what was skipped and each unreadable row, with why', () => {
    const row = { score: 0, maxScore: 100, groups: [], seconds: 0, peakRssMb: 0 };
    const summary = formatSummary(
      [
        {
          ...row,
          id: '1234567',
          source: 'ex5-1234567.tar.gz',
          status: 'unreadable',
          reason: 'a .tar.gz archive',
        },
        { ...row, id: '2345678', source: 'ex5-2345678.zip', status: 'graded', score: 90 },
      ],
      {
        resumed: 0,
        skipped: [{ name: 'notes.txt', reason: 'not a folder or a .zip' }],
        seconds: 1,
        parentPeakRssMb: 1,
      },
    );
    expect(summary).toContain('skipped notes.txt: not a folder or a .zip');
    expect(summary).toContain('unreadable 1234567: a .tar.gz archive');
  });
});
