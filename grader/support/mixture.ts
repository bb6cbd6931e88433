/** Checks shared by the GMM and UMM suites: fixtures, shapes, seeding, component frequencies, training. */
import { Rng } from '../../lib/random.js';
import type { MixtureCase, PointKind } from '../fixtures.js';
import { askRecord, askReturned, askReturnedList, read } from './calls.js';
import { caseLabel, expectClose, expectTensor, fail, format } from './check.js';
import { cellOf, expectCells, expectFrequencies, expectIndependentBins } from './sampling.js';

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

/**
 * `draw`, plus two short draws of the first one's kind with one seed, which must agree. A sampling
 * test's verdict rests on its fixed seeds (the same submission always gets the same score), so a sampler
 * that ignores the rng given fails the statistical tests too, not only `*.seed`.
 */
export async function drawRepeatably<P>(model: Model, parameters: P, draws: Draw[]): Promise<Float32Array[]> {
  const { k, seed } = draws[0];
  const what = `${model}.${k === undefined ? 'sample(50)' : `conditionalSample(50, ${k})`}`;
  const repeat: Draw = { what, n: 50, k, seed: seed + 1000 };
  const results = await draw(model, parameters, [...draws, repeat, repeat]);
  const [first, again] = results.slice(draws.length);
  const i = first.findIndex((value, j) => value !== again[j]);
  if (i >= 0)
    fail(
      `${what}: two draws with the same seed differ at row ${i >> 1} (draw only from the rng given: ` +
        'these statistics are taken at fixed seeds)',
    );
  return results.slice(0, draws.length);
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
 * Where a point of a test's model lies: the component that made it (the test's components do not overlap,
 * so that is certain; −1 for none) and, given the component, the bin of each coordinate among `bins`
 * equally likely bins of that axis's distribution (normalBin, uniformBin).
 */
export type Locate = (x: number, y: number, bins: number) => { k: number; bins: [number, number] };

/** Bins per axis of the 2-D cells: 4 × 4 per component for sample, 5 × 5 for conditionalSample. */
const SAMPLE_BINS = 4;
const CONDITIONAL_BINS = 5;

function axisCellLabel(bins: number, prefix = ''): (cell: number) => string {
  return (cell) => {
    const [i, j] = [Math.floor(cell / bins) % bins, cell % bins];
    const range = (b: number) => `[${format(b / bins)}, ${format((b + 1) / bins)})`;
    return `${prefix}the cell with axis 0 in quantiles ${range(i)} and axis 1 in ${range(j)}`;
  };
}

/**
 * sample(n) of a model whose components do not overlap: component frequencies against softmax(logits)
 * (chi-square, α/2), and the joint distribution of (component, axis-0 bin, axis-1 bin) over K · 4 · 4
 * cells (chi-square, α/2), which also fails right marginals drawn from one random number.
 */
export async function checkSample<P>(
  model: Model,
  parameters: P,
  logits: number[],
  locate: Locate,
  alpha: number,
  hint: string,
): Promise<void> {
  const n = 20_000;
  const what = `${model}.sample(${n})`;
  const [points] = await drawRepeatably(model, parameters, [{ what, n, seed: 2024 }]);
  const counts = new Array<number>(logits.length).fill(0);
  const cells = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const { k, bins } = locate(points[2 * i], points[2 * i + 1], SAMPLE_BINS);
    if (k < 0)
      fail(
        `${what}: point ${i} (${format(points[2 * i])}, ${format(points[2 * i + 1])}) belongs to no component`,
      );
    counts[k]++;
    cells[i] = k * SAMPLE_BINS ** 2 + cellOf(bins, SAMPLE_BINS);
  }
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const probabilities = weights.map((w) => w / total);
  expectFrequencies(
    `${what} component frequencies`,
    counts,
    probabilities,
    alpha / 2,
    'pick each component with probability softmax(logits)',
  );
  const cellsPerComponent = SAMPLE_BINS ** 2;
  expectCells(
    `${what}`,
    cells,
    probabilities.flatMap((p) => new Array<number>(cellsPerComponent).fill(p / cellsPerComponent)),
    alpha / 2,
    (cell) =>
      axisCellLabel(SAMPLE_BINS, `component ${Math.floor(cell / cellsPerComponent)}'s points: `)(cell),
    hint,
  );
}

/**
 * conditionalSample's points of one component, located as in checkSample: every point in component k, and
 * the two axes independent with the right marginals over 5 × 5 cells (chi-square, α).
 */
export function checkConditionalCells(
  what: string,
  points: Float32Array,
  k: number,
  locate: Locate,
  alpha: number,
  hint: string,
): void {
  const n = points.length / 2;
  const rows: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const located = locate(points[2 * i], points[2 * i + 1], CONDITIONAL_BINS);
    if (located.k !== k)
      fail(
        `${what}: point ${i} (${format(points[2 * i])}, ${format(points[2 * i + 1])}) is not from component ${k}`,
      );
    rows.push(located.bins);
  }
  expectIndependentBins(what, rows, ['axis 0', 'axis 1'], CONDITIONAL_BINS, alpha, hint);
}

/**
 * The loss's gradient for every parameter of every case against the fixture. `optional`: fields whose
 * gradient is zero, which a submission may also leave unconnected (UMM centres: the box is a step).
 */
export async function checkGradients<P>(
  model: Model,
  cases: MixtureCase<P>[],
  fields: (keyof P & string)[],
  optional: string[] = [],
): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const what = `${model} loss gradient (${caseLabel(c.name, index)})`;
    const received = await askRecord(
      'mixture.gradients',
      { model, parameters: c.parameters, x: c.x },
      Object.fromEntries(fields.map((field) => [field, read.returned])),
    );
    for (const field of fields) {
      const expected = (c.gradients[field] as number[] | number[][]).flat();
      const gradient = received[field];
      const cut = `no gradient reaches ${field}: compute log p(x) from the variables with tensor ops only (no dataSync/arraySync, no new tensors from their values)`;
      let values: ArrayLike<number>;
      if (gradient.kind === 'other' && optional.includes(field)) values = new Float32Array(expected.length);
      else if (gradient.kind === 'other') fail(`${what}: ${cut}`);
      else {
        const shape = field === 'logits' ? [expected.length] : [expected.length / 2, 2];
        values = expectTensor(`${what}, d loss / d ${field}`, gradient, shape);
      }
      expectClose(`${what}, d loss / d ${field}`, values, expected, {
        where: field === 'logits' ? (i) => `[${i}]` : (i) => `[${i >> 1}][${i & 1}]`,
        hint: (actual, wanted) =>
          !Number.isFinite(actual)
            ? 'use tf.logSoftmax and a stable logsumexp: log(softmax(...)) and log(sum(exp(...))) give -Infinity and NaN gradients'
            : actual === 0 && wanted !== 0
              ? cut
              : `check how log p(x) depends on ${field}, and that loss is −mean(logLikelihood)`,
      });
    }
  }
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
