/**
 * npm run generate -- --checkpoint DIR [--prompt "the "] [--length 30] [--top-k K] [--n 3] [--seed 42]
 *                     [--submission DIR]
 * Samples sentences from a GPT checkpoint (written by `npm run experiments -- transformer` after every
 * epoch) without retraining, with the attention and generation code of the submission that trained it
 * (as the checkpoint records), or of --submission.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { command, integer, positiveInteger, runCommand, userPath } from '../cli.js';
import { DEFAULT_SEED } from '../../lib/random.js';
import { PROJECT_ROOT, SubmissionError } from '../submission.js';
import { stageSubmission } from '../staging.js';

interface Options {
  checkpoint: string;
  prompt: string;
  length: number;
  topK?: number;
  n: number;
  seed: number;
  submission?: string;
}

const program = command('generate', 'Samples sentences from a GPT checkpoint without retraining.', [
  'npm run generate -- --checkpoint out/transformer/checkpoints/epoch-10',
  'npm run generate -- --checkpoint out/transformer/checkpoints/epoch-10 --prompt "the " --length 30 --top-k 5 --n 3',
])
  .requiredOption('--checkpoint <dir>', 'a checkpoint folder (model.json + weights.bin)')
  .option('--prompt <text>', 'the text to continue', 'the ')
  .option('--length <n>', 'new characters per sentence', integer, 30)
  .option('--top-k <k>', 'sample only among the k most likely characters', positiveInteger)
  .option('--n <count>', 'sentences to sample', positiveInteger, 3)
  .option('--seed <seed>', 'seed of the random source', integer, DEFAULT_SEED)
  .option(
    '--submission <dir>',
    'whose attention.ts and generation.ts run the model (default: the one that trained it)',
  );

await runCommand<Options>(program, async (options) => {
  const checkpoint = userPath(options.checkpoint);
  // tfjs loads only now, so that --help and usage errors answer at once
  const { initBackend } = await import('../backend.js');
  const { readCheckpointInfo } = await import('../gpt/checkpoint.js');
  const { sampleFromCheckpoint } = await import('../gpt/sample.js');
  const submissionDir = options.submission
    ? userPath(options.submission)
    : trainedWith(checkpoint, readCheckpointInfo(checkpoint).submission);
  await initBackend();
  const staged = await stageSubmission(submissionDir);
  try {
    const sentences = await sampleFromCheckpoint({
      checkpoint,
      submissionDir: staged.dir,
      prompt: options.prompt,
      length: options.length,
      count: options.n,
      topK: options.topK,
      seed: options.seed,
    });
    for (const sentence of sentences) process.stdout.write(`${JSON.stringify(sentence)}\n`);
  } finally {
    await staged.cleanup();
  }
});

/** The submission recorded in the checkpoint (skeleton/ for checkpoints that record none). */
function trainedWith(checkpoint: string, recorded: unknown): string {
  if (typeof recorded !== 'string') return path.join(PROJECT_ROOT, 'skeleton');
  if (!existsSync(recorded))
    throw new SubmissionError(
      `${checkpoint} was trained with ${recorded}, which no longer exists: name one with --submission`,
    );
  return recorded;
}
