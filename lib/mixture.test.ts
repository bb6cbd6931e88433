/** The mixture helpers give the values and gradients of the plain tfjs expressions they replace. */
import * as tf from '@tensorflow/tfjs';
import {
  checkMixtureParameters,
  logSumExp,
  scaledDifferences,
  scaledSquaredDistances,
  withoutGradient,
} from './mixture.js';
import { Rng } from './random.js';
import { expectNoTensorLeaks } from '../harness/testing/leaks.js';

const rng = new Rng(11);
const random = (shape: number[], scale = 1) =>
  tf.tensor(
    Array.from(rng.normals(shape.reduce((a, b) => a * b)), (v) => scale * v),
    shape,
  );

function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** Values and gradients (with respect to `inputs`) of two functions, compared entry by entry. */
function expectSameValuesAndGradients(
  fast: (...inputs: tf.Tensor[]) => tf.Tensor,
  plain: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  tolerance: number,
): void {
  tf.tidy(() => {
    // a random weighting of the outputs, so that every output's gradient matters
    const weights = random(fast(...inputs).shape);
    const objective =
      (f: typeof fast) =>
      (...xs: tf.Tensor[]) =>
        f(...xs)
          .mul(weights)
          .sum();
    const fastResult = tf.valueAndGrads(objective(fast))(inputs);
    const plainResult = tf.valueAndGrads(objective(plain))(inputs);
    expect(maxDifference(fast(...inputs), plain(...inputs))).toBeLessThan(tolerance);
    fastResult.grads.forEach((gradient, i) =>
      expect(maxDifference(gradient, plainResult.grads[i])).toBeLessThan(tolerance),
    );
  });
}

describe('logSumExp', () => {
  test('equals tf.logSumExp(x + offsets), gradients included', () => {
    const x = random([50, 7], 3);
    const offsets = random([7]);
    expectSameValuesAndGradients(
      (a, b) => logSumExp(a, b),
      (a, b) => tf.logSumExp(a.add(b), 1),
      [x, offsets],
      1e-5,
    );
    expectSameValuesAndGradients(
      (a) => logSumExp(a),
      (a) => tf.logSumExp(a, 1),
      [x],
      1e-5,
    );
    tf.dispose([x, offsets]);
  });

  test('stays finite and exact for very negative rows', () => {
    const values = tf.tidy(() => logSumExp(tf.tensor2d([[-1e6, -1e6 + Math.log(3)]])).dataSync());
    expect(values[0]).toBeCloseTo(-1e6 + Math.log(4), 1);
  });

  test('rejects shapes that do not fit', () => {
    expect(() => logSumExp(tf.zeros([3]))).toThrow('logSumExp: x [3] must be [n, K]');
    expect(() => logSumExp(tf.zeros([3, 2]), tf.zeros([3]))).toThrow('offsets [3] [K]');
  });
});

describe('scaledSquaredDistances', () => {
  test('equals Σ_d ((x − c) ⊙ s)² broadcast over points and centres, gradients included', () => {
    const x = random([40, 2], 2);
    const centers = random([5, 2]);
    const scales = random([5, 2]).exp();
    expectSameValuesAndGradients(
      (c, s) => scaledSquaredDistances(x, c, s),
      (c, s) => x.expandDims(1).sub(c).mul(s).square().sum(2),
      [centers, scales],
      1e-4,
    );
    tf.dispose([x, centers, scales]);
  });

  test('leaks nothing and rejects shapes that do not fit', async () => {
    await expectNoTensorLeaks(() => {
      const centers = tf.tidy(() => tf.variable(tf.zeros([3, 2])));
      tf.tidy(() => {
        tf.variableGrads(
          () => scaledSquaredDistances(tf.ones([6, 2]), centers, tf.ones([3, 2])).sum() as tf.Scalar,
        );
      });
      centers.dispose();
    }, 'scaledSquaredDistances with gradients');
    expect(() => scaledSquaredDistances(tf.zeros([4, 2]), tf.zeros([3, 2]), tf.zeros([2, 2]))).toThrow(
      'scaledSquaredDistances: x [4,2], centers [3,2], scales [2,2] do not match',
    );
  });
});

describe('scaledDifferences', () => {
  test('equals (x − c) ⊙ s broadcast over points and centres, gradients included', () => {
    const x = random([40, 2], 2);
    const centers = random([5, 2]);
    const scales = random([5, 2]).exp();
    expectSameValuesAndGradients(
      (c, s) => scaledDifferences(x, c, s),
      (c, s) => x.expandDims(1).sub(c).mul(s),
      [centers, scales],
      1e-5,
    );
    tf.dispose([x, centers, scales]);
  });

  test('without scales is exactly x − c', () => {
    const x = random([30, 2], 5);
    const centers = random([4, 2], 5);
    tf.tidy(() => expect(maxDifference(scaledDifferences(x, centers), x.expandDims(1).sub(centers))).toBe(0));
    tf.dispose([x, centers]);
  });

  test('leaks nothing and rejects shapes that do not fit', async () => {
    await expectNoTensorLeaks(() => {
      const centers = tf.tidy(() => tf.variable(tf.zeros([3, 2])));
      tf.tidy(() => {
        tf.variableGrads(() => scaledDifferences(tf.ones([6, 2]), centers).sum() as tf.Scalar);
      });
      centers.dispose();
    }, 'scaledDifferences with gradients');
    expect(() => scaledDifferences(tf.zeros([4, 2]), tf.zeros([3, 3]))).toThrow(
      'scaledDifferences: x [4,2], centers [3,3] do not match',
    );
  });
});

describe('withoutGradient', () => {
  test('lets a comparison of trainable tensors into tf.grads, with a zero gradient', () => {
    const centers = tf.variable(
      tf.tensor2d([
        [0, 0],
        [2, 2],
      ]),
    );
    const { value, grads } = tf.variableGrads(() => {
      const inside = withoutGradient(
        (c) =>
          scaledDifferences(tf.tensor2d([[0.1, 0.2]]), c)
            .abs()
            .lessEqual(0.5)
            .all(2)
            .cast('float32'),
        centers,
      );
      return inside.sum().add(centers.sum()) as tf.Scalar;
    });
    expect(value.dataSync()[0]).toBe(1 + 4);
    expect(Array.from(grads[centers.name].dataSync())).toEqual([1, 1, 1, 1]); // from centers.sum() alone
    tf.dispose([value, grads[centers.name], centers]);
  });
});

describe('checkMixtureParameters', () => {
  test('returns K and names the wrong entry', () => {
    expect(
      checkMixtureParameters('GMM', [0, 1], {
        means: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toBe(2);
    expect(() => checkMixtureParameters('GMM', [0], { means: [[0, Infinity]] })).toThrow(
      'GMM: means[0][1] is Infinity, expected a finite number',
    );
  });
});
