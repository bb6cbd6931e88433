/**
 * The reference GMM and UMM against the float64 oracle (values), against finite differences of the oracle
 * (gradients), and against the exercise's definitions of initialisation and sampling.
 */
import * as tf from '@tensorflow/tfjs';
import { UMM_OUTSIDE_LOG_DENSITY, type GMMParameters, type UMMParameters } from '../lib/contract.js';
import { Rng } from '../lib/random.js';
import { expectNoTensorLeaks } from '../harness/testing/leaks.js';
import { GMM } from './gmm.js';
import { closeToOracle, gmmLogLikelihood, ummLogLikelihood } from './oracles/mixture.js';
import { UMM } from './umm.js';

/** Random GMM parameters with spread-out variances (σ from e^-3 to e^1.5). */
function gmmParameters(K: number, rng: Rng): GMMParameters {
  return {
    logits: Array.from({ length: K }, () => 2 * rng.normal()),
    means: Array.from({ length: K }, () => [2 * rng.normal(), 2 * rng.normal()]),
    logVariances: Array.from({ length: K }, () => [-6 + 9 * rng.uniform(), -6 + 9 * rng.uniform()]),
  };
}

function ummParameters(K: number, rng: Rng): UMMParameters {
  return {
    logits: Array.from({ length: K }, () => 2 * rng.normal()),
    centers: Array.from({ length: K }, () => [rng.normal(), rng.normal()]),
    logSizes: Array.from({ length: K }, () => [
      Math.log(0.2 + 2 * rng.uniform()),
      Math.log(0.2 + 2 * rng.uniform()),
    ]),
  };
}

/** float32 points: normal ones, plus the given extra rows. */
function points(n: number, rng: Rng, extra: number[][] = []): Float32Array {
  return Float32Array.from([...Array.from(rng.normals(2 * n), (v) => 1.5 * v), ...extra.flat()]);
}

/** The values of a tensor made by `make`, which is then freed. */
function valuesOf(make: () => tf.Tensor): Float32Array {
  const tensor = tf.tidy(make);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

function logLikelihoodOf(model: GMM | UMM, x: Float32Array): Float32Array {
  return valuesOf(() => model.logLikelihood(tf.tensor2d(x, [x.length / 2, 2])));
}

function expectCloseToOracle(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!closeToOracle(actual[i], expected[i]))
      throw new Error(`${what}: row ${i} is ${actual[i]}, the float64 oracle says ${expected[i]}`);
  }
}

