import { describeEnding } from '../sandbox/process-tree.js';

describe("how the judge's Jest process ended", () => {
  test('a signal is named, with the last five lines of output', () => {
    const output = 'one\ntwo\n\nthree\nfour\nfive\nsix\n';
    expect(describeEnding(null, 'SIGKILL', [output], 5)).toBe(
      'killed by SIGKILL; last output: two | three | four | five | six',
    );
  });

  test('an exit code is named; no output says so; long lines are cut', () => {
    expect(describeEnding(3, null, [''])).toBe('exit code 3; no output');
    expect(describeEnding(1, null, [`${'x'.repeat(300)}\n`])).toBe(
      `exit code 1; last output: ${'x'.repeat(200)}…`,
    );
  });

  test("stderr's last lines first, stdout's when stderr is silent", () => {
    expect(describeEnding(1, null, ['err\n', 'out\n'])).toBe('exit code 1; last output: err');
    expect(describeEnding(1, null, ['\n', 'out\n'])).toBe('exit code 1; last output: out');
  });
});
