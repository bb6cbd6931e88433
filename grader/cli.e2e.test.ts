// `npm run grade` as a command: help, usage errors, colour and paths typed from a subfolder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import { gradescopeResultsProblems } from '../staff/gradescope/validate.js';
import { runScript } from '../staff/testing/run-script.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);
const grade = (args: string[], options: Parameters<typeof runScript>[2] = {}) =>
  runScript('grader/cli.ts', args, options);

describe('npm run grade', () => {
  test('--help lists the flags with examples and exits 0', () => {
    const run = grade(['--help']);
    expect(run.status).toBe(0);
    for (const text of ['--submission <dir>', '--verbose', '--no-color', 'Examples:'])
      expect(run.stdout).toContain(text);
  });

  test('a mistyped flag is a usage error with the nearest flag suggested', () => {
    const run = grade(['--submision', 'reference']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("error: unknown option '--submision'\n(Did you mean --submission?)");
  });

  test("'.' typed in skeleton/ grades skeleton/; NO_COLOR wins over a colour terminal", () => {
    const typedIn = path.join(PROJECT_ROOT, 'skeleton');
    const plain = grade(['--submission', '.'], { typedIn, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain).toMatchObject({ status: 0 });
    expect(plain.stdout).toContain('submission: .');
    expect(plain.stdout).toMatch(/total +0\/100/);
    expect(plain.stdout).not.toMatch(ANSI);
    // the same on a colour terminal without NO_COLOR has colour: the check above can fail
    const coloured = grade(['--submission', '.'], {
      typedIn,
      env: { FORCE_COLOR: '1', NO_COLOR: undefined },
    });
    expect(coloured.stdout).toMatch(ANSI);
    expect(
      grade(['--submission', '.', '--no-color'], { typedIn, env: { FORCE_COLOR: '1' } }).stdout,
    ).not.toMatch(ANSI);
  });

  test('--only grades just the parts named, and says so', () => {
    const run = grade(['--submission', 'reference', '--only', 'gmm', '--verbose']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/GMM 12 of 12 tests passed +22\/22/);
    expect(run.stdout).not.toMatch(/UMM|attention|generation/);
    expect(run.stdout).toMatch(/total +22\/22/);
    expect(run.stdout).toContain('Only gmm graded (--only): 22 of the 100 points.');
    expect(run.stdout).toMatch(/; backend (wasm|cpu)\n/); // what the submission ran on
    const wrong = grade(['--only', 'gmm,mlp']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("the parts are gmm, umm, attention, step, generation; got 'mlp'");
  });

  test("--json writes Gradescope's documented results.json: no top-level max_score", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ex5-grade-json-'));
    try {
      const file = path.join(dir, 'results.json');
      const run = grade(['--submission', 'reference', '--only', 'gmm', '--json', file]);
      expect(run.status).toBe(0);
      const results = JSON.parse(readFileSync(file, 'utf8')) as { score: number; tests: unknown[] };
      expect(gradescopeResultsProblems(results)).toEqual([]);
      expect(results).not.toHaveProperty('max_score');
      expect(results.score).toBe(22);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
