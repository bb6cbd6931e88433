/**
 * The grader's sampling checks. Each takes the false-failure probability α it may spend and splits it
 * over its individual comparisons (Bonferroni), so that a correct sampler fails with probability ≤ α.
 */
import {
  chiSquareLowerQuantile,
  chiSquareStatistic,
  chiSquareUpperQuantile,
  dkwEpsilon,
  ksUniformStatistic,
  normalTwoSidedQuantile,
} from './stats.js';
import { fail, format } from './check.js';

/** The per-test budget: a correct submission fails a sampling test by chance with probability ≤ 1e-6. */
export const FALSE_FAILURE_PROBABILITY = 1e-6;

/** Component or token counts against probabilities: Pearson's chi-square, K − 1 degrees of freedom. */
export function expectFrequencies(
  what: string,
  counts: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  alpha: number,
  hint: string,
): void {
  const statistic = chiSquareStatistic(counts, probabilities);
  const critical = chiSquareUpperQuantile(counts.length - 1, alpha);
  if (statistic > critical) {
    const n = Array.from(counts).reduce((a, b) => a + b, 0);
    const shares = Array.from(counts, (count) => format(count / n)).join(', ');
    const expected = Array.from(probabilities, format).join(', ');
    fail(
      `${what}: frequencies [${shares}], expected [${expected}] (chi-square ${format(statistic)} > ${format(critical)}; ${hint})`,
    );
  }
}

/** A sample's mean and variance against N(μ, σ²): exact z and chi-square bounds, α split between them. */
export function expectNormalMoments(
  what: string,
  values: ArrayLike<number>,
  mean: number,
  variance: number,
  alpha: number,
): void {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const sampleMean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - sampleMean) ** 2;
  const sampleVariance = squares / (n - 1);
  const z = normalTwoSidedQuantile(alpha / 2);
  if (Math.abs(sampleMean - mean) > (z * Math.sqrt(variance)) / Math.sqrt(n))
    fail(
      `${what}: sample mean ${format(sampleMean)}, expected ${format(mean)} (drawing from the wrong component?)`,
    );
  const low = (chiSquareLowerQuantile(n - 1, alpha / 4) * variance) / (n - 1);
  const high = (chiSquareUpperQuantile(n - 1, alpha / 4) * variance) / (n - 1);
  if (sampleVariance < low || sampleVariance > high)
    fail(
      `${what}: sample variance ${format(sampleVariance)}, expected ${format(variance)} (x = μ + σ·z with σ = exp(logVariance / 2))`,
    );
}

/** Values that should be uniform on [lo, hi]: all inside, and the KS distance within the DKW bound. */
export function expectUniform(
  what: string,
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  alpha: number,
): void {
  const slack = 1e-6 * Math.max(1, Math.abs(lo), Math.abs(hi)); // float32 rounding of c ± s/2
  const scaled = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= lo - slack && values[i] <= hi + slack))
      fail(
        `${what}: sample ${i} is ${format(values[i])}, outside the box [${format(lo)}, ${format(hi)}] (the side is exp(logSize), the half side exp(logSize) / 2)`,
      );
    scaled[i] = (values[i] - lo) / (hi - lo);
  }
  const distance = ksUniformStatistic(scaled);
  const epsilon = dkwEpsilon(values.length, alpha);
  if (distance > epsilon)
    fail(
      `${what}: not uniform in the box (Kolmogorov-Smirnov distance ${format(distance)} > ${format(epsilon)})`,
    );
}
