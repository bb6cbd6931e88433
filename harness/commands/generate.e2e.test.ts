// `npm run generate` as a command: which submission runs the checkpoint, and its usage errors.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CausalSelfAttention } from '../../reference/attention.js';
import { Vocabulary } from '../data/shakespeare.js';
import { saveCheckpoint } from '../gpt/checkpoint.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import { PROJECT_ROOT } from '../submission.js';
import { runScript } from '../../staff/testing/run-script.js';

let dir: string;
let trainer: string;
let checkpoint: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ex5-generate-'));
  // the submission that "trained" the checkpoint: a copy of the reference outside the project
  trainer = path.join(dir, 'my-solution');
  cpSync(path.join(PROJECT_ROOT, 'reference'), trainer, { recursive: true });
  checkpoint = path.join(dir, 'epoch-01');
  const vocabulary = Vocabulary.fromText('abcdefgh ');
  const config = { vocabSize: vocabulary.size, blockSize: 4, nLayer: 1, nHead: 2, nEmbd: 8 };
  const model = new GPT(config, CausalSelfAttention, new Rng(3));
  saveCheckpoint(checkpoint, model, vocabulary, { epoch: 1, submission: trainer });
  model.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generate = (args: string[], typedIn?: string) =>
  runScript('harness/commands/generate.ts', args, { typedIn });

describe('npm run generate', () => {
  test('runs the checkpoint with the submission that trained it, not the skeleton', () => {
    // the skeleton's generate() throws "not implemented": output at all means the recorded one ran
    const run = generate(['--checkpoint', 'epoch-01', '--prompt', 'ab', '--length', '5', '--n', '2'], dir);
    expect(run).toMatchObject({ status: 0 });
    const sentences = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string);
    expect(sentences).toHaveLength(2);
    for (const sentence of sentences) expect(sentence).toMatch(/^ab[a-h ]{5}$/);
  });

  test('--submission overrides it, relative to the folder the command was typed in', () => {
    const run = generate(
      ['--checkpoint', checkpoint, '--submission', '../../skeleton', '--prompt', 'a', '--length', '2'],
      path.join(PROJECT_ROOT, 'lib', 'gpt'),
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not implemented');
  });

  test('a recorded submission that is gone is named, with the way out', () => {
    const moved = path.join(dir, 'moved');
    cpSync(checkpoint, moved, { recursive: true });
    rmSync(trainer, { recursive: true, force: true });
    const run = generate(['--checkpoint', moved]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `error: SubmissionError: ${moved} was trained with ${trainer}, which no longer exists: name one with --submission`,
    );
  });

  test.each([
    [[], "error: required option '--checkpoint <dir>' not specified"],
    [['--checkpoint', 'x', '--n', '0'], "argument '0' is invalid. must be a positive integer, got '0'"],
    [['--checkpoint', 'x', '--top-k', 'five'], "must be a positive integer, got 'five'"],
    [['--checkpoint', 'x', '--topk', '5'], '(Did you mean --top-k?)'],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const run = generate(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
