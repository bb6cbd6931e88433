/** Checks shared by the GMM and UMM suites: fixtures, shapes, seeding, component frequencies, training. */
import { Rng } from '../../lib/random.js';
import type { MixtureCase, PointKind } from '../fixtures.js';
import { askRecord, askReturned, askReturnedList, read } from './calls.js';
import { caseLabel, expectClose, expectTensor, fail, format } from './check.js';
import { expectFrequencies } from './sampling.js';

export type Model = 'GMM' | 'UMM';
type Hint = (actual: number, expected: number) => string | undefined;

/** logLikelihood of every case of the given kinds against the fixture. */
export async function checkCases<P>(
  model: Model,
  cases: MixtureCase<P>[],
  kinds: PointKind[],
  hint: Hint,
): Promise<void> {
  const chosen = cases.map((c, index) => ({ c, index })).filter(({ c }) => kinds.includes(c.kind));
  if (chosen.length === 0) throw new Error(`no fixture cases of kind ${kinds.join('/')}`);
  for (const { c, index } of chosen) {
    const what = `${model}.logLikelihood (${caseLabel(c.name, index)})`;
    const result = await askReturned('mixture.logLikelihood', { model, parameters: c.parameters, x: c.x });
    expectClose(what, expectTensor(what, result, [c.x.length]), c.logLikelihood, {
      where: (i) => `row ${i}`,
      hint,
    });
  }
}

/**
 * loss(logLikelihood) = −mean, for every case. The candidate is never sent a hidden expected value:
 * hidden cases get a log-likelihood vector drawn here, and the judge computes its −mean.
 */
export async function checkLoss<P>(model: Model, cases: MixtureCase<P>[], hidden = false): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const input = hidden
      ? Array.from(new Rng(index).normals(c.logLikelihood.length), (v) => v - 3)
      : c.logLikelihood;
    const expected = hidden ? -input.reduce((a, b) => a + b, 0) / input.length : c.loss;
    const what = `${model}.loss (${caseLabel(c.name, index)})`;
    const loss = await askReturned('mixture.loss', { model, parameters: c.parameters, logLikelihood: input });
    const [value] = expectTensor(what, loss, []);
    const n = input.length;
    expectClose(what, [value], [expected], {
      where: () => 'the scalar',
      hint: (actual, wanted) =>
        Math.abs(actual + wanted) < 1e-3 * Math.abs(wanted)
          ? 'minus the mean: a loss to minimise'
          : Math.abs(actual - n * wanted) < 1e-3 * Math.abs(n * wanted)
            ? 'the mean, not the sum'
            : undefined,
    });
  }
}

/** Output shapes and dtypes, K, and the variables, for several K. */
export async function checkShapes<P>(model: Model, parameters: (K: number) => P): Promise<void> {
  for (const K of [1, 3, 33]) {
    const result = await askRecord(
      'mixture.shapes',
      { model, parameters: parameters(K), K },
      {
        K: read.string,
        logLikelihood: read.returned,
        loss: read.returned,
        sample: read.returned,
        conditionalSample: read.returned,
        variables: read.strings,
      },
    );
    if (result.K !== String(K)) fail(`${model}.K is ${result.K}, expected ${K}`);
    expectTensor(`${model}.logLikelihood (K=${K}, 7 points)`, result.logLikelihood, [7]);
    expectTensor(`${model}.loss (K=${K})`, result.loss, []);
    expectTensor(`${model}.sample(5) (K=${K})`, result.sample, [5, 2]);
    expectTensor(`${model}.conditionalSample(4, ${K - 1}) (K=${K})`, result.conditionalSample, [4, 2]);
    const shapes = [...result.variables].sort();
    const expected = [`[${K}]`, `[${K},2]`, `[${K},2]`].sort();
    if (shapes.join() !== expected.join())
      fail(`${model}.variables() (K=${K}): shapes ${shapes.join(' ')}, expected ${expected.join(' ')}`);
  }
}

export interface Draw {
  what: string;
  n: number;
  /** conditionalSample's component; sample when absent. */
  k?: number;
  seed: number;
}

/** Draws from one model built from `parameters`, in order, each checked to be a tensor [n, 2]. */
export async function draw<P>(model: Model, parameters: P, draws: Draw[]): Promise<Float32Array[]> {
  const results = await askReturnedList('mixture.draws', { model, parameters, draws });
  if (results.length !== draws.length)
    fail(`${model}: expected ${draws.length} draws, got ${results.length}`);
  return results.map((result, i) => expectTensor(draws[i].what, result, [draws[i].n, 2]) as Float32Array);
}

/** Same seed same samples, different seeds different samples, for sample and conditionalSample. */
export async function checkSeeding<P>(model: Model, parameters: P): Promise<void> {
  for (const [name, k] of [
    ['sample(50)', undefined],
    ['conditionalSample(50, 1)', 1],
  ] as const) {
    const what = `${model}.${name}`;
    const [first, again, other] = await draw(
      model,
      parameters,
      [11, 11, 12].map((seed) => ({ what, n: 50, k, seed })),
    );
    const i = first.findIndex((value, j) => value !== again[j]);
    if (i >= 0)
      fail(`${what}: two draws with the same seed differ at row ${i >> 1} (draw only from the rng given)`);
    if (first.every((value, j) => value === other[j]))
      fail(`${what}: seeds 11 and 12 give the same samples (use the rng given)`);
  }
}

/**
 * Component frequencies of sample(n): `componentOf` tells which component made a point (the test's
 * components do not overlap, so that is certain).
 */
export async function checkComponentFrequencies<P>(
  model: Model,
  parameters: P,
  logits: number[],
  componentOf: (x: number, y: number) => number,
  alpha: number,
): Promise<void> {
  const n = 20_000;
  const what = `${model}.sample(${n})`;
  const [points] = await draw(model, parameters, [{ what, n, seed: 2024 }]);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) {
    const k = componentOf(points[2 * i], points[2 * i + 1]);
    if (k < 0)
      fail(
        `${what}: point ${i} (${format(points[2 * i])}, ${format(points[2 * i + 1])}) belongs to no component`,
      );
    counts[k]++;
  }
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - max));
  const total = weights.reduce((a, b) => a + b, 0);
  expectFrequencies(
    `${what} component frequencies`,
    counts,
    weights.map((w) => w / total),
    alpha,
    'pick each component with probability softmax(logits)',
  );
}

/** A few Adam steps on −mean log p(x) of a fixed data set must raise the mean log-likelihood. */
export async function checkTraining<P>(
  model: Model,
  parameters: P,
  data: number[][],
  minimumGain: number,
): Promise<void> {
  const { before, after } = await askRecord(
    'mixture.train',
    { model, parameters, data, steps: 30, learningRate: 0.05 },
    { before: read.returned, after: read.returned },
  );
  const mean = (result: typeof before) => {
    const values = expectTensor(`${model}.logLikelihood`, result, [data.length]);
    return Array.from(values).reduce((a, b) => a + b, 0) / values.length;
  };
  const [start, end] = [mean(before), mean(after)];
  if (!Number.isFinite(end) || end < start + minimumGain)
    fail(
      `${model} training: mean log-likelihood went from ${format(start)} to ${format(end)} in 30 Adam steps, expected a gain of at least ${minimumGain} (is the loss −mean log p(x), differentiable in every variable?)`,
    );
}
