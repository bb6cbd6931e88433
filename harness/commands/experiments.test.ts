// `npm run experiments` as a command: its flags, in a plain Node process as a user runs it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveCorpusPath } from '../data/shakespeare.js';
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
    [['--epochs', '0'], "error: Error: --epochs must be a positive integer, got '0'"],
    [['transformer', '--windows', '2.5'], "error: Error: --windows must be a positive integer, got '2.5'"],
    [
      ['mixture', '--windows', '100'],
      'error: Error: --windows sets the GPT training windows per epoch; the mixture experiments have none',
    ],
    [['everything'], 'error: Error: usage: npm run experiments -- mixture|transformer|all'],
  ])('%j is refused with one line, before any work', (args, message) => {
    const run = experiments(...args, '--out', path.join(out, 'refused'));
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(existsSync(path.join(out, 'refused'))).toBe(false);
  });
});
