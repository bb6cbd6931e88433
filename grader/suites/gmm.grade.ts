import type { GMMParameters } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { ask, read } from '../support/calls.js';
import { fail } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import {
  checkCases,
  checkConditionalCells,
  checkGradients,
  checkLoss,
  checkSample,
  checkSeeding,
  checkShapes,
  checkTraining,
  drawRepeatably,
  type Locate,
} from '../support/mixture.js';
import {
  expectIndependentBins,
  expectNormalMoments,
  FALSE_FAILURE_PROBABILITY,
  normalBin,
} from '../support/sampling.js';

const LOG_2PI = Math.log(2 * Math.PI);

function hint(actual: number, expected: number): string | undefined {
  if (!Number.isFinite(actual)) return 'use tf.logSoftmax and tf.logSumExp, never log(sum(exp(...)))';
  const difference = actual - expected;
  if (Math.abs(difference - LOG_2PI) < 1e-3) return 'did you include log 2π?';
  if (Math.abs(difference - LOG_2PI / 2) < 1e-3) return 'a 2-D Gaussian has −log 2π, not −½ log 2π';
  return 'check log_softmax(logits), the variance exp(logVariances) and the logsumexp over components';
}

function readParameters(value: unknown): GMMParameters {
  const record = value as Record<string, unknown>;
  return {
    logits: read.numbers(record?.logits, 'logits'),
    means: read.matrix(record?.means, 'means'),
    logVariances: read.matrix(record?.logVariances, 'logVariances'),
  };
}

/** Each axis of a point standardised by component k's mean and σ, binned: independent N(0, 1) bins if right. */
function standardised(p: GMMParameters, k: number, x: number, y: number, bins: number): [number, number] {
  const z = (v: number, d: number) => (v - p.means[k][d]) / Math.exp(p.logVariances[k][d] / 2);
  return [normalBin(z(x, 0), bins), normalBin(z(y, 1), bins)];
}

const SAMPLING_HINT =
  'each point is μ_k + σ_k·z with z two independent N(0, 1) draws per point, σ = exp(logVariance / 2)';

function parameters(K: number): GMMParameters {
  const rng = new Rng(K);
  return {
    logits: Array.from(rng.normals(K)),
    means: Array.from({ length: K }, () => Array.from(rng.normals(2))),
    logVariances: Array.from({ length: K }, () => Array.from(rng.normals(2), (v) => 0.5 * v)),
  };
}

