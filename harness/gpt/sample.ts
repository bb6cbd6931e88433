/** Sampling text from a saved checkpoint with a submission's attention and generation code. */
import { loadPart } from '../submission.js';
import { Rng } from '../../lib/random.js';
import { restoreGPT } from './checkpoint.js';

export interface SampleRequest {
  /** A checkpoint folder (model.json + weights.bin). */
  checkpoint: string;
  /** The submission whose attention.ts and generation.ts run the model. */
  submissionDir: string;
  prompt: string;
  /** New characters per sentence. */
  length: number;
  /** Sentences to sample. */
  count: number;
  /** Keep only the k most likely characters at each step; none when absent. */
  topK?: number;
  seed: number;
}

export class SampleError extends Error {
  override name = 'SampleError';
}

/** `count` sentences, each the prompt followed by `length` sampled characters. */
export async function sampleFromCheckpoint(request: SampleRequest): Promise<string[]> {
  const { prompt, length, count, topK } = request;
  if (!Number.isInteger(length) || length < 0)
    throw new SampleError(`--length must be an integer ≥ 0, got ${length}`);
  if (!Number.isInteger(count) || count < 1)
    throw new SampleError(`--n must be an integer ≥ 1, got ${count}`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new SampleError(`--top-k must be an integer ≥ 1, got ${topK}`);
  }
  if (prompt.length === 0) throw new SampleError('--prompt must have at least one character');
  const { CausalSelfAttention } = await loadPart(request.submissionDir, 'attention');
  const { generate } = await loadPart(request.submissionDir, 'generation');
  const { model, vocabulary } = restoreGPT(request.checkpoint, CausalSelfAttention);
  try {
    let tokens: Int32Array;
    try {
      tokens = vocabulary.encode(prompt);
    } catch (error) {
      throw new SampleError(
        `prompt ${JSON.stringify(prompt)}: ${(error as Error).message} of ${request.checkpoint}`,
      );
    }
    const rng = new Rng(request.seed);
    return Array.from({ length: count }, () => vocabulary.decode(generate(model, tokens, length, rng, topK)));
  } finally {
    model.dispose();
  }
}
