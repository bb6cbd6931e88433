/**
 * Sampling text from the GPT: softmax over the last position's logits, optionally restricted to the k
 * most likely characters, one character at a time.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

/** Softmax over each row's k largest logits, 0 elsewhere; k ≥ V keeps every token. */
export function topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`topKProbabilities: k must be an integer ≥ 1, got ${k}`);
  const V = logits.shape[1];
  if (k >= V) return tf.softmax(logits);
  return tf.tidy(() => {
    const kthLargest = tf.topk(logits, k).values.slice([0, k - 1], [-1, 1]); // (B, 1)
    const kept = tf.where(tf.less(logits, kthLargest), tf.fill(logits.shape, -Infinity), logits);
    return tf.softmax(kept) as tf.Tensor2D;
  });
}

/** One token per row of logits [B, V], drawn with `rng` from softmax(row), or from its top k. */
export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array {
  const [B, V] = logits.shape;
  const tokens = new Int32Array(B);
  for (let row = 0; row < B; row++) {
    const rowLogits = logits.slice([row, 0], [1, V]);
    const p = topK === undefined ? tf.softmax(rowLogits) : topKProbabilities(rowLogits, topK);
    tokens[row] = rng.categorical(p.dataSync());
    tf.dispose([rowLogits, p]);
  }
  return tokens;
}

/** Appends `length` sampled tokens to `prompt`, each conditioned on at most the last blockSize tokens. */
export function generate(
  model: GPT,
  prompt: Int32Array,
  length: number,
  rng: Rng,
  topK?: number,
): Int32Array {
  if (prompt.length < 1) throw new RangeError('generate: the prompt needs at least one token');
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`generate: length must be an integer ≥ 0, got ${length}`);
  const { blockSize } = model.config;
  const tokens = new Int32Array(prompt.length + length);
  tokens.set(prompt);
  for (let n = prompt.length; n < tokens.length; n++) {
    const context = tokens.subarray(Math.max(0, n - blockSize), n); // crop to the last blockSize tokens
    const lastLogits = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(context, [1, context.length], 'int32')); // (1, T, V)
      return logits.slice([0, context.length - 1, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D; // (1, V)
    });
    tokens[n] = sampleNextTokens(lastLogits, rng, topK)[0];
    lastLogits.dispose();
  }
  return tokens;
}
