/**
 * The one seeded random source. Every draw of the project (initialisation, shuffling, window sampling,
 * categorical and normal sampling) goes through an `Rng`, which lives in JavaScript so that the same seed
 * gives the same numbers on every tfjs backend. The generator is pure-rand's xoroshiro128+.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export const DEFAULT_SEED = 42;

export class Rng {
  private readonly generator: RandomGenerator;

  constructor(readonly seed: number = DEFAULT_SEED) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.generator = xoroshiro128plus(seed);
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
