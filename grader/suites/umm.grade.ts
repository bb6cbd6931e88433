import * as tf from '@tensorflow/tfjs';
import type { UMMParameters } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { call, fail, format, release } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import {
  checkCases,
  checkComponentFrequencies,
  checkLoss,
  checkSeeding,
  checkShapes,
  type Make,
} from '../support/mixture.js';
import { expectUniform, FALSE_FAILURE_PROBABILITY } from '../support/sampling.js';
import { submission } from '../support/submission.js';

async function makeUMM(): Promise<Make<UMMParameters>> {
  const { UMM } = await submission('umm');
  return (parameters) => new UMM(parameters);
}

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
  gradeTest('umm.shapes', async () => checkShapes('UMM', await makeUMM(), parameters));

  gradeTest('umm.parameters', async () => {
    const { UMM } = await submission('umm');
    const given = parameters(4);
    const model = call('new UMM(parameters)', () => new UMM(given));
    const back = call('UMM.parameters', () => model.parameters());
    release(model);
    const flat = (p: UMMParameters) => [...p.logits, ...p.centers.flat(), ...p.logSizes.flat()];
    if (flat(back).some((value, i) => Math.abs(value - flat(given)[i]) > 1e-6))
      fail('UMM.parameters(): does not give back the parameters the UMM was built from');
    const draw = (seed: number) => {
      const random = call('UMM.random', () => UMM.random(5, new Rng(seed)));
      const p = call('UMM.parameters', () => random.parameters());
      release(random);
      return p;
    };
    const [a, b, c] = [draw(3), draw(3), draw(4)];
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
    const make = await makeUMM();
    const { cases } = publicFixture('umm');
    checkCases('UMM', make, cases, ['normal'], hint);
    checkLoss('UMM', make, cases);
  });

  gradeTest('umm.edges', async () =>
    checkCases('UMM', await makeUMM(), publicFixture('umm').cases, ['edges'], edgeHint),
  );

  gradeTest('umm.outside', async () => {
    const make = await makeUMM();
    const { cases } = publicFixture('umm');
    checkCases('UMM', make, cases, ['outside'], hint);
    // the loss's gradient must stay finite too, or one stray point stops training
    for (const c of cases.filter((fixture) => fixture.kind === 'outside')) {
      const model = call('new UMM(parameters)', () => make(c.parameters));
      try {
        const x = tf.tensor2d(c.x, [c.x.length, 2]);
        const { grads } = call('UMM.loss gradient', () =>
          tf.variableGrads(() => model.loss(model.logLikelihood(x)), model.variables()),
        );
        for (const [name, gradient] of Object.entries(grads)) {
          if (gradient.dataSync().some((value) => !Number.isFinite(value)))
            fail(
              `UMM: the loss's gradient for ${name} is not finite for points outside every box (use −1e6, not −∞)`,
            );
        }
      } finally {
        release(model);
      }
    }
  });

  gradeTest('umm.seed', async () => {
    const make = await makeUMM();
    const model = call('new UMM(parameters)', () => make(parameters(3)));
    try {
      checkSeeding('UMM', model);
    } finally {
      release(model);
    }
  });

  gradeTest('umm.weights', async () => {
    const make = await makeUMM();
    const model = call('new UMM(parameters)', () => make(BOXES));
    try {
      const componentOf = (x: number, y: number) => [0, 1, 2].findIndex((k) => inBox(BOXES, k, x, y));
      checkComponentFrequencies('UMM', model, BOXES.logits, componentOf, FALSE_FAILURE_PROBABILITY);
    } finally {
      release(model);
    }
  });

  // three boxes × two axes, each inside-the-box and KS check with α / 6
  gradeTest('umm.uniform', async () => {
    const make = await makeUMM();
    const model = call('new UMM(parameters)', () => make(BOXES));
    try {
      const n = 5000;
      for (let k = 0; k < 3; k++) {
        const what = `UMM.conditionalSample(${n}, ${k})`;
        const points = call(what, () => model.conditionalSample(n, k, new Rng(200 + k)));
        if (!(points instanceof tf.Tensor) || points.shape.join() !== `${n},2`)
          fail(`${what}: expected a tensor [${n}, 2]`);
        const values = points.dataSync();
        for (let d = 0; d < 2; d++) {
          const half = Math.exp(BOXES.logSizes[k][d]) / 2;
          const axis = Float64Array.from({ length: n }, (_, i) => values[2 * i + d]);
          expectUniform(
            `${what}, axis ${d}`,
            axis,
            BOXES.centers[k][d] - half,
            BOXES.centers[k][d] + half,
            FALSE_FAILURE_PROBABILITY / 6,
          );
        }
      }
    } finally {
      release(model);
    }
  });

  gradeTest('umm.hidden', async () => {
    const make = await makeUMM();
    const { cases } = hiddenFixture('umm');
    checkCases('UMM', make, cases, ['normal', 'edges', 'outside'], hint);
    checkLoss('UMM', make, cases);
  });
});
