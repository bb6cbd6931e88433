/** Checks shared by the GMM and UMM suites: fixtures, shapes, seeding, component frequencies, training. */
import * as tf from '@tensorflow/tfjs';
import type { MixtureModel } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import type { MixtureCase, PointKind } from '../fixtures.js';
import { call, expectClose, expectTensor, fail, format, take, release } from './check.js';
import { expectFrequencies } from './sampling.js';

export type Make<P> = (parameters: P) => MixtureModel<P>;
type Hint = (actual: number, expected: number) => string | undefined;

/** logLikelihood and loss of every case of the given kinds against the fixture. */
export function checkCases<P>(
  model: 'GMM' | 'UMM',
  make: Make<P>,
  cases: MixtureCase<P>[],
  kinds: PointKind[],
  hint: Hint,
): void {
  const chosen = cases.filter((c) => kinds.includes(c.kind));
  if (chosen.length === 0) throw new Error(`no fixture cases of kind ${kinds.join('/')}`);
  for (const c of chosen) {
    const instance = call(`new ${model}(parameters)`, () => make(c.parameters));
    try {
      const what = `${model}.logLikelihood (fixture "${c.name}")`;
      const x = tf.tensor2d(c.x, [c.x.length, 2]);
      const result = call(`${model}.logLikelihood`, () => instance.logLikelihood(x));
      const values = take(expectTensor(what, result, [c.x.length]));
      expectClose(what, values, c.logLikelihood, { where: (i) => `row ${i}`, hint });
    } finally {
      release(instance);
    }
  }
}

/** loss(logLikelihood) = −mean, for every case. */
export function checkLoss<P>(model: 'GMM' | 'UMM', make: Make<P>, cases: MixtureCase<P>[]): void {
  for (const c of cases) {
    const instance = call(`new ${model}(parameters)`, () => make(c.parameters));
    try {
      const what = `${model}.loss (fixture "${c.name}")`;
      const loss = call(`${model}.loss`, () => instance.loss(tf.tensor1d(c.logLikelihood)));
      const [value] = take(expectTensor(what, loss, []));
      const n = c.logLikelihood.length;
      expectClose(what, [value], [c.loss], {
        where: () => 'the scalar',
        hint: (actual, expected) =>
          Math.abs(actual + expected) < 1e-3 * Math.abs(expected)
            ? 'minus the mean: a loss to minimise'
            : Math.abs(actual - n * expected) < 1e-3 * Math.abs(n * expected)
              ? 'the mean, not the sum'
              : undefined,
      });
    } finally {
      release(instance);
    }
  }
}

/** Output shapes and dtypes, K, and the variables, for several K. */
export function checkShapes<P>(model: 'GMM' | 'UMM', make: Make<P>, parameters: (K: number) => P): void {
  for (const K of [1, 3, 33]) {
    const instance = call(`new ${model}(parameters)`, () => make(parameters(K)));
    try {
      if (instance.K !== K) fail(`${model}.K is ${instance.K}, expected ${K}`);
      const x = tf.tensor2d(new Rng(K).normals(14), [7, 2]);
      expectTensor(
        `${model}.logLikelihood (K=${K}, 7 points)`,
        call(`${model}.logLikelihood`, () => instance.logLikelihood(x)),
        [7],
      );
      expectTensor(
        `${model}.loss (K=${K})`,
        call(`${model}.loss`, () => instance.loss(tf.zeros([7]) as tf.Tensor1D)),
        [],
      );
      expectTensor(
        `${model}.sample(5) (K=${K})`,
        call(`${model}.sample`, () => instance.sample(5, new Rng(1))),
        [5, 2],
      );
      expectTensor(
        `${model}.conditionalSample(4, ${K - 1}) (K=${K})`,
        call(`${model}.conditionalSample`, () => instance.conditionalSample(4, K - 1, new Rng(1))),
        [4, 2],
      );
      const shapes = call(`${model}.variables`, () => instance.variables())
        .map((v) => `[${v.shape}]`)
        .sort();
      const expected = [`[${K}]`, `[${K},2]`, `[${K},2]`].sort();
      if (shapes.join() !== expected.join())
        fail(`${model}.variables() (K=${K}): shapes ${shapes.join(' ')}, expected ${expected.join(' ')}`);
    } finally {
      release(instance);
    }
  }
}

