import { DEFAULT_SEED, Rng } from './random.js';

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
