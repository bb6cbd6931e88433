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

/**
 * One token per row, the rows drawn from the last to the first, each by inverting its cumulative
 * distribution at one uniform from `rng`.
 */
export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array {
  const [B, V] = logits.shape;
  const probabilities = topK === undefined ? tf.softmax(logits) : topKProbabilities(logits, topK);
  const values = probabilities.dataSync();
  probabilities.dispose();
  const tokens = new Int32Array(B);
  for (let row = B - 1; row >= 0; row--) {
    const u = rng.uniform();
    let cumulative = 0;
    let token = -1;
    for (let v = 0; v < V; v++) {
      const p = values[row * V + v];
      if (p === 0) continue;
      token = v;
      cumulative += p;
      if (u < cumulative) break;
    }
    tokens[row] = token;
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
