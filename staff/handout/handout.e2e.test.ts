/**
 * `npm run handout` end to end: the students' repository holds what they need and nothing of the
 * solution, installs from its own lock file, grades the blanks at 0 and the reference's files at 100.
 * Nothing handed out holds solution code: no solution body appears in it, normalised as the similarity
 * report normalises. The same rule for autograder.zip: the judge and the fixtures, never solution code.
 * Installing asks npm for the locked packages; `--prefer-offline` takes them from npm's cache, which
 * the project's own `npm ci` has filled.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/paths.js';
import { buildAutograderZip } from '../gradescope/bundle.js';
import { buildHandout, STUDENT_SCRIPTS } from './build.js';
import { solutionBodiesIn, type SubmissionTexts } from './solution-free.js';

const PARTS = Object.keys(SUBMISSION_FILES) as SubmissionPart[];
const texts = (dir: string): SubmissionTexts =>
  Object.fromEntries(
    PARTS.map((part) => [part, readFileSync(path.join(dir, SUBMISSION_FILES[part]), 'utf8')]),
  ) as SubmissionTexts;
const REFERENCE = texts(path.join(PROJECT_ROOT, 'reference'));
const SKELETON = texts(path.join(PROJECT_ROOT, 'skeleton'));

/** What nothing handed out may hold: the solution, and the staff's machinery and test data. */
const STAFF_ONLY =
  /^(reference|staff)\/|(^|\/)(oracles|mutants|hostile|similarity|batch|testdata|bench)\/|\.test\.ts$|^jest\.config\.ts$|^\.ci\//;

/** npm in a folder, without the npm_* settings of the `npm test` that runs this file. */
function npm(cwd: string, args: string[]): { status: number | null; output: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const run = spawnSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const readText = (file: string): string => readFileSync(file, 'utf8');

let tmp: string;
let out: string;
let files: string[];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ex5-handout-'));
  out = path.join(tmp, 'ex5');
  files = await buildHandout({ projectRoot: PROJECT_ROOT, out });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The handout's files as text (the data's CSV files left out), skeleton/ as handed out. */
const handedOut = (): { file: string; text: string }[] =>
  files
    .filter((file) => !file.endsWith('.csv'))
    .map((file) => ({ file, text: readText(path.join(out, file)) }));

describe('the handout', () => {
  test('holds the five files to fill in, lib, the harness, the grader, public fixtures and Europe data', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        ...PARTS.map((part) => `skeleton/${SUBMISSION_FILES[part]}`),
        'lib/contract.ts',
        'harness/commands/experiments.ts',
        'harness/commands/generate.ts',
        'grader/cli.ts',
        'grader/pack.ts',
        'grader/rubric.json',
        'fixtures/gmm.json',
        'data/europe/train.csv',
        'package.json',
        'package-lock.json',
        'README.md',
      ]),
    );
    const shipped = /^(lib|harness|grader|skeleton|fixtures|data\/europe)\/|^[^/]+$/;
    expect(files.filter((file) => !shipped.test(file))).toEqual([]);
  });

  test('holds none of the reference, oracles, mutants, hostile corpus, similarity data, batch, Gradescope, fixture generation or tests', () => {
    expect(
      files.filter((file) => STAFF_ONLY.test(file) || /gradescope\/|fixtures\/(cli|make)/.test(file)),
    ).toEqual([]);
  });

  test("package.json has the students' scripts; its lock is what npm itself writes for it", () => {
    const manifest = JSON.parse(readText(path.join(out, 'package.json'))) as { scripts: object };
    expect(manifest.scripts).toEqual(STUDENT_SCRIPTS);
    const lock = readText(path.join(out, 'package-lock.json'));
    const check = mkdtempSync(path.join(tmp, 'lock-'));
    for (const name of ['package.json', 'package-lock.json']) {
      copyFileSync(path.join(out, name), path.join(check, name));
    }
    const run = npm(check, ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund']);
    expect(run.status).toBe(0);
    expect(readText(path.join(check, 'package-lock.json'))).toBe(lock);
  });

  test('no file holds a solution body (the finder does find them in the reference)', () => {
    expect(solutionBodiesIn(handedOut(), REFERENCE, SKELETON)).toEqual([]);
    const references = PARTS.map((part) => ({ file: part, text: REFERENCE[part] }));
    expect(solutionBodiesIn(references, REFERENCE, SKELETON).length).toBeGreaterThanOrEqual(20);
    // renamed, re-indented and quoted in a JSON string, a body is still found
    const disguised = REFERENCE.gmm.replace(/logWeights/g, 'lw').replace(/^ +/gm, '\t');
    expect(
      solutionBodiesIn(
        [{ file: 'leak.json', text: JSON.stringify({ note: disguised }) }],
        REFERENCE,
        SKELETON,
      ),
    ).toContainEqual({ file: 'leak.json', body: 'gmm.ts: GMM.logLikelihood' });
  });

  test('installs from its lock; the blanks score 0 without a crash; the reference files score 100, pack, run experiments and typecheck', () => {
    const install = npm(out, ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
    expect(install.status).toBe(0);

    const results = path.join(tmp, 'results.json');
    const blanks = npm(out, ['run', 'grade', '--', '--json', results]);
    expect(blanks.output).toMatch(/total\s+0\/100/);
    expect(blanks.status).toBe(0);
    expect(JSON.parse(readText(results))).toMatchObject({ score: 0 });

    for (const part of PARTS)
      writeFileSync(path.join(out, 'skeleton', SUBMISSION_FILES[part]), REFERENCE[part]);
    const full = npm(out, ['run', 'grade', '--', '--expect-full']);
    expect(full.output).toMatch(/total\s+100\/100/);
    expect(full.status).toBe(0);

    const pack = npm(out, [
      'run',
      'pack',
      '--',
      '--name',
      'Ada Lovelace',
      '--user',
      'ada',
      '--id',
      '1234567',
    ]);
    expect(pack.status).toBe(0);
    expect(existsSync(path.join(out, 'out', 'ex5-1234567.zip'))).toBe(true); // out/: git-ignored

    const experiments = npm(out, ['run', 'experiments', '--', 'mixture', '--epochs', '1', '--quiet']);
    expect(experiments.status).toBe(0);
    expect(existsSync(path.join(out, 'out', 'index.html'))).toBe(true);

    const typecheck = npm(out, ['run', 'typecheck']);
    expect(typecheck.output).not.toMatch(/error TS/);
    expect(typecheck.status).toBe(0);
  }, 600_000);
});

describe('autograder.zip', () => {
  test('ships the judge and the fixtures, never solution code', async () => {
    const names = await buildAutograderZip({
      projectRoot: PROJECT_ROOT,
      out: path.join(tmp, 'autograder.zip'),
    });
    expect(names).toEqual(
      expect.arrayContaining(['grader/grade.ts', 'fixtures/gmm.json', 'lib/contract.ts']),
    );
    const staffOnly =
      /^(reference|skeleton)\/|(^|\/)(oracles|mutants|hostile|similarity|testdata|bench)\/|\.test\.ts$/;
    expect(names.filter((name) => staffOnly.test(name))).toEqual([]);
    const shipped = names
      .filter((name) => !name.endsWith('.csv') && name !== 'setup.sh' && name !== 'run_autograder')
      .map((file) => ({ file, text: readText(path.join(PROJECT_ROOT, file)) }));
    expect(solutionBodiesIn(shipped, REFERENCE, SKELETON)).toEqual([]);
  });
});
