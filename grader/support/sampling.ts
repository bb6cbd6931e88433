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
  normalQuantile,
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

/**
 * The bin of a value among `bins` equally likely bins of its distribution. Values are compared with the
 * cut points (quantiles), computed once per bin count, rather than each mapped through a CDF: binning tens
 * of thousands of draws stays fast, and exact.
 */
export function uniformBin(u: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(u * bins)));
}

const normalCuts = new Map<number, number[]>();

/** The bin of a value that should be N(0, 1): cut at Φ⁻¹(1/bins), …, Φ⁻¹((bins − 1)/bins). */
export function normalBin(z: number, bins: number): number {
  let cuts = normalCuts.get(bins);
  if (cuts === undefined) {
    cuts = Array.from({ length: bins - 1 }, (_, b) => normalQuantile((b + 1) / bins));
    normalCuts.set(bins, cuts);
  }
  let bin = 0;
  while (bin < cuts.length && z >= cuts[bin]) bin++;
  return bin;
}

/** The cell of a point given each coordinate's bin: row-major over bins^D cells. */
export function cellOf(binsOfPoint: readonly number[], bins: number): number {
  return binsOfPoint.reduce((cell, bin) => cell * bins + bin, 0);
}

/**
 * Points that fall into cells with known probabilities (a fully specified distribution): Pearson's
 * chi-square over all cells, cells − 1 degrees of freedom. The message names the cell furthest from its
 * expected count, by `label`.
 */
export function expectCells(
  what: string,
  cells: ArrayLike<number>,
  probabilities: readonly number[],
  alpha: number,
  label: (cell: number) => string,
  hint: string,
): void {
  const counts = new Array<number>(probabilities.length).fill(0);
  for (let i = 0; i < cells.length; i++) counts[cells[i]]++;
  const statistic = chiSquareStatistic(counts, probabilities);
  const critical = chiSquareUpperQuantile(probabilities.length - 1, alpha);
  if (statistic > critical) {
    const n = cells.length;
    const score = (c: number) => Math.abs(counts[c] - n * probabilities[c]) / Math.sqrt(n * probabilities[c]);
    const worst = counts.reduce((best, _, c) => (score(c) > score(best) ? c : best), 0);
    fail(
      `${what}: ${label(worst)} holds a share ${format(counts[worst] / n)} of the points, expected ${format(probabilities[worst])} (chi-square over ${counts.length} cells ${format(statistic)} > ${format(critical)}; ${hint})`,
    );
  }
}

/**
 * Rows of D coordinates that should be independent, each given as its bin among `bins` equally likely
 * bins of its distribution (normalBin, uniformBin): chi-square over bins^D equally likely cells. Catches a
 * wrong marginal and any dependence between coordinates (two from one draw fill only the diagonal cells).
 */
export function expectIndependentBins(
  what: string,
  rows: readonly (readonly number[])[],
  names: readonly string[],
  bins: number,
  alpha: number,
  hint: string,
): void {
  const D = names.length;
  const cells = rows.map((row) => cellOf(row, bins));
  const label = (cell: number) => {
    const parts = names.map((name, d) => {
      const b = Math.floor(cell / bins ** (D - 1 - d)) % bins;
      return `${name} in quantiles [${format(b / bins)}, ${format((b + 1) / bins)})`;
    });
    return `the cell ${parts.join(', ')}`;
  };
  expectCells(what, cells, new Array<number>(bins ** D).fill(bins ** -D), alpha, label, hint);
}
