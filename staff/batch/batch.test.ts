import { loadRubric } from '../../grader/rubric.js';
import { crashReason, rubricTotal } from './batch.js';

describe('a grader process that ended without a report', () => {
  const run = { signal: null, exitCode: 0, stderrTail: '', stdoutTail: '' };

  test('the reason names the exit code and says there was no output', () => {
    expect(crashReason(run)).toBe('grader exited (exit code 0) without a report; no output');
  });

  test('the reason names the signal and quotes the last three lines of stderr', () => {
    const stderrTail = 'one\ntwo\n\nthree\nfour\n';
    expect(crashReason({ ...run, signal: 'SIGSEGV', exitCode: null, stderrTail })).toBe(
      'grader exited (killed by SIGSEGV) without a report; last output: two | three | four',
    );
  });

  test('stdout is quoted when stderr is empty; long lines are cut', () => {
    const reason = crashReason({ ...run, exitCode: 7, stdoutTail: `${'x'.repeat(300)}\n` });
    expect(reason).toBe(`grader exited (exit code 7) without a report; last output: ${'x'.repeat(200)}…`);
  });

  test("an ungraded row's maximum is the rubric's total", () => {
    expect(rubricTotal()).toBe(loadRubric().reduce((sum, entry) => sum + entry.points, 0));
    expect(rubricTotal()).toBe(100);
  });
});
