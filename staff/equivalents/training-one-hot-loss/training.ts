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

/** Cross-entropy averaged over all B·T positions: −mean log softmax(logits)[target]. */
export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  checkShapes('gptLoss', logits, targets);
  const [B, T, V] = logits.shape;
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits.reshape([B * T, V]) as tf.Tensor2D); // (B·T, V)
    const oneHot = tf.oneHot(targets.reshape([B * T]) as tf.Tensor1D, V); // (B·T, V)
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), 1))) as tf.Scalar;
  });
}

/** Share of the B windows whose most likely last character (argmax of the last logits) is the last target. */
export function lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  checkShapes('lastCharacterAccuracy', logits, targets);
  const [B, T, V] = logits.shape;
  return tf.tidy(() => {
    const predicted = tf.argMax(logits.slice([0, T - 1, 0], [B, 1, V]).reshape([B, V]), 1); // (B)
    const expected = targets.slice([0, T - 1], [B, 1]).reshape([B]); // (B)
    return tf.mean(tf.cast(tf.equal(predicted, expected), 'float32')) as tf.Scalar;
  });
}
