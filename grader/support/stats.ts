/**
 * The statistics behind the grader's sampling tests: chi-square tail quantiles (regularised incomplete
 * gamma function, inverted by bisection), two-sided normal quantiles and the DKW bound for the
 * Kolmogorov–Smirnov statistic. Each test fails a correct submission with probability at most the α
 * it is given (grader/README.md lists them).
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_ITERATIONS = 100_000;

/** Regularised lower incomplete gamma P(a, x) and its complement Q(a, x) = 1 − P(a, x). */
export function incompleteGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0) || !(x >= 0))
    throw new RangeError(`incompleteGamma: needs a > 0 and x ≥ 0, got a=${a}, x=${x}`);
  if (x === 0) return { lower: 0, upper: 1 };
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // series: P = e^{−x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      term *= x / (a + n);
      sum += term;
    }
    const lower = Math.exp(logPrefix) * sum;
    return { lower, upper: 1 - lower };
  }
  // continued fraction for Q (modified Lentz)
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const upper = Math.exp(logPrefix) * h;
  return { lower: 1 - upper, upper };
}

/** Bisection for an increasing function f on [lo, hi], to double precision. */
function bisect(f: (x: number) => number, target: number, lo: number, hi: number): number {
  while (f(hi) < target) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The x with P(χ²_df > x) = α. */
export function chiSquareUpperQuantile(df: number, alpha: number): number {
  checkAlpha(alpha);
  return bisect((x) => -incompleteGamma(df / 2, x / 2).upper, -alpha, 0, df + 10);
}

/** The x with P(χ²_df < x) = α. */
export function chiSquareLowerQuantile(df: number, alpha: number): number {
  checkAlpha(alpha);
  return bisect((x) => incompleteGamma(df / 2, x / 2).lower, alpha, 0, df + 10);
}

/** The z with P(|Z| > z) = α for a standard normal Z (Z² is χ² with 1 degree of freedom). */
export function normalTwoSidedQuantile(alpha: number): number {
  return Math.sqrt(chiSquareUpperQuantile(1, alpha));
}

/**
 * The standard normal CDF Φ(z), from the same incomplete gamma: Z²/2 is Gamma(½), so
 * P(|Z| > |z|) = Q(½, z²/2) and Φ(z) = ½ Q(½, z²/2) for z ≤ 0, 1 − ½ Q(½, z²/2) above.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const tail = 0.5 * incompleteGamma(0.5, (z * z) / 2).upper;
  return z <= 0 ? tail : 1 - tail;
}

/** The z with Φ(z) = p, 0 < p < 1, by bisection on normalCdf (for a few cut points, not per draw). */
export function normalQuantile(p: number): number {
  checkAlpha(p);
  let [lo, hi] = [-40, 40];
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** DKW (Massart's constant): P(sup |F_n − F| > ε) ≤ 2 exp(−2nε²) = α, solved for ε. */
export function dkwEpsilon(n: number, alpha: number): number {
  checkAlpha(alpha);
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/** Pearson's statistic Σ (observed − expected)² / expected, expected = n·p. */
export function chiSquareStatistic(counts: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = n * probabilities[i];
    statistic += (counts[i] - expected) ** 2 / expected;
  }
  return statistic;
}

/** sup_x |F_n(x) − x| of a sample that should be uniform on [0, 1]. */
export function ksUniformStatistic(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let statistic = 0;
  for (let i = 0; i < n; i++) {
    statistic = Math.max(statistic, (i + 1) / n - sorted[i], sorted[i] - i / n);
  }
  return statistic;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`significance level must be in (0, 1), got ${alpha}`);
}