describe('GMM.logLikelihood', () => {
  test.each([1, 5, 33])('matches the float64 oracle for K = %i, far points included', async (K) => {
    const rng = new Rng(K);
    const model = new GMM(gmmParameters(K, rng));
    // 1e3 standard deviations of the widest component away, and the origin exactly
    const x = points(200, rng, [
      [5e3, -5e3],
      [-3e3, 40],
      [0, 0],
    ]);
    const actual = await expectNoTensorLeaks(() => logLikelihoodOf(model, x), 'GMM.logLikelihood');
    expectCloseToOracle(actual, gmmLogLikelihood(model.parameters(), x), `GMM K=${K}`);
    expect(Array.from(actual).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  test('loss is minus the mean log-likelihood', () => {
    const model = new GMM(gmmParameters(4, new Rng(1)));
    const x = points(50, new Rng(2));
    const loss = valuesOf(() => model.loss(model.logLikelihood(tf.tensor2d(x, [50, 2]))))[0];
    const expected = -gmmLogLikelihood(model.parameters(), x).reduce((a, b) => a + b) / 50;
    expect(closeToOracle(loss, expected)).toBe(true);
    model.dispose();
  });
});

describe('UMM.logLikelihood', () => {
  test.each([1, 5, 33])(
    'matches the float64 oracle for K = %i, points outside every box included',
    async (K) => {
      const rng = new Rng(100 + K);
      const model = new UMM(ummParameters(K, rng));
      const x = points(200, rng, [
        [50, 50],
        [-1e4, 3],
      ]);
      const actual = await expectNoTensorLeaks(() => logLikelihoodOf(model, x), 'UMM.logLikelihood');
      const expected = ummLogLikelihood(model.parameters(), x);
      expectCloseToOracle(actual, expected, `UMM K=${K}`);
      // outside every box: about −1e6 (plus a log-weight), finite
      expect(actual[200]).toBeLessThan(-0.99e6);
      expect(actual[200]).toBeGreaterThan(-1.01e6);
      model.dispose();
    },
  );

  test('includes the edges of a box and excludes what lies just beyond them', () => {
    // sides 1 (logSizes 0) and centres on a 0.25 grid: the edges are exact in float32 and float64 alike
    const parameters = {
      logits: [0, 1],
      centers: [
        [0.25, -0.5],
        [3, 3],
      ],
      logSizes: [
        [0, 0],
        [0, Math.log(2)],
      ],
    };
    const model = new UMM(parameters);
    const x = Float32Array.from([0.75, -0.5, -0.25, -1, 0.75, 0, 0.75 + 1e-6, -0.5, 2.5, 2, 3.5, 4]);
    const actual = logLikelihoodOf(model, x);
    expectCloseToOracle(actual, ummLogLikelihood(model.parameters(), x), 'UMM edges');
    const logWeight0 = -Math.log(1 + Math.E);
    expect(actual[0]).toBeCloseTo(logWeight0, 5); // right edge of box 0, inside
    expect(actual[1]).toBeCloseTo(logWeight0, 5); // bottom-left corner, inside
    expect(actual[2]).toBeCloseTo(logWeight0, 5); // top edge
    expect(actual[3]).toBeLessThan(-0.99e6); // a hair beyond the right edge, outside both
    expect(actual[4]).toBeCloseTo(1 - Math.log(1 + Math.E) - Math.log(2), 5); // corner of box 1 (1 × 2)
    model.dispose();
  });
});

describe('gradients', () => {
  /** Central differences of the oracle's mean log-likelihood with respect to one parameter. */
  function oracleGradient<P extends GMMParameters | UMMParameters>(
    parameters: P,
    oracle: (p: P, x: Float32Array) => number[],
    x: Float32Array,
    field: keyof P,
    k: number,
    d?: number,
  ): number {
    const step = 1e-5;
    const shifted = (delta: number): number => {
      const copy = structuredClone(parameters);
      const table = copy[field] as unknown as number[] | number[][];
      if (d === undefined) (table as number[])[k] += delta;
      else (table as number[][])[k][d] += delta;
      const values = oracle(copy, x);
      return values.reduce((a, b) => a + b) / values.length;
    };
    return (shifted(step) - shifted(-step)) / (2 * step);
  }

  function gradientsOf(model: GMM | UMM, x: Float32Array): Record<string, Float32Array> {
    return tf.tidy(() => {
      const { grads } = tf.variableGrads(() =>
        model.loss(model.logLikelihood(tf.tensor2d(x, [x.length / 2, 2]))),
      );
      return Object.fromEntries(
        model.variables().map((v) => [v.name, grads[v.name].dataSync() as Float32Array]),
      );
    });
  }

  test('GMM: match finite differences of the oracle, and stay finite for far points', () => {
    const rng = new Rng(7);
    const parameters = gmmParameters(3, rng);
    parameters.logVariances = parameters.logVariances.map((row) => row.map((v) => v / 3)); // moderate, for differences
    const model = new GMM(parameters);
    const x = points(100, rng);
    const gradients = gradientsOf(model, x);
    const exact = model.parameters();
    const check = (variable: tf.Variable, field: keyof GMMParameters, flat: boolean) => {
      const values = gradients[variable.name];
      for (let i = 0; i < values.length; i++) {
        const [k, d] = flat ? [i, undefined] : [Math.floor(i / 2), i % 2];
        const expected = -oracleGradient(exact, gmmLogLikelihood, x, field, k, d); // the loss is minus the mean
        if (Math.abs(values[i] - expected) > 1e-3 * Math.max(1, Math.abs(expected)))
          throw new Error(`d loss / d ${field}[${i}] is ${values[i]}, finite differences say ${expected}`);
      }
    };
    check(model.logits, 'logits', true);
    check(model.means, 'means', false);
    check(model.logVariances, 'logVariances', false);
    const far = gradientsOf(model, Float32Array.from([1e4, -1e4, 0, 0]));
    expect(Object.values(far).every((g) => g.every(Number.isFinite))).toBe(true);
    model.dispose();
  });

  test('UMM: zero for the centres, −(share inside) for the log-sizes, finite when every point is outside', () => {
    const parameters = {
      logits: [0, 0],
      centers: [
        [0, 0],
        [10, 10],
      ],
      logSizes: [
        [0, 0],
        [0, 0],
      ],
    };
    const model = new UMM(parameters);
    const x = Float32Array.from([0.1, 0.1, -0.2, 0.3, 10, 10, 50, 50]); // 2 in box 0, 1 in box 1, 1 outside both
    const gradients = gradientsOf(model, x);
    expect(Array.from(gradients[model.centers.name])).toEqual([0, 0, 0, 0]);
    // each point inside exactly one box: d(−mean log p)/d logSizes_kd = (points in box k) / n
    const expectedLogSizes = [2 / 4, 2 / 4, 1 / 4, 1 / 4];
    const logSizes = gradients[model.logSizes.name];
    expectedLogSizes.forEach((expected, i) => expect(logSizes[i]).toBeCloseTo(expected, 5));
    const allOutside = gradientsOf(model, Float32Array.from([100, 100, -100, 5]));
    expect(Object.values(allOutside).every((g) => g.every(Number.isFinite))).toBe(true);
    model.dispose();
  });
});

describe.each([
  ['GMM', GMM],
  ['UMM', UMM],
] as const)('%s initialisation and sampling', (name, Model) => {
  test('random(K, rng) follows the exercise and the seed', () => {
    const a = Model.random(6, new Rng(3));
    const b = Model.random(6, new Rng(3));
    const p = a.parameters() as unknown as Record<string, number[] | number[][]>;
    expect(a.K).toBe(6);
    expect(p).toEqual(b.parameters());
    const scaleField = name === 'GMM' ? 'logVariances' : 'logSizes';
    const scales = (p[scaleField] as number[][]).flat();
    if (name === 'GMM') expect(scales.every((v) => v === 0)).toBe(true);
    else expect(scales.every((v) => v >= 0 && v < Math.log(1.2) + 1e-7)).toBe(true);
    a.dispose();
    b.dispose();
  });

  test('the same seed gives the same samples; the component shares follow softmax(logits)', async () => {
    const parameters =
      name === 'GMM'
        ? {
            logits: [0, Math.log(3)],
            means: [
              [-5, 0],
              [5, 0],
            ],
            logVariances: [
              [0, 0],
              [0, 0],
            ],
          }
        : {
            logits: [0, Math.log(3)],
            centers: [
              [-5, 0],
              [5, 0],
            ],
            logSizes: [
              [0, 0],
              [0, 0],
            ],
          };
    const model = new Model(parameters as never);
    const draw = (seed: number) =>
      expectNoTensorLeaks(() => valuesOf(() => model.sample(4000, new Rng(seed))), `${name}.sample`);
    const first = await draw(9);
    expect(Array.from(await draw(9))).toEqual(Array.from(first));
    let right = 0;
    for (let i = 0; i < 4000; i++) if (first[2 * i] > 0) right++;
    // share 3/4, standard error √(3/16/4000) ≈ 0.0068: 5 standard errors
    expect(Math.abs(right / 4000 - 0.75)).toBeLessThan(0.035);
    model.dispose();
  });
});

describe('conditionalSample', () => {
  test('GMM: mean and standard deviation of component k', () => {
    const model = new GMM({
      logits: [0, 0],
      means: [
        [1, -2],
        [0, 0],
      ],
      logVariances: [
        [Math.log(0.25), Math.log(4)],
        [0, 0],
      ],
    });
    const n = 20000;
    const x = valuesOf(() => model.conditionalSample(n, 0, new Rng(4)));
    for (const [d, mean, sd] of [
      [0, 1, 0.5],
      [1, -2, 2],
    ]) {
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) sum += x[2 * i + d];
      const m = sum / n;
      for (let i = 0; i < n; i++) squares += (x[2 * i + d] - m) ** 2;
      expect(Math.abs(m - mean)).toBeLessThan((5 * sd) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(squares / (n - 1)) - sd)).toBeLessThan((5 * sd) / Math.sqrt(2 * n));
    }
    expect(() => model.conditionalSample(3, 2, new Rng(1))).toThrow(/component 2 is outside 0–1/);
    model.dispose();
  });

  test('UMM: every point in box k, and the box covered up to its edges', () => {
    const model = new UMM({
      logits: [0, 0],
      centers: [
        [1, -2],
        [0, 0],
      ],
      logSizes: [
        [Math.log(0.5), Math.log(3)],
        [0, 0],
      ],
    });
    const n = 5000;
    const x = valuesOf(() => model.conditionalSample(n, 0, new Rng(5)));
    for (const [d, low, high] of [
      [0, 0.75, 1.25],
      [1, -3.5, -0.5],
    ]) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        min = Math.min(min, x[2 * i + d]);
        max = Math.max(max, x[2 * i + d]);
      }
      expect(min).toBeGreaterThanOrEqual(low);
      expect(max).toBeLessThanOrEqual(high);
      expect(min - low).toBeLessThan(0.01 * (high - low));
      expect(high - max).toBeLessThan(0.01 * (high - low));
    }
    model.dispose();
  });
});

