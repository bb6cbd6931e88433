/**
 * The one seeded random source. Every draw of the project (initialisation, shuffling, window sampling,
 * categorical and normal sampling) goes through an `Rng`, which lives in JavaScript so that the same seed
 * gives the same numbers on every tfjs backend. The generator is pure-rand's xoroshiro128+, started from a
 * state that SplitMix64 spreads from the seed, as xoroshiro's authors recommend: started from the bare seed
 * (pure-rand's own `xoroshiro128plus(seed)`), its first outputs are close to 1 and nearly linear in the seed.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export const DEFAULT_SEED = 42;

const UINT64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea and Flood), the seed-spreading function xoroshiro's authors recommend. */
export function* splitMix64(seed: number): Generator<bigint, never> {
  let state = BigInt.asUintN(64, BigInt(seed));
  for (;;) {
    state = (state + 0x9e3779b97f4a7c15n) & UINT64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & UINT64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & UINT64;
    yield z ^ (z >> 31n);
  }
}

/** The 128-bit state [s0, s1] from two SplitMix64 outputs, as pure-rand lays it out: 32-bit halves, high first. */
export function seedState(seed: number): number[] {
  const spread = splitMix64(seed);
  const halves = (word: bigint) => [Number(BigInt.asIntN(32, word >> 32n)), Number(BigInt.asIntN(32, word))];
  return [...halves(spread.next().value), ...halves(spread.next().value)];
}

export class Rng {
  private readonly generator: RandomGenerator;

  constructor(readonly seed: number = DEFAULT_SEED) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.generator = xoroshiro128plusFromState(seedState(seed));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return uniformInt(this.generator, 0, n - 1);
  }

  /** Standard normal by Box–Muller; each draw uses two uniforms. */
  normal(): number {
    const u1 = 1 - this.uniform(); // in (0, 1], so the log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  uniforms(n: number): Float32Array {
    return Float32Array.from({ length: n }, () => this.uniform());
  }

  normals(n: number): Float32Array {
    return Float32Array.from({ length: n }, () => this.normal());
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`categorical: weight ${i} is ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError('categorical: all weights are zero');
    const target = this.uniform() * total;
    let cumulative = 0;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] === 0) continue;
      last = i;
      cumulative += weights[i];
      if (target < cumulative) return i;
    }
    return last; // rounding left target at the very top: the last index with weight
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
