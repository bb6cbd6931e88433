/**
 * The GPT's loss and accuracy (one training or evaluation step of the exercise).
 * `pickColumns` (lib/gpt/ops.ts) takes one entry per row, values[n, columns[n]], with a gradient that
 * runs on every backend.
 */
import * as tf from '@tensorflow/tfjs';

function checkShapes(what: string, logits: tf.Tensor3D, targets: tf.Tensor2D): void {
  const [B, T] = logits.shape;
  if (logits.rank !== 3 || targets.rank !== 2 || targets.shape[0] !== B || targets.shape[1] !== T) {
    throw new Error(
      `${what}: logits [${logits.shape}] and targets [${targets.shape}] must be [B, T, V] and [B, T]`,
    );
  }
}

/** Cross-entropy averaged over all B·T positions, written with a one-hot mask instead of a gather. */
export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  checkShapes('gptLoss', logits, targets);
  const V = logits.shape[2];
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(targets, 'int32'), V); // (B, T, V)
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/** Share of windows whose argmax at the last position is the last target, in plain loops over the values. */
export function lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  checkShapes('lastCharacterAccuracy', logits, targets);
  const [B, T, V] = logits.shape;
  const values = logits.dataSync();
  const expected = targets.dataSync();
  let correct = 0;
  for (let b = 0; b < B; b++) {
    const offset = (b * T + T - 1) * V;
    let best = 0;
    for (let v = 1; v < V; v++) if (values[offset + v] > values[offset + best]) best = v;
    if (best === expected[b * T + T - 1]) correct++;
  }
  return tf.scalar(correct / B);
}
