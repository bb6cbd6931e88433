// `npm run experiments` as a command: its flags, in a plain Node process as a user runs it.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveCorpusPath } from '../data/shakespeare.js';
import { PROJECT_ROOT } from '../submission.js';
import { runScript } from '../../staff/testing/run-script.js';

// The corpus is not in the repository: CI points EX5_SHAKESPEARE at it (see README).
const withCorpus = existsSync(resolveCorpusPath()) ? test : test.skip;

let out: string;
beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'ex5-experiments-cli-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function experiments(...args: string[]) {
  return runScript('harness/commands/experiments.ts', args);
}

describe('npm run experiments', () => {
  withCorpus('--epochs and --windows shorten the GPT run to what they say', () => {
    const run = experiments(
      'transformer',
      '--submission',
      'reference',
      '--out',
      out,
      '--quiet',
      '--epochs',
      '1',
      '--windows',
      '128',
    );
    expect(run).toMatchObject({ status: 0 });
    const summary = JSON.parse(readFileSync(path.join(out, 'transformer', 'summary.json'), 'utf8')) as {
      training: { epochs: number; windowsPerEpoch: number };
      epochs: unknown[];
    };
    expect(summary.training).toMatchObject({ epochs: 1, windowsPerEpoch: 128 });
    expect(summary.epochs).toHaveLength(1);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  test.each([
    [['--epochs', '0'], "option '--epochs <n>' argument '0' is invalid. must be a positive integer, got '0'"],
    [['transformer', '--windows', '2.5'], "argument '2.5' is invalid. must be a positive integer, got '2.5'"],
    [
      ['mixture', '--windows', '100'],
      'error: UsageError: --windows sets the GPT training windows per epoch; the mixture experiments have none',
    ],
    [['everything'], "value 'everything' is invalid for argument 'experiment'. Allowed choices are mixture"],
    [['--only', 'gmm,attention'], "the parts are gmm, umm, transformer; got 'attention'"],
    [['--submision', 'reference'], "error: unknown option '--submision'\n(Did you mean --submission?)"],
  ])('%j is a usage error (exit 2), before any work', (args, message) => {
    const run = experiments(...args, '--out', path.join(out, 'refused'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(existsSync(path.join(out, 'refused'))).toBe(false);
  });

  test('--help shows the options and examples and exits 0', () => {
    const run = experiments('--help');
    expect(run.status).toBe(0);
    for (const text of ['Usage: npm run experiments --', '--only <parts...>', '--no-color', 'Examples:'])
      expect(run.stdout).toContain(text);
  });

  test('a missing corpus stops the run before any training', () => {
    const target = path.join(out, 'no-corpus');
    const run = experiments('all', '--out', target, '--corpus', path.join(out, 'missing.txt'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('missing.txt');
    expect(existsSync(target)).toBe(false);
  });

  test('a partly filled-in submission gets the plots of what works, and is told what was skipped', () => {
    // typed from inside the submission folder, which lies outside the project: '.' is that folder
    const submission = mkdtempSync(path.join(os.tmpdir(), 'ex5-partial-'));
    try {
      for (const file of readdirSync(path.join(PROJECT_ROOT, 'skeleton')))
        copyFileSync(path.join(PROJECT_ROOT, 'skeleton', file), path.join(submission, file));
      copyFileSync(path.join(PROJECT_ROOT, 'reference', 'gmm.ts'), path.join(submission, 'gmm.ts'));
      const run = runScript(
        'harness/commands/experiments.ts',
        ['mixture', '--submission', '.', '--out', 'results', '--epochs', '1', '--quiet'],
        { typedIn: submission },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('skipped UMM: Error: UMM.random: not implemented');
      const results = path.join(submission, 'results');
      const summary = JSON.parse(readFileSync(path.join(results, 'mixture', 'summary.json'), 'utf8')) as {
        runs: { model: string }[];
        skipped: { part: string }[];
      };
      expect(new Set(summary.runs.map((r) => r.model))).toEqual(new Set(['gmm']));
      expect(summary.skipped.map((s) => s.part)).toEqual(['umm']);
      expect(readFileSync(path.join(results, 'index.html'), 'utf8')).toContain('UMM: Error: UMM.random');
      expect(readdirSync(PROJECT_ROOT).filter((name) => name.startsWith('.grading-'))).toEqual([]);
    } finally {
      rmSync(submission, { recursive: true, force: true });
    }
  });
});
