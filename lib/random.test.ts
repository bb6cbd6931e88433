import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import {
  chiSquareLowerQuantile,
  chiSquareUpperQuantile,
  dkwEpsilon,
  ksUniformStatistic,
  normalTwoSidedQuantile,
} from '../grader/support/stats.js';
import { DEFAULT_SEED, Rng, seedState, splitMix64 } from './random.js';

describe('Rng', () => {
  test('the same seed gives the same stream, another seed another stream', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const drawsA = [a.uniform(), a.normal(), a.int(10), a.categorical([1, 2, 3])];
    const drawsB = [b.uniform(), b.normal(), b.int(10), b.categorical([1, 2, 3])];
    expect(drawsA).toEqual(drawsB);
    expect(c.uniform()).not.toEqual(new Rng(7).uniform());
    expect(new Rng().seed).toBe(DEFAULT_SEED);
  });

  test('uniforms lie in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    const n = 200_000;
    const xs = Array.from({ length: n }, () => rng.uniform());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    // 6 standard errors: sd of the mean is sqrt(1/12/n) ≈ 6.5e-4
    expect(Math.abs(mean - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  test('normals have mean 0, variance 1 and the right tail mass', () => {
    const rng = new Rng(2);
    const n = 200_000;
    const xs = rng.normals(n);
    let sum = 0;
    let squares = 0;
    let beyond2 = 0;
    for (const x of xs) {
      sum += x;
      squares += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(6 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(6 * Math.sqrt(2 / n));
    // P(|Z| > 2) = 0.0455; binomial sd over n draws
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(6 * Math.sqrt((0.0455 * 0.9545) / n));
  });

  test('categorical draws follow the weights and never pick a zero weight', () => {
    const rng = new Rng(3);
    const weights = [0, 1, 3, 0, 6];
    const counts = [0, 0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.categorical(weights)]++;
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(0);
    for (const i of [1, 2, 4]) {
      const p = weights[i] / 10;
      expect(Math.abs(counts[i] / n - p)).toBeLessThan(6 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  test('bad arguments are clear errors', () => {
    const rng = new Rng(4);
    expect(() => rng.categorical([0, 0])).toThrow('all weights are zero');
    expect(() => rng.categorical([1, Number.NaN])).toThrow('weight 1 is NaN');
    expect(() => rng.int(0)).toThrow('positive integer');
    expect(() => new Rng(1.5)).toThrow('seed must be an integer');
  });

  test('permutation holds every index once', () => {
    const order = Array.from(new Rng(5).permutation(1000));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('seeding', () => {
  test('SplitMix64 gives the published outputs for seed 1234567', () => {
    // the reference implementation's (Vigna's splitmix64.c) first outputs for this seed
    const spread = splitMix64(1234567);
    expect([spread.next().value, spread.next().value]).toEqual([6457827717110365317n, 3203168211198807973n]);
  });

  test('the generator is xoroshiro128+ run from the SplitMix64 state', () => {
    // an independent 64-bit xoroshiro128+ (Blackman and Vigna) in BigInt; pure-rand returns the low 32 bits
    const mask = (1n << 64n) - 1n;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & mask;
    for (const seed of [0, 42, -5, 2 ** 40 + 3]) {
      const spread = splitMix64(seed);
      let [s0, s1] = [spread.next().value, spread.next().value];
      const generator = xoroshiro128plusFromState(seedState(seed));
      for (let i = 0; i < 100; i++) {
        const expected = Number(BigInt.asIntN(32, (s0 + s1) & mask));
        expect(generator.next()).toBe(expected);
        s1 ^= s0;
        s0 = rotl(s0, 24n) ^ s1 ^ ((s1 << 16n) & mask);
        s1 = rotl(s1, 37n);
      }
    }
  });

  // Statistics of the first draws of fresh generators for seeds 0 … 9,999, each treated as one independent
  // draw. Every bound below holds for independent draws of the right distribution with a false-failure
  // probability of at most 1e-6 for the whole test (Bonferroni over its checks).
  const SEEDS = 10_000;
  const ALPHA = 1e-6;

  interface FirstDraws {
    first: number[];
    second: number[];
    normals: number[];
  }

  function firstDraws(start: (seed: number) => RandomGenerator): FirstDraws {
    const draws: FirstDraws = { first: [], second: [], normals: [] };
    for (let seed = 0; seed < SEEDS; seed++) {
      const generator = start(seed);
      draws.first.push(uniformFloat64(generator));
      draws.second.push(uniformFloat64(generator));
      // Rng.normal's Box–Muller on those two uniforms
      const [u1, u2] = [1 - draws.first[seed], draws.second[seed]];
      draws.normals.push(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return draws;
  }

  function correlation(xs: number[], ys: number[]): number {
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const [mx, my] = [mean(xs), mean(ys)];
    let [sxy, sxx, syy] = [0, 0, 0];
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** The checks that fail, by name; empty when the first draws look like independent draws. */
  function failedChecks(draws: FirstDraws): string[] {
    const failed: string[] = [];
    // KS with Massart's DKW bound, exact: α/2 for each of the two uniforms
    const ks = dkwEpsilon(SEEDS, ALPHA / 2);
    if (ksUniformStatistic(draws.first) > ks) failed.push('first uniform');
    if (ksUniformStatistic(draws.second) > ks) failed.push('second uniform');
    return failed;
  }

  function failedNormalChecks(draws: FirstDraws): string[] {
    const failed: string[] = [];
    const n = SEEDS;
    // mean of n standard normals is N(0, 1/n): exact z test at α/2
    const sum = draws.normals.reduce((s, x) => s + x, 0);
    if (Math.abs(sum / Math.sqrt(n)) > normalTwoSidedQuantile(ALPHA / 2)) failed.push('normal mean');
    // Σz² is χ²(n): exact two-sided test at α/4 a side
    const squares = draws.normals.reduce((s, x) => s + x * x, 0);
    if (squares < chiSquareLowerQuantile(n, ALPHA / 4) || squares > chiSquareUpperQuantile(n, ALPHA / 4)) {
      failed.push('normal variance');
    }
    return failed;
  }

  function failedCorrelationChecks(draws: FirstDraws): string[] {
    // the sample correlation of n independent pairs is asymptotically N(0, 1/n): α/2 per pair of series
    const bound = normalTwoSidedQuantile(ALPHA / 2) / Math.sqrt(SEEDS - 1);
    const failed: string[] = [];
    const next = (v: number[]) => v.slice(1);
    const previous = (v: number[]) => v.slice(0, -1);
    if (Math.abs(correlation(previous(draws.first), next(draws.first))) > bound)
      failed.push('first uniforms');
    if (Math.abs(correlation(previous(draws.normals), next(draws.normals))) > bound)
      failed.push('first normals');
    return failed;
  }

  const spread = firstDraws((seed) => xoroshiro128plusFromState(seedState(seed)));
  // pure-rand's own seeding puts the bare seed into the state: what Rng did before
  const bare = firstDraws((seed) => xoroshiro128plus(seed));

  test("a fresh Rng's first draws are what Rng itself draws", () => {
    for (const seed of [0, 1, 42, 9_999]) {
      const rng = new Rng(seed);
      expect([rng.uniform(), rng.uniform()]).toEqual([spread.first[seed], spread.second[seed]]);
      expect(new Rng(seed).normal()).toBe(spread.normals[seed]);
    }
  });

  test('the first and the second uniform over seeds 0 … 9,999 are uniform (Kolmogorov–Smirnov)', () => {
    expect(failedChecks(spread)).toEqual([]);
  });

  test('the first normal over seeds 0 … 9,999 has mean 0 and variance 1', () => {
    expect(failedNormalChecks(spread)).toEqual([]);
  });

  test('first draws of consecutive seeds are uncorrelated', () => {
    expect(failedCorrelationChecks(spread)).toEqual([]);
  });

  test('within one seed, a long stream passes the same checks', () => {
    const rng = new Rng(DEFAULT_SEED);
    const stream: FirstDraws = {
      first: Array.from({ length: SEEDS }, () => rng.uniform()),
      second: Array.from({ length: SEEDS }, () => rng.uniform()),
      normals: Array.from({ length: SEEDS }, () => rng.normal()),
    };
    expect([
      ...failedChecks(stream),
      ...failedNormalChecks(stream),
      ...failedCorrelationChecks(stream),
    ]).toEqual([]);
  });

  test('the same checks catch the bare seeding that Rng used before', () => {
    expect(failedChecks(bare)).toEqual(['first uniform', 'second uniform']);
    expect(failedNormalChecks(bare)).toContain('normal variance');
    expect(failedCorrelationChecks(bare)).toContain('first uniforms');
  });
});
