/* eslint-disable @typescript-eslint/no-unused-vars -- the blanks leave their parameters and helpers for you to use */
/**
 * Sampling text from the GPT: softmax over the last position's logits, optionally restricted to the k
 * most likely characters, one character at a time. Fill in all three functions.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

/**
 * logits [B, V] → probabilities [B, V]: in each row keep the k largest logits (tf.topk), set the rest to
 * −∞, then softmax, so the kept probabilities are renormalised to sum to 1 and the others are 0.
 * k ≥ V keeps every token; k < 1 (or not an integer) is an error.
 */
export function topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  throw new Error(
    'topKProbabilities: not implemented: softmax over the k largest logits of each row, 0 elsewhere',
  );
}

/**
 * One token per row of logits [B, V]: probabilities softmax(row) (or topKProbabilities(row, topK) when
 * topK is given), then rng.categorical(probabilities of that row). Draw only from rng.
 */
export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array {
  throw new Error('sampleNextTokens: not implemented: draw one token per row with rng.categorical');
}

/**
 * Appends `length` tokens to `prompt`: for each new token, crop the tokens so far to the last
 * blockSize (model.config.blockSize), run model.logits on them as a [1, T] int32 tensor, and sample the
 * next token from the logits at the last position. Returns prompt followed by the new tokens.
 */
export function generate(
  model: GPT,
  prompt: Int32Array,
  length: number,
  rng: Rng,
  topK?: number,
): Int32Array {
  throw new Error(
    'generate: not implemented: crop the context to blockSize, sample from the last logits, append',
  );
}
