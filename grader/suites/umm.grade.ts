import type { UMMParameters } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { ask, askRecord, read } from '../support/calls.js';
import { fail, format } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import {
  checkCases,
  checkComponentFrequencies,
  checkLoss,
  checkSeeding,
  checkShapes,
  draw,
} from '../support/mixture.js';
import { expectUniform, FALSE_FAILURE_PROBABILITY } from '../support/sampling.js';

const FAR_BELOW = -1e5; // a log-likelihood this low means "outside every box"

function hint(actual: number, expected: number): string | undefined {
  if (!Number.isFinite(actual)) return 'outside a box use UMM_OUTSIDE_LOG_DENSITY (−1e6), never −∞ or NaN';
  if (expected > FAR_BELOW && actual < FAR_BELOW)
    return 'this point is inside a box: |x − c| ≤ s/2 with the edges included, s = exp(logSize) the full side';
  if (expected < FAR_BELOW && actual > FAR_BELOW)
    return 'this point is outside every box: s = exp(logSize) is the full side, s/2 the half side';
  return 'check log_softmax(logits), −log s_1 − log s_2 and the logsumexp over components';
}

function edgeHint(actual: number, expected: number): string | undefined {
  if (expected > FAR_BELOW && actual < FAR_BELOW)
    return 'a point exactly on the edge is inside: use ≤, not <';
  return hint(actual, expected);
}

function readParameters(value: unknown): UMMParameters {
  const record = value as Record<string, unknown>;
  return {
    logits: read.numbers(record?.logits, 'logits'),
    centers: read.matrix(record?.centers, 'centers'),
    logSizes: read.matrix(record?.logSizes, 'logSizes'),
  };
}

function parameters(K: number): UMMParameters {
  const rng = new Rng(K);
  return {
    logits: Array.from(rng.normals(K)),
    centers: Array.from({ length: K }, () => Array.from(rng.normals(2))),
    logSizes: Array.from({ length: K }, () => [Math.log(0.5 + rng.uniform()), Math.log(0.5 + rng.uniform())]),
  };
}

/** Three boxes that do not touch: which one a point is in is certain. */
const BOXES: UMMParameters = {
  logits: [0.7, -0.4, 0.1],
  centers: [
    [0, 0],
    [5, 0],
    [0.5, 5],
  ],
  logSizes: [
    [0, Math.log(2)],
    [Math.log(0.5), Math.log(3)],
    [Math.log(1.5), Math.log(0.25)],
  ],
};

function inBox(p: UMMParameters, k: number, x: number, y: number): boolean {
  return [x, y].every((v, d) => Math.abs(v - p.centers[k][d]) <= Math.exp(p.logSizes[k][d]) / 2 + 1e-5);
}

describe('UMM', () => {
  gradeTest('umm.shapes', async () => checkShapes('UMM', parameters));

  gradeTest('umm.parameters', async () => {
    const given = parameters(4);
    const back = readParameters(await ask('mixture.parameters', { model: 'UMM', parameters: given }));
    const flat = (p: UMMParameters) => [...p.logits, ...p.centers.flat(), ...p.logSizes.flat()];
    if (
      flat(back).length !== flat(given).length ||
      flat(back).some((value, i) => !(Math.abs(value - flat(given)[i]) <= 1e-6))
    )
      fail('UMM.parameters(): does not give back the parameters the UMM was built from');
    const random = async (seed: number) =>
      readParameters(await ask('mixture.random', { model: 'UMM', K: 5, seed }));
    const [a, b, c] = [await random(3), await random(3), await random(4)];
    if (a.logits.length !== 5 || a.centers.length !== 5) fail('UMM.random(5, rng): expected 5 components');
    if (JSON.stringify(a) !== JSON.stringify(b))
      fail('UMM.random: the same seed gives different parameters (draw only from rng)');
    if (JSON.stringify(a) === JSON.stringify(c))
      fail('UMM.random: seeds 3 and 4 give the same parameters (use the rng given)');
    const sizes = a.logSizes.flat().map(Math.exp);
    if (sizes.some((s) => !(s >= 1 - 1e-6 && s <= 1.2 + 1e-6)) || new Set(sizes).size < 5)
      fail(`UMM.random: sides must be 1 + 0.2·U[0, 1), got ${sizes.slice(0, 3).map(format).join(', ')}, …`);
    if (
      [...a.logits, ...a.centers.flat()].some((v) => !(Math.abs(v) < 6)) ||
      new Set(a.centers.flat()).size < 10
    )
      fail('UMM.random: logits and centers must be drawn from N(0, 1)');
  });

  gradeTest('umm.loglik', async () => {
    const { cases } = publicFixture('umm');
    await checkCases('UMM', cases, ['normal'], hint);
    await checkLoss('UMM', cases);
  });

  gradeTest('umm.edges', async () => checkCases('UMM', publicFixture('umm').cases, ['edges'], edgeHint));

  gradeTest('umm.outside', async () => {
    const { cases } = publicFixture('umm');
    await checkCases('UMM', cases, ['outside'], hint);
    // the loss's gradient must stay finite too, or one stray point stops training
    for (const c of cases.filter((fixture) => fixture.kind === 'outside')) {
      const { names, gradients } = await askRecord(
        'mixture.lossGradients',
        { model: 'UMM', parameters: c.parameters, x: c.x },
        { names: read.strings, gradients: read.returnedList },
      );
      for (const [i, gradient] of gradients.entries()) {
        if (gradient.kind !== 'tensor' || gradient.values.some((value) => !Number.isFinite(value)))
          fail(
            `UMM: the loss's gradient for ${names[i]} is not finite for points outside every box (use −1e6, not −∞)`,
          );
      }
    }
  });

  gradeTest('umm.seed', () => checkSeeding('UMM', parameters(3)));

  gradeTest('umm.weights', async () => {
    const componentOf = (x: number, y: number) => [0, 1, 2].findIndex((k) => inBox(BOXES, k, x, y));
    await checkComponentFrequencies('UMM', BOXES, BOXES.logits, componentOf, FALSE_FAILURE_PROBABILITY);
  });

  // three boxes × two axes, each inside-the-box and KS check with α / 6
  gradeTest('umm.uniform', async () => {
    const n = 5000;
    const components = [0, 1, 2];
    const draws = components.map((k) => ({ what: `UMM.conditionalSample(${n}, ${k})`, n, k, seed: 200 + k }));
    const samples = await draw('UMM', BOXES, draws);
    for (const k of components) {
      for (let d = 0; d < 2; d++) {
        const half = Math.exp(BOXES.logSizes[k][d]) / 2;
        const axis = Float64Array.from({ length: n }, (_, i) => samples[k][2 * i + d]);
        expectUniform(
          `${draws[k].what}, axis ${d}`,
          axis,
          BOXES.centers[k][d] - half,
          BOXES.centers[k][d] + half,
          FALSE_FAILURE_PROBABILITY / 6,
        );
      }
    }
  });

  gradeTest('umm.hidden', async () => {
    const { cases } = hiddenFixture('umm');
    await checkCases('UMM', cases, ['normal', 'edges', 'outside'], hint);
    await checkLoss('UMM', cases, true);
  });
});
