/** The mixture training loop, on small synthetic data with the reference GMM and UMM. */
import * as tf from '@tensorflow/tfjs';
import { GMM } from '../../reference/gmm.js';
import { gmmLogLikelihood } from '../../reference/oracles/mixture.js';
import { UMM } from '../../reference/umm.js';
import type { MixtureModel } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { meanLogLikelihood, trainMixture, type PointSet } from './mixture.js';

/** n points from N(mean, diag(sd²)). */
function gaussianPoints(n: number, mean: [number, number], sd: [number, number], rng: Rng): PointSet {
  const points = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) points[i] = mean[i % 2] + sd[i % 2] * rng.normal();
  return { points, n };
}

const rng = new Rng(5);
const data = {
  train: gaussianPoints(1500, [1, -1], [0.5, 2], rng),
  test: gaussianPoints(300, [1, -1], [0.5, 2], rng),
};

describe('trainMixture', () => {
  test('fits one Gaussian to its maximum-likelihood value and records what was asked', async () => {
    const model = GMM.random(1, new Rng(1));
    const history = await trainMixture(model, data, {
      learningRate: 0.1,
      rng: new Rng(2),
      epochs: 120,
      batchSize: 1500, // one step per epoch: full-batch Adam settles on the optimum
      snapshotEpochs: [1, 120],
      quiet: true,
    });
    expect(history.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(history.snapshots.map((s) => s.epoch)).toEqual([1, 120]);
    // the maximum-likelihood Gaussian of the training points, in float64
    const { points, n } = data.train;
    const mean = [0, 1].map((d) => points.filter((_, i) => i % 2 === d).reduce((a, b) => a + b) / n);
    const variance = [0, 1].map(
      (d) => points.filter((_, i) => i % 2 === d).reduce((a, v) => a + (v - mean[d]) ** 2, 0) / n,
    );
    const best = -Math.log(2 * Math.PI) - 0.5 * (Math.log(variance[0]) + Math.log(variance[1])) - 1;
    const final = history.epochs[119].trainLogLikelihood;
    expect(final).toBeLessThanOrEqual(best + 1e-6);
    expect(best - final).toBeLessThan(1e-3);
    expect(history.epochs[0].trainLogLikelihood).toBeLessThan(final);
    model.dispose();
  });

  test('is reproducible from the seed, and its evaluation agrees with the oracle', async () => {
    const run = async () => {
      const model = GMM.random(3, new Rng(7));
      const history = await trainMixture(model, data, {
        learningRate: 0.01,
        rng: new Rng(8),
        epochs: 2,
        batchSize: 256,
        quiet: true,
      });
      const parameters = model.parameters();
      const evaluated = await meanLogLikelihood(model, data.test, 128);
      model.dispose();
      return { history, parameters, evaluated };
    };
    const [a, b] = [await run(), await run()];
    expect(b.history.epochs).toEqual(a.history.epochs);
    expect(b.parameters).toEqual(a.parameters);
    const oracle = gmmLogLikelihood(a.parameters, data.test.points);
    const oracleMean = oracle.reduce((s, v) => s + v) / oracle.length;
    expect(Math.abs(a.evaluated - oracleMean)).toBeLessThan(1e-5 * Math.abs(oracleMean));
    expect(a.history.epochs[1].testLogLikelihood).toBeCloseTo(a.evaluated, 10);
  });

  test('holds the number of tensors steady from epoch 2 on and frees everything at the end', async () => {
    const before = tf.memory().numTensors;
    const model = UMM.random(4, new Rng(3));
    const counts: number[] = [];
    await trainMixture(model, data, {
      learningRate: 0.001,
      rng: new Rng(4),
      epochs: 6,
      batchSize: 128,
      quiet: true,
      onEpochEnd: () => counts.push(tf.memory().numTensors),
    });
    expect(counts.slice(1)).toEqual(new Array(5).fill(counts[1]));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('stops with a clear error when the log-likelihood is not finite', async () => {
    const broken = GMM.random(2, new Rng(1));
    const model: MixtureModel<unknown> = Object.assign(Object.create(broken) as GMM, {
      logLikelihood: (x: tf.Tensor2D) => tf.tidy(() => broken.logLikelihood(x).mul(NaN)),
    });
    await expect(
      trainMixture(model, data, { learningRate: 0.01, rng: new Rng(1), epochs: 2, quiet: true }),
    ).rejects.toThrow(/after epoch 1 the mean log-likelihood is NaN \(train\)/);
    broken.dispose();
  });

  test('names a variable that the loss does not use', async () => {
    const model = GMM.random(2, new Rng(1));
    const unused = tf.tidy(() => tf.variable(tf.zeros([3, 4])));
    const withUnused = Object.assign(Object.create(model) as GMM, {
      variables: () => [...model.variables(), unused],
    });
    await expect(
      trainMixture(withUnused, data, { learningRate: 0.01, rng: new Rng(1), epochs: 1, quiet: true }),
    ).rejects.toThrow('the loss does not depend on the variable of shape [3,4]');
    tf.dispose([unused]);
    model.dispose();
  });

  test('rejects data and settings that cannot work', async () => {
    const model = GMM.random(1, new Rng(1));
    const options = { learningRate: 0.01, rng: new Rng(1), quiet: true };
    await expect(
      trainMixture(model, { train: { points: new Float32Array(3), n: 2 }, test: data.test }, options),
    ).rejects.toThrow('the train split has 3 numbers for n = 2 rows of 2');
    await expect(trainMixture(model, data, { ...options, batchSize: 0 })).rejects.toThrow(
      'batchSize must be a positive integer',
    );
    model.dispose();
  });
});
