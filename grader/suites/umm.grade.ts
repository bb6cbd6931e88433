import type { UMMParameters } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { ask, askRecord, read } from '../support/calls.js';
import { fail, format } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import {
  checkCases,
  checkConditionalCells,
  checkGradients,
  checkLoss,
  checkSample,
  checkSeeding,
  checkShapes,
  drawRepeatably,
  type Locate,
} from '../support/mixture.js';
import {
  expectIndependentBins,
  expectUniform,
  FALSE_FAILURE_PROBABILITY,
  normalBin,
  uniformBin,
} from '../support/sampling.js';

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

/** The box a point of BOXES is in (−1: none), and its place along each side, binned: independent if right. */
const locate: Locate = (x, y, bins) => {
  const k = [0, 1, 2].findIndex((box) => inBox(BOXES, box, x, y));
  const place = (v: number, d: number) =>
    k < 0 ? 0 : uniformBin((v - BOXES.centers[k][d]) / Math.exp(BOXES.logSizes[k][d]) + 0.5, bins);
  return { k, bins: [place(x, 0), place(y, 1)] };
};

const SAMPLING_HINT =
  'each point is c_k + (u − ½)·s_k with u two independent U[0, 1) draws per point, s = exp(logSize)';

const GRADIENT_FIELDS: (keyof UMMParameters)[] = ['logits', 'centers', 'logSizes'];

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
    // the initialisation as a distribution: 6000 components, (logit, centre x, centre y, side x, side y)
    // binned at their terciles over 3⁵ cells, chi-square with α = 1e-6 (grader/README.md); square boxes (one draw
    // for both sides) fill only a third of them
    const K = 6000;
    const many = readParameters(await ask('mixture.random', { model: 'UMM', K, seed: 2025 }));
    if (many.logits.length !== K || many.centers.length !== K || many.logSizes.length !== K)
      fail(`UMM.random(${K}, rng): expected ${K} components`);
    const sides = many.logSizes.flat().map(Math.exp);
    const outside = sides.findIndex((side) => !(side >= 1 - 1e-6 && side <= 1.2 + 1e-6));
    if (outside >= 0)
      fail(
        `UMM.random(${K}, rng): side ${format(sides[outside])} at logSizes[${outside >> 1}][${outside & 1}] is not in [1, 1.2) (logSizes = log(1 + 0.2·U[0, 1)))`,
      );
    expectIndependentBins(
      `UMM.random(${K}, rng)`,
      many.logits.map((logit, k) => [
        ...[logit, ...many.centers[k]].map((v) => normalBin(v, 3)),
        ...many.logSizes[k].map((logSize) => uniformBin((Math.exp(logSize) - 1) / 0.2, 3)),
      ]),
      ['logit', 'centre x', 'centre y', 'side x', 'side y'],
      3,
      FALSE_FAILURE_PROBABILITY,
      'logits and centres from N(0, 1), each side log(1 + 0.2·U[0, 1)), every value its own draw',
    );
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

  // not on points outside every box, where float32 rounds log π_k − 1e6 to 1/16 (umm.outside checks those)
  gradeTest('umm.gradients', async () => {
    const { cases } = publicFixture('umm');
    await checkGradients(
      'UMM',
      cases.filter((c) => c.kind !== 'outside'),
      GRADIENT_FIELDS,
      ['centers'],
    );
  });

  gradeTest('umm.seed', () => checkSeeding('UMM', parameters(3)));

  // frequencies and the 2-D cells each get α/2 (grader/README.md)
  gradeTest('umm.weights', async () =>
    checkSample('UMM', BOXES, BOXES.logits, locate, FALSE_FAILURE_PROBABILITY, SAMPLING_HINT),
  );

  // three boxes × two axes: inside the box and KS (α/12 per axis); the 2-D cells (α/6 per box)
  gradeTest('umm.uniform', async () => {
    const n = 5000;
    const components = [0, 1, 2];
    const draws = components.map((k) => ({ what: `UMM.conditionalSample(${n}, ${k})`, n, k, seed: 200 + k }));
    const samples = await drawRepeatably('UMM', BOXES, draws);
    for (const k of components) {
      for (let d = 0; d < 2; d++) {
        const half = Math.exp(BOXES.logSizes[k][d]) / 2;
        const axis = Float64Array.from({ length: n }, (_, i) => samples[k][2 * i + d]);
        expectUniform(
          `${draws[k].what}, axis ${d}`,
          axis,
          BOXES.centers[k][d] - half,
          BOXES.centers[k][d] + half,
          FALSE_FAILURE_PROBABILITY / 12,
        );
      }
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

  gradeTest('umm.hidden', async () => {
    const { cases } = hiddenFixture('umm');
    await checkCases('UMM', cases, ['normal', 'edges', 'outside'], hint);
    await checkLoss('UMM', cases, true);
    await checkGradients(
      'UMM',
      cases.filter((c) => c.kind !== 'outside'),
      GRADIENT_FIELDS,
      ['centers'],
    );
  });
});
