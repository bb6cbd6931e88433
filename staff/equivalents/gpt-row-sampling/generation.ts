/**
 * Generation written row by row: each row of logits sliced, its softmax (or top k) computed and read,
 * one draw per row.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

export function topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`topKProbabilities: k must be an integer ≥ 1, got ${k}`);
  const [B, V] = logits.shape;
  const values = logits.arraySync();
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const row = values[b];
    const kth = [...row].sort((x, y) => y - x)[Math.min(k, V) - 1];
    const max = Math.max(...row);
    const weights = row.map((v) => (v >= kth ? Math.exp(v - max) : 0));
    const total = weights.reduce((x, y) => x + y, 0);
    out.push(weights.map((w) => w / total));
  }
  return tf.tensor2d(out, [B, V]);
}

export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array {
  const [B, V] = logits.shape;
  const tokens = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const row = logits.slice([b, 0], [1, V]);
    const probabilities = topK === undefined ? tf.softmax(row) : topKProbabilities(row, topK);
    tokens[b] = rng.categorical(probabilities.dataSync());
    tf.dispose([row, probabilities]);
  }
  return tokens;
}

export function generate(
  model: GPT,
  prompt: Int32Array,
  length: number,
  rng: Rng,
  topK?: number,
): Int32Array {
  const { blockSize } = model.config;
  const tokens = Array.from(prompt);
  for (let i = 0; i < length; i++) {
    const context = tokens.slice(-blockSize);
    const logits = model.logits(tf.tensor2d([context], [1, context.length], 'int32'));
    const last = logits.slice([0, context.length - 1, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D;
    tokens.push(sampleNextTokens(last, rng, topK)[0]);
    tf.dispose([logits, last]);
  }
  return Int32Array.from(tokens);
}
