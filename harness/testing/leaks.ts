import * as tf from '@tensorflow/tfjs';

export class TensorLeakError extends Error {
  override name = 'TensorLeakError';
}

/**
 * Runs `block` and fails if it leaves tensors behind: tf.memory().numTensors must be the same after as
 * before. Tensors the block returns count as leaked, so dispose them inside or return plain values.
 */
export async function expectNoTensorLeaks<T>(block: () => T | Promise<T>, what = 'block'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await block();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new TensorLeakError(`${what} leaked ${after - before} tensor(s): ${before} before, ${after} after`);
  }
  return result;
}
