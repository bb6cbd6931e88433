/* eslint-disable @typescript-eslint/no-unused-vars -- the blanks leave their parameters and helpers for you to use */
/**
 * The GPT's loss and accuracy (one training or evaluation step of the exercise). Fill in both.
 * `pickColumns(values, columns)` (lib/gpt/ops.ts) takes values[n, columns[n]] for each row n, with a
 * gradient that runs on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { pickColumns } from '../lib/gpt/ops.js';

// ready-made: call it first in both functions
function checkShapes(what: string, logits: tf.Tensor3D, targets: tf.Tensor2D): void {
  const [B, T] = logits.shape;
  if (logits.rank !== 3 || targets.rank !== 2 || targets.shape[0] !== B || targets.shape[1] !== T) {
    throw new Error(
      `${what}: logits [${logits.shape}] and targets [${targets.shape}] must be [B, T, V] and [B, T]`,
    );
  }
}

/**
 * Cross-entropy averaged over all B·T positions:
 *   loss = −(1 / (B·T)) Σ_{b,t} log softmax(logits[b, t])[targets[b, t]]
 * logits [B, T, V], targets [B, T] int32 → scalar. Use tf.logSoftmax, not log(softmax(...)).
 */
export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  throw new Error(
    'gptLoss: not implemented: return the mean over all positions of −log softmax at the target',
  );
}

/**
 * Share of the B windows whose most likely last character is right:
 *   accuracy = (1 / B) Σ_b [ argmax_v logits[b, T−1, v] = targets[b, T−1] ]   → scalar in [0, 1]
 * Only the last position of each window counts.
 */
export function lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  throw new Error(
    'lastCharacterAccuracy: not implemented: compare the argmax at the last position with the last target',
  );
}
