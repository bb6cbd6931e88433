/**
 * Float64 oracle for the mixture models: the exercise's formulas in plain loops, no tfjs, so that it
 * shares no code (and no float32 rounding) with the models it checks. The reference's tests and the
 * grader's fixture checks compare against it.
 *
 * To compare with a float32 model, give the oracle the model's own numbers (`model.parameters()` and the
 * points as float32 values): the box-edge decisions of the UMM then agree exactly wherever the edge is
 * representable, and the rest differs by float32 rounding only.
 */
import { UMM_OUTSIDE_LOG_DENSITY, type GMMParameters, type UMMParameters } from '../../lib/contract.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Points as rows: [n][2] arrays, or a row-major [n, 2] typed array. */
export type Points = readonly (readonly number[])[] | Float32Array | Float64Array;

function rows(points: Points): number[][] {
  if (Array.isArray(points)) return points.map((row: readonly number[]) => [row[0], row[1]]);
  const flat = points as Float32Array | Float64Array;
  if (flat.length % 2 !== 0)
    throw new RangeError(`points: ${flat.length} numbers is not a whole number of rows of 2`);
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
}

/** log Σ_k exp(a_k), stable for any finite a. */
export function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}

/** log softmax of the mixture logits. */
export function logSoftmax(logits: readonly number[]): number[] {
  const normaliser = logSumExp(logits);
  return logits.map((logit) => logit - normaliser);
}

/** log N(x; μ_k, diag exp(logVariances_k)) = −log 2π − ½ Σ_d (logVar_kd + (x_d − μ_kd)² / exp(logVar_kd)). */
export function gmmComponentLogDensity(params: GMMParameters, k: number, x: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < 2; d++) {
    const logVariance = params.logVariances[k][d];
    const diff = x[d] - params.means[k][d];
    sum += logVariance + (diff * diff) / Math.exp(logVariance);
  }
  return -LOG_2PI - 0.5 * sum;
}

/** −log s_k1 − log s_k2 inside the box (edges included), UMM_OUTSIDE_LOG_DENSITY outside. */
export function ummComponentLogDensity(params: UMMParameters, k: number, x: readonly number[]): number {
  let logDensity = 0;
  for (let d = 0; d < 2; d++) {
    const size = Math.exp(params.logSizes[k][d]);
    if (Math.abs(x[d] - params.centers[k][d]) > size / 2) return UMM_OUTSIDE_LOG_DENSITY;
    logDensity -= params.logSizes[k][d];
  }
  return logDensity;
}

function mixtureLogLikelihood(
  logits: readonly number[],
  componentLogDensity: (k: number, x: readonly number[]) => number,
  points: Points,
): number[] {
  const logWeights = logSoftmax(logits);
  return rows(points).map((x) =>
    logSumExp(logWeights.map((logWeight, k) => logWeight + componentLogDensity(k, x))),
  );
}

/** log p(x) of a GMM for each point. */
export function gmmLogLikelihood(params: GMMParameters, points: Points): number[] {
  return mixtureLogLikelihood(params.logits, (k, x) => gmmComponentLogDensity(params, k, x), points);
}

/** log p(x) of a UMM for each point. */
export function ummLogLikelihood(params: UMMParameters, points: Points): number[] {
  return mixtureLogLikelihood(params.logits, (k, x) => ummComponentLogDensity(params, k, x), points);
}

/**
 * Agreement of a float32 result with the oracle: |actual − expected| ≤ tolerance · max(1, |expected|).
 * Relative for large values (a point far away, −1e6 outside every box); absolute below 1, because a
 * log-likelihood crosses 0 and float32 errors scale with the terms summed (log 2π, the log-weights),
 * not with their possibly tiny sum.
 */
export function closeToOracle(actual: number, expected: number, tolerance = 1e-5): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

/**
 * Responsibilities r_ik = softmax_k(log π_k + log p(x_i | k)) of every point, and the gradient of the loss
 * −(1/n) Σ_i log p(x_i) with respect to the logits: −(1/n) Σ_i (r_ik − π_k).
 */
function responsibilities(
  logits: readonly number[],
  componentLogDensity: (k: number, x: readonly number[]) => number,
  x: number[][],
): { r: number[][]; logits: number[] } {
  const logWeights = logSoftmax(logits);
  const r = x.map((point) => {
    const terms = logWeights.map((logWeight, k) => logWeight + componentLogDensity(k, point));
    const normaliser = logSumExp(terms);
    return terms.map((term) => Math.exp(term - normaliser));
  });
  const n = x.length;
  const weights = logWeights.map(Math.exp);
  const gradient = logits.map((_, k) => -r.reduce((sum, row) => sum + row[k] - weights[k], 0) / n);
  return { r, logits: gradient };
}

/**
 * Gradients of the GMM loss −mean log p(x) with respect to every parameter, analytic:
 * d/dμ_kd = −(1/n) Σ_i r_ik (x_id − μ_kd) / σ²_kd, d/dlogVar_kd = −(1/n) Σ_i r_ik (−½ + ½ (x_id − μ_kd)² / σ²_kd).
 */
export function gmmLossGradients(params: GMMParameters, points: Points): GMMParameters {
  const x = rows(points);
  const n = x.length;
  const { r, logits } = responsibilities(params.logits, (k, p) => gmmComponentLogDensity(params, k, p), x);
  const perAxis = (term: (diff: number, variance: number) => number) =>
    params.means.map((mean, k) =>
      [0, 1].map((d) => {
        const variance = Math.exp(params.logVariances[k][d]);
        return -x.reduce((sum, p, i) => sum + r[i][k] * term(p[d] - mean[d], variance), 0) / n;
      }),
    );
  return {
    logits,
    means: perAxis((diff, variance) => diff / variance),
    logVariances: perAxis((diff, variance) => -0.5 + (0.5 * diff * diff) / variance),
  };
}

/**
 * Gradients of the UMM loss: the box is a step in the centres and sizes, so d/dc = 0 and only the density
 * term −log s_k1 − log s_k2 moves with logSizes: d/dlogSize_kd = (1/n) Σ_i r_ik [x_i inside box k].
 */
export function ummLossGradients(params: UMMParameters, points: Points): UMMParameters {
  const x = rows(points);
  const n = x.length;
  const { r, logits } = responsibilities(params.logits, (k, p) => ummComponentLogDensity(params, k, p), x);
  const inside = (k: number, p: readonly number[]) =>
    ummComponentLogDensity(params, k, p) !== UMM_OUTSIDE_LOG_DENSITY;
  return {
    logits,
    centers: params.centers.map(() => [0, 0]),
    logSizes: params.logSizes.map((_, k) => {
      const share = x.reduce((sum, p, i) => sum + (inside(k, p) ? r[i][k] : 0), 0) / n;
      return [share, share];
    }),
  };
}
