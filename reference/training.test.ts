import * as tf from '@tensorflow/tfjs';
import { Rng } from '../lib/random.js';
import { expectNoTensorLeaks } from '../harness/testing/leaks.js';
import { gptLossGradientOracle, gptLossOracle, lastCharacterAccuracyOracle } from './oracles/gpt.js';
import { gptLoss, lastCharacterAccuracy } from './training.js';

const [B, T, V] = [3, 4, 7];
const rng = new Rng(11);
const logitValues = Array.from({ length: B }, () =>
  Array.from({ length: T }, () => Array.from(rng.normals(V), (x) => 3 * x)),
);
const targetValues = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(V)));

describe('reference gptLoss', () => {
  test('is the mean cross-entropy over all positions (float64 oracle), without leaks', async () => {
    const [logits, targets] = [tf.tensor3d(logitValues), tf.tensor2d(targetValues, [B, T], 'int32')];
    const loss = await expectNoTensorLeaks(
      () => tf.tidy(() => gptLoss(logits, targets).dataSync()[0]),
      'gptLoss',
    );
    expect(loss).toBeCloseTo(gptLossOracle(logitValues, targetValues), 5);
    tf.dispose([logits, targets]);
  });

  test('has the gradient (softmax − one-hot(target)) / (B·T)', () => {
    const [logits, targets] = [tf.tensor3d(logitValues), tf.tensor2d(targetValues, [B, T], 'int32')];
    const gradient = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => gptLoss(x as tf.Tensor3D, targets))(logits)
        .arraySync(),
    ) as number[][][];
    logitValues.forEach((sequence, b) =>
      sequence.forEach((row, t) => {
        const total = row.reduce((sum, x) => sum + Math.exp(x), 0);
        row.forEach((x, v) => {
          const expected = (Math.exp(x) / total - (v === targetValues[b][t] ? 1 : 0)) / (B * T);
          expect(gradient[b][t][v]).toBeCloseTo(expected, 6);
        });
      }),
    );
    tf.dispose([logits, targets]);
  });

  test('has the gradient of the float64 oracle, also for logit gaps where float32 exp underflows', () => {
    // scale 60: gaps beyond 104 make softmax 0 in float32, and log(softmax) infinite
    const large = logitValues.map((sequence) => sequence.map((row) => row.map((x) => 20 * x)));
    const exact = gptLossGradientOracle(large, targetValues).flat(2);
    const [logits, targets] = [tf.tensor3d(large), tf.tensor2d(targetValues, [B, T], 'int32')];
    const loss = tf.tidy(() => gptLoss(logits, targets).dataSync()[0]);
    const gradient = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => gptLoss(x as tf.Tensor3D, targets))(logits)
        .dataSync(),
    );
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(gptLossOracle(large, targetValues), 3);
    exact.forEach((value, i) => expect(Math.abs(gradient[i] - value)).toBeLessThan(1e-6));
    // the oracle itself: each row of softmax − one-hot sums to 0, so the whole gradient does
    expect(Math.abs(exact.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    tf.dispose([logits, targets]);
  });

  test('rejects targets that do not fit the logits', () => {
    const [logits, targets] = [tf.zeros([2, 3, 5]) as tf.Tensor3D, tf.zeros([2, 4], 'int32') as tf.Tensor2D];
    expect(() => gptLoss(logits, targets)).toThrow(
      'gptLoss: logits [2,3,5] and targets [2,4] must be [B, T, V] and [B, T]',
    );
    tf.dispose([logits, targets]);
  });
});

describe('reference lastCharacterAccuracy', () => {
  test('counts the windows whose last argmax is the last target', async () => {
    // window 0: last argmax 2 = target; window 1: last argmax 0 ≠ target 1 (an earlier position would match)
    const logits = [
      [
        [0, 0, 0],
        [0, 0, 9],
      ],
      [
        [0, 9, 0],
        [9, 0, 0],
      ],
    ];
    const targets = [
      [1, 2],
      [1, 1],
    ];
    const [l, t] = [tf.tensor3d(logits), tf.tensor2d(targets, [2, 2], 'int32')];
    const accuracy = await expectNoTensorLeaks(
      () => tf.tidy(() => lastCharacterAccuracy(l, t).dataSync()[0]),
      'accuracy',
    );
    expect(accuracy).toBe(0.5);
    expect(lastCharacterAccuracyOracle(logits, targets)).toBe(0.5);
    tf.dispose([l, t]);
  });

  test('matches the float64 oracle on random logits', () => {
    const [logits, targets] = [tf.tensor3d(logitValues), tf.tensor2d(targetValues, [B, T], 'int32')];
    const accuracy = tf.tidy(() => lastCharacterAccuracy(logits, targets).dataSync()[0]);
    expect(accuracy).toBeCloseTo(lastCharacterAccuracyOracle(logitValues, targetValues), 6);
    tf.dispose([logits, targets]);
  });
});
