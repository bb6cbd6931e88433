import {
  chiSquareLowerQuantile,
  chiSquareStatistic,
  chiSquareUpperQuantile,
  dkwEpsilon,
  incompleteGamma,
  ksUniformStatistic,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTwoSidedQuantile,
} from './stats.js';

// Expected values from SciPy 1.x (scipy.stats.chi2.isf / ppf, scipy.stats.norm.isf, scipy.special).
describe('the grader statistics', () => {
  test('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(2499.5)).toBeCloseTo(17053.210103016416, 6);
  });

  test('P + Q = 1 and the exponential case Q(1, x) = e^{-x}', () => {
    for (const x of [0.1, 1, 5, 30]) expect(incompleteGamma(1, x).upper).toBeCloseTo(Math.exp(-x), 12);
    const { lower, upper } = incompleteGamma(3.5, 2);
    expect(lower + upper).toBeCloseTo(1, 14);
  });

  test('chi-square quantiles match SciPy', () => {
    expect(chiSquareUpperQuantile(1, 0.05)).toBeCloseTo(3.8414588206941285, 8);
    expect(chiSquareUpperQuantile(3, 1e-6)).toBeCloseTo(30.664849706213598, 7);
    expect(chiSquareUpperQuantile(4999, 1e-6 / 24)).toBeCloseTo(5553.533717047162, 5);
    expect(chiSquareLowerQuantile(4999, 1e-6 / 24)).toBeCloseTo(4481.430372589281, 5);
  });

  test('normal quantile matches SciPy', () => {
    expect(normalTwoSidedQuantile(0.05)).toBeCloseTo(1.959963984540054, 8);
    expect(normalTwoSidedQuantile(1e-6 / 12)).toBeCloseTo(5.359758373335751, 7);
  });

  // Expected values from Python's math.erfc (Φ(z) = ½ erfc(−z/√2)), an independent implementation.
  test('normal CDF matches erfc', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.5)).toBeCloseTo(0.06680720126885809, 13);
    expect(normalCdf(0.3)).toBeCloseTo(0.6179114221889526, 13);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 13);
    expect(normalCdf(-6) / 9.865876450377012e-10).toBeCloseTo(1, 10);
    expect([normalCdf(-Infinity), normalCdf(Infinity)]).toEqual([0, 1]);
  });

  // Expected values from Python's statistics.NormalDist().inv_cdf, an independent implementation.
  test('normal quantiles invert the CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.25)).toBeCloseTo(-0.6744897501960817, 11);
    expect(normalQuantile(0.2)).toBeCloseTo(-0.8416212335729142, 11);
    expect(normalQuantile(1 / 3)).toBeCloseTo(-0.43072729929545744, 11);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 10);
  });

  test('DKW epsilon solves 2 exp(-2 n eps^2) = alpha', () => {
    const epsilon = dkwEpsilon(5000, 1e-7);
    expect(2 * Math.exp(-2 * 5000 * epsilon ** 2)).toBeCloseTo(1e-7, 15);
  });

  test('the statistics themselves', () => {
    expect(chiSquareStatistic([10, 30], [0.5, 0.5])).toBeCloseTo(10, 12);
    expect(ksUniformStatistic([0.5])).toBeCloseTo(0.5, 12);
    expect(ksUniformStatistic([0.1, 0.2, 0.3])).toBeCloseTo(0.7, 12);
  });

  test('bad significance levels are errors', () => {
    expect(() => chiSquareUpperQuantile(2, 0)).toThrow('significance level must be in (0, 1), got 0');
  });
});