function read(tensor: unknown, what: string, shape: number[]): Float32Array {
  return take(expectTensor(what, tensor, shape)) as Float32Array;
}

/** Same seed same samples, different seeds different samples, for sample and conditionalSample. */
export function checkSeeding<P>(model: 'GMM' | 'UMM', instance: MixtureModel<P>): void {
  const draws = [
    ['sample(50)', (seed: number) => instance.sample(50, new Rng(seed))],
    ['conditionalSample(50, 1)', (seed: number) => instance.conditionalSample(50, 1, new Rng(seed))],
  ] as const;
  for (const [name, draw] of draws) {
    const what = `${model}.${name}`;
    const first = read(
      call(what, () => draw(11)),
      what,
      [50, 2],
    );
    const again = read(
      call(what, () => draw(11)),
      what,
      [50, 2],
    );
    const other = read(
      call(what, () => draw(12)),
      what,
      [50, 2],
    );
    const i = first.findIndex((value, j) => value !== again[j]);
    if (i >= 0)
      fail(`${what}: two draws with the same seed differ at row ${i >> 1} (draw only from the rng given)`);
    if (first.every((value, j) => value === other[j]))
      fail(`${what}: seeds 11 and 12 give the same samples (use the rng given)`);
  }
}

/**
 * Component frequencies of sample(n): `componentOf` tells which component made a point (the test's
 * components do not overlap, so that is certain).
 */
export function checkComponentFrequencies<P>(
  model: 'GMM' | 'UMM',
  instance: MixtureModel<P>,
  logits: number[],
  componentOf: (x: number, y: number) => number,
  alpha: number,
): void {
  const n = 20_000;
  const what = `${model}.sample(${n})`;
  const points = read(
    call(what, () => instance.sample(n, new Rng(2024))),
    what,
    [n, 2],
  );
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) {
    const k = componentOf(points[2 * i], points[2 * i + 1]);
    if (k < 0)
      fail(
        `${what}: point ${i} (${format(points[2 * i])}, ${format(points[2 * i + 1])}) belongs to no component`,
      );
    counts[k]++;
  }
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - max));
  const total = weights.reduce((a, b) => a + b, 0);
  expectFrequencies(
    `${what} component frequencies`,
    counts,
    weights.map((w) => w / total),
    alpha,
    'pick each component with probability softmax(logits)',
  );
}

/** A few Adam steps on −mean log p(x) of a fixed data set must raise the mean log-likelihood. */
export function checkTraining<P>(
  model: 'GMM' | 'UMM',
  instance: MixtureModel<P>,
  data: number[][],
  minimumGain: number,
): void {
  const x = tf.tensor2d(data, [data.length, 2]);
  const meanLogLikelihood = () => {
    const values = take(
      expectTensor(
        `${model}.logLikelihood`,
        call(`${model}.logLikelihood`, () => instance.logLikelihood(x)),
        [data.length],
      ),
    );
    return Array.from(values).reduce((a, b) => a + b, 0) / values.length;
  };
  const before = meanLogLikelihood();
  const optimizer = tf.train.adam(0.05);
  const variables = call(`${model}.variables`, () => instance.variables());
  for (let step = 0; step < 30; step++) {
    call(`${model}.loss`, () =>
      optimizer.minimize(() => instance.loss(instance.logLikelihood(x)), false, variables),
    );
  }
  optimizer.dispose();
  const after = meanLogLikelihood();
  if (!Number.isFinite(after) || after < before + minimumGain)
    fail(
      `${model} training: mean log-likelihood went from ${format(before)} to ${format(after)} in 30 Adam steps, expected a gain of at least ${minimumGain} (is the loss −mean log p(x), differentiable in every variable?)`,
    );
}
