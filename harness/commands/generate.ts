/**
 * npm run generate -- --checkpoint DIR [--prompt "the "] [--length 30] [--top-k K] [--n 3] [--seed 42]
 *                     [--submission DIR]
 * Samples sentences from a GPT checkpoint (written by `npm run experiments -- transformer` after every
 * epoch) without retraining, with a submission's attention and generation code (default: skeleton/).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../backend.js';
import { runMain } from '../cli.js';
import { sampleFromCheckpoint } from '../gpt/sample.js';
import { DEFAULT_SEED } from '../../lib/random.js';

const USAGE =
  'usage: npm run generate -- --checkpoint DIR [--prompt "the "] [--length 30] [--top-k K] [--n 3] [--seed 42] [--submission DIR]';

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`${flag} must be an integer, got '${value}'`);
  return Number(value);
}

await runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      checkpoint: { type: 'string' },
      prompt: { type: 'string', default: 'the ' },
      length: { type: 'string', default: '30' },
      'top-k': { type: 'string' },
      n: { type: 'string', default: '3' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      submission: { type: 'string', default: 'skeleton' },
    },
  });
  if (!values.checkpoint || positionals.length > 0) throw new Error(USAGE);
  await initBackend();
  const sentences = await sampleFromCheckpoint({
    checkpoint: values.checkpoint,
    submissionDir: values.submission,
    prompt: values.prompt,
    length: integer(values.length, '--length')!,
    count: integer(values.n, '--n')!,
    topK: integer(values['top-k'], '--top-k'),
    seed: integer(values.seed, '--seed')!,
  });
  for (const sentence of sentences) process.stdout.write(`${JSON.stringify(sentence)}\n`);
});