describe('constructors', () => {
  test('reject parameters of the wrong shape with a message naming the field', () => {
    expect(
      () =>
        new GMM({
          logits: [0, 0],
          means: [[0, 0]],
          logVariances: [
            [0, 0],
            [0, 0],
          ],
        }),
    ).toThrow('GMM: means has 1 rows, expected K = 2');
    expect(() => new UMM({ logits: [0], centers: [[0, 0, 0]], logSizes: [[0, 0]] })).toThrow(
      'UMM: centers[0] has 3 values, expected 2',
    );
    expect(() => new GMM({ logits: [NaN], means: [[0, 0]], logVariances: [[0, 0]] })).toThrow(
      'GMM: logits[0] is NaN, expected a finite number',
    );
    expect(() => new UMM({ logits: [], centers: [], logSizes: [] })).toThrow('UMM: logits is empty');
  });

  test('keep no tensor beyond the variables, which dispose() frees', async () => {
    await expectNoTensorLeaks(() => {
      const gmm = GMM.random(4, new Rng(1));
      const umm = UMM.random(4, new Rng(1));
      gmm.parameters();
      umm.parameters();
      gmm.dispose();
      umm.dispose();
    }, 'construct, read and dispose');
  });

  test('UMM_OUTSIDE_LOG_DENSITY is the oracle’s value outside every box', () => {
    const values = ummLogLikelihood({ logits: [0], centers: [[0, 0]], logSizes: [[0, 0]] }, [[9, 9]]);
    expect(values[0]).toBe(UMM_OUTSIDE_LOG_DENSITY);
  });
});