describe('GMM', () => {
  gradeTest('gmm.shapes', async () => checkShapes('GMM', parameters));

  gradeTest('gmm.parameters', async () => {
    const given = parameters(4);
    const back = readParameters(await ask('mixture.parameters', { model: 'GMM', parameters: given }));
    const flat = (p: GMMParameters) => [...p.logits, ...p.means.flat(), ...p.logVariances.flat()];
    if (
      flat(back).length !== flat(given).length ||
      flat(back).some((value, i) => !(Math.abs(value - flat(given)[i]) <= 1e-6))
    )
      fail('GMM.parameters(): does not give back the parameters the GMM was built from');
    const random = async (seed: number) =>
      readParameters(await ask('mixture.random', { model: 'GMM', K: 5, seed }));
    const [a, b, c] = [await random(3), await random(3), await random(4)];
    if (a.logits.length !== 5 || a.means.length !== 5) fail('GMM.random(5, rng): expected 5 components');
    if (JSON.stringify(a) !== JSON.stringify(b))
      fail('GMM.random: the same seed gives different parameters (draw only from rng)');
    if (JSON.stringify(a) === JSON.stringify(c))
      fail('GMM.random: seeds 3 and 4 give the same parameters (use the rng given)');
    if (a.logVariances.flat().some((v) => v !== 0)) fail('GMM.random: logVariances must start at 0');
    if ([...a.logits, ...a.means.flat()].some((v) => !(Math.abs(v) < 6)) || new Set(a.means.flat()).size < 10)
      fail('GMM.random: logits and means must be drawn from N(0, 1)');
    // the initialisation as a distribution: 3000 components, (logit, mean x, mean y) binned at the
    // quartiles of N(0, 1) over 4³ cells, chi-square with α = 1e-6 (grader/README.md)
    const K = 3000;
    const many = readParameters(await ask('mixture.random', { model: 'GMM', K, seed: 2025 }));
    if (many.logits.length !== K || many.means.length !== K || many.logVariances.length !== K)
      fail(`GMM.random(${K}, rng): expected ${K} components`);
    if (many.logVariances.some((row) => row.length !== 2 || row.some((v) => v !== 0)))
      fail(`GMM.random(${K}, rng): logVariances must all be exactly 0`);
    expectIndependentBins(
      `GMM.random(${K}, rng)`,
      many.logits.map((logit, k) => [logit, ...many.means[k]].map((v) => normalBin(v, 4))),
      ['logit', 'mean x', 'mean y'],
      4,
      FALSE_FAILURE_PROBABILITY,
      'draw every logit and both coordinates of every mean from N(0, 1), each from its own draw',
    );
  });

  gradeTest('gmm.loglik', async () => checkCases('GMM', publicFixture('gmm').cases, ['normal'], hint));

  gradeTest('gmm.far', async () => checkCases('GMM', publicFixture('gmm').cases, ['far'], hint));

  gradeTest('gmm.extreme', async () => checkCases('GMM', publicFixture('gmm').cases, ['extreme'], hint));

  gradeTest('gmm.gradients', async () =>
    checkGradients('GMM', publicFixture('gmm').cases, ['logits', 'means', 'logVariances']),
  );

  gradeTest('gmm.loss', async () => checkLoss('GMM', publicFixture('gmm').cases));

  gradeTest('gmm.seed', () => checkSeeding('GMM', parameters(3)));

  // four components at (±5, ±5) with σ ≤ 0.5: a point is nearer another mean with probability < 1e-20;
  // frequencies and the 2-D cells each get α/2 (grader/README.md)
  gradeTest('gmm.weights', async () => {
    const logits = [0.4, -0.6, 1.1, 0];
    const given: GMMParameters = {
      logits,
      means: [
        [-5, -5],
        [5, -5],
        [-5, 5],
        [5, 5],
      ],
      logVariances: [
        [Math.log(0.25), Math.log(0.09)],
        [Math.log(0.16), Math.log(0.25)],
        [Math.log(0.04), Math.log(0.16)],
        [Math.log(0.09), Math.log(0.04)],
      ],
    };
    const locate: Locate = (x, y, bins) => {
      const k = (x < 0 ? 0 : 1) + (y < 0 ? 0 : 2);
      return { k, bins: standardised(given, k, x, y, bins) };
    };
    await checkSample('GMM', given, logits, locate, FALSE_FAILURE_PROBABILITY, SAMPLING_HINT);
  });

  // each component's two axes: mean and variance (α/12 per axis), and the 2-D cells (α/6 per component)
  gradeTest('gmm.moments', async () => {
    const given: GMMParameters = {
      logits: [0.3, -0.2, 0.5],
      means: [
        [-2, 1],
        [0.5, 3],
        [4, -1],
      ],
      logVariances: [
        [Math.log(0.25), Math.log(4)],
        [0, Math.log(0.09)],
        [Math.log(2), Math.log(0.5)],
      ],
    };
    const n = 4000;
    const components = [0, 1, 2];
    const draws = components.map((k) => ({ what: `GMM.conditionalSample(${n}, ${k})`, n, k, seed: 100 + k }));
    const samples = await drawRepeatably('GMM', given, draws);
    for (const k of components) {
      for (let d = 0; d < 2; d++) {
        const axis = Float64Array.from({ length: n }, (_, i) => samples[k][2 * i + d]);
        expectNormalMoments(
          `${draws[k].what}, axis ${d}`,
          axis,
          given.means[k][d],
          Math.exp(given.logVariances[k][d]),
          FALSE_FAILURE_PROBABILITY / 12,
        );
      }
      const locate: Locate = (x, y, bins) => ({ k, bins: standardised(given, k, x, y, bins) });
      checkConditionalCells(
        draws[k].what,
        samples[k],
        k,
        locate,
        FALSE_FAILURE_PROBABILITY / 6,
        SAMPLING_HINT,
      );
    }
  });

  gradeTest('gmm.training', async () => {
    const rng = new Rng(7);
    const data = Array.from({ length: 200 }, (_, i) => {
      const [cx, cy] = i % 2 === 0 ? [-1, 0.5] : [1.5, -0.5];
      return [Math.fround(cx + 0.3 * rng.normal()), Math.fround(cy + 0.3 * rng.normal())];
    });
    const initial = {
      logits: [0, 0],
      means: [
        [0, 0],
        [0.5, 0.5],
      ],
      logVariances: [
        [0, 0],
        [0, 0],
      ],
    };
    await checkTraining('GMM', initial, data, 0.3);
  });

  gradeTest('gmm.hidden', async () => {
    const { cases } = hiddenFixture('gmm');
    await checkCases('GMM', cases, ['normal', 'far', 'extreme'], hint);
    await checkLoss('GMM', cases, true);
    await checkGradients('GMM', cases, ['logits', 'means', 'logVariances']);
  });
});
