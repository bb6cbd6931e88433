import { Rng } from '../../lib/random.js';
import type { AttentionCase } from '../fixtures.js';
import { askRecord, askReturned, read } from '../support/calls.js';
import {
  caseLabel,
  expectClose,
  expectTensor,
  fail,
  format,
  isClose,
  position3,
  rowColumn,
} from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';

const APPLY = 'CausalSelfAttention.apply';

interface Layer {
  nEmbd: number;
  nHead: number;
  blockSize: number;
  /** The constructor call as failures name it. */
  label: string;
  seed: number;
  weights?: AttentionCase['weights'];
}

/** An attention layer of the fixture's size with the fixture's weights (nHead may be overridden). */
function fixtureLayer(c: AttentionCase, nHead = c.nHead): Layer {
  return {
    nEmbd: c.nEmbd,
    nHead,
    blockSize: c.blockSize,
    label: 'new CausalSelfAttention',
    seed: 0,
    weights: c.weights,
  };
}

/** The layer applied to each input in turn (one layer, built once): each output checked as [B, T, C]. */
async function apply(
  layer: Layer,
  inputs: number[][][][],
): Promise<{ properties: string[]; outputs: Float32Array[] }> {
  const { properties, outputs } = await askRecord(
    'attention.apply',
    { ...layer, inputs },
    { properties: read.strings, outputs: read.returnedList },
  );
  if (outputs.length !== inputs.length)
    fail(`${APPLY}: expected ${inputs.length} outputs, got ${outputs.length}`);
  return {
    properties,
    outputs: outputs.map((output, i) => {
      const [B, T, C] = [inputs[i].length, inputs[i][0].length, inputs[i][0][0].length];
      return expectTensor(`${APPLY} (B=${B}, T=${T})`, output, [B, T, C]) as Float32Array;
    }),
  };
}

async function checkFixtures(cases: AttentionCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const [T, C] = [c.x[0].length, c.nEmbd];
    const { outputs } = await apply(fixtureLayer(c), [c.x]);
    expectClose(`${APPLY} (${caseLabel(c.name, index)})`, outputs[0], c.y.flat(2), {
      where: position3(T, C),
      hint: () =>
        T === 1
          ? 'with T = 1 only q, k, v and the projections matter'
          : 'check the split into heads, the 1/√hd scale, the mask and the softmax axis',
    });
  }
}

const VARIABLES = [
  ['cAttn.kernel', (c: AttentionCase) => [c.nEmbd, 3 * c.nEmbd]],
  ['cAttn.bias', (c: AttentionCase) => [3 * c.nEmbd]],
  ['cProj.kernel', (c: AttentionCase) => [c.nEmbd, c.nEmbd]],
  ['cProj.bias', (c: AttentionCase) => [c.nEmbd]],
] as const;

/**
 * Gradients of Σ apply(x) · P (P a fixed random projection) with respect to x and to each variable
 * (told apart by shape, which differ for every C > 1), against the reference's (fixtures) and thereby
 * the float64 oracle's (staff/fixtures/fixtures.test.ts).
 */
async function checkGradients(cases: AttentionCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    if (!c.projection || !c.gradients) continue;
    const [B, T, C] = [c.x.length, c.x[0].length, c.nEmbd];
    const label = caseLabel(c.name, index);
    const hint = () =>
      'the values are right but not their gradient: compute the mask, softmax and products with tf ops on the tape, never on values read back';
    const result = await askRecord(
      'attention.gradients',
      {
        nEmbd: C,
        nHead: c.nHead,
        blockSize: c.blockSize,
        weights: c.weights,
        x: c.x,
        projection: c.projection,
      },
      { x: read.returned, variables: read.returnedList },
    );
    expectClose(
      `gradient of ${APPLY} with respect to x (${label})`,
      expectTensor(`gradient of ${APPLY} with respect to x`, result.x, [B, T, C]),
      c.gradients.x.flat(2),
      { where: position3(T, C), hint },
    );
    const expected = [
      c.gradients.cAttn.kernel.flat(),
      c.gradients.cAttn.bias,
      c.gradients.cProj.kernel.flat(),
      c.gradients.cProj.bias,
    ];
    for (const [v, [name, shapeOf]] of VARIABLES.entries()) {
      const shape = shapeOf(c);
      const found = result.variables.find((g) => g.kind === 'tensor' && g.shape.join() === shape.join());
      if (!found)
        fail(
          `CausalSelfAttention.variables() (${label}): no trainable variable of shape [${shape}] (${name}) gets a gradient (list cAttn and cProj, kernel and bias, and keep them on the tape)`,
        );
      expectClose(
        `gradient with respect to ${name} (${label})`,
        expectTensor(`gradient with respect to ${name}`, found, shape),
        expected[v],
        { where: shape.length === 2 ? rowColumn(shape[1]) : (i) => `index ${i}`, hint },
      );
    }
  }
}

/** The fixture case with T = blockSize and 3 heads: the one the property tests start from. */
function fullCase(): AttentionCase {
  const c = publicFixture('attention').cases.find(
    (fixture) => fixture.nHead === 3 && fixture.x[0].length === fixture.blockSize,
  );
  if (!c) throw new Error('fixtures/attention.json has no 3-head case with T = blockSize');
  return c;
}

/**
 * The cases the causal and look-back tests start from: T = blockSize with 3 heads, and the same window
 * cut to B = 1 and T = blockSize − 2, where a mask built for blockSize or a squeezed batch axis shows.
 */
function propertyCases(): AttentionCase[] {
  const c = fullCase();
  return [c, { ...c, x: [c.x[0].slice(0, c.blockSize - 2)] }];
}

/** x with the positions chosen replaced by fresh normal values. */
function perturb(x: number[][][], positions: (t: number) => boolean, rng: Rng): number[][][] {
  return x.map((window) => window.map((row, t) => (positions(t) ? row.map(() => rng.normal()) : row)));
}

describe('attention', () => {
  gradeTest('attention.shapes', async () => {
    const rng = new Rng(2);
    const inputs: number[][][][] = [];
    for (const B of [1, 2])
      for (const T of [1, 3, 5]) {
        const values = rng.normals(B * T * 12);
        inputs.push(
          Array.from({ length: B }, (_, b) =>
            Array.from({ length: T }, (_, t) =>
              Array.from(values.subarray((b * T + t) * 12, (b * T + t + 1) * 12)),
            ),
          ),
        );
      }
    const layer = {
      nEmbd: 12,
      nHead: 3,
      blockSize: 5,
      label: 'new CausalSelfAttention(12, 3, 5, rng)',
      seed: 1,
    };
    const { properties } = await apply(layer, inputs);
    if (properties.join() !== '12,3,5')
      fail('CausalSelfAttention: nEmbd, nHead and blockSize must be the constructor arguments');
  });

  gradeTest('attention.fixtures', () => checkFixtures(publicFixture('attention').cases));

  gradeTest('attention.causal', async () => {
    for (const c of propertyCases()) {
      const [B, T, C] = [c.x.length, c.x[0].length, c.nEmbd];
      const rng = new Rng(5);
      const changedInputs = Array.from({ length: T - 1 }, (_, t) => perturb(c.x, (s) => s > t, rng));
      const [y, ...changed] = (await apply(fixtureLayer(c), [c.x, ...changedInputs])).outputs;
      for (let t = 0; t < T - 1; t++) {
        for (let i = 0; i < y.length; i++) {
          const position = Math.floor(i / C) % T;
          if (position <= t && !isClose(changed[t][i], y[i]))
            fail(
              `${APPLY} (B=${B}, T=${T}): changing the inputs after position ${t} changed the output at ${position3(T, C)(i)} from ${format(y[i])} to ${format(changed[t][i])} (mask the scores above the diagonal, before the softmax)`,
            );
        }
      }
    }
  });

  gradeTest('attention.past', async () => {
    for (const c of propertyCases()) {
      const [B, T, C] = [c.x.length, c.x[0].length, c.nEmbd];
      const rng = new Rng(6);
      const changedInputs = Array.from({ length: T }, (_, s) => perturb(c.x, (t) => t === s, rng));
      const [y, ...changed] = (await apply(fixtureLayer(c), [c.x, ...changedInputs])).outputs;
      for (let s = 0; s < T; s++) {
        for (let b = 0; b < B; b++)
          for (let t = s; t < T; t++) {
            let difference = 0;
            for (let d = 0; d < C; d++)
              difference = Math.max(
                difference,
                Math.abs(changed[s][(b * T + t) * C + d] - y[(b * T + t) * C + d]),
              );
            if (difference < 1e-4)
              fail(
                `${APPLY} (B=${B}, T=${T}): changing the input at position ${s} did not change the output at [${b}, ${t}] (position t attends to every s ≤ t: is the mask on the right side?)`,
              );
          }
      }
    }
  });

  gradeTest('attention.heads', async () => {
    const c = fullCase();
    const [a] = (await apply(fixtureLayer(c, 1), [c.x])).outputs;
    const [b] = (await apply(fixtureLayer(c, 3), [c.x])).outputs;
    if (a.every((value, i) => Math.abs(value - b[i]) < 1e-4))
      fail(
        `${APPLY}: 1 and 3 heads give the same output (split q, k and v into nHead heads of C / nHead values each)`,
      );
  });

  // q = a·x, k = v = x, no biases, cProj the identity: then each head's output at t = 1 is the average
  // of x_0 and x_1 (on its own hd channels) weighted by softmax(a·x_1·x_s / √hd), computable by hand.
  gradeTest('attention.scale', async () => {
    const [C, nHead, a] = [8, 2, 3];
    const hd = C / nHead;
    const identity = (scale: number) =>
      Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? scale : 0)));
    const kernel = identity(a).map((row, i) => [...row, ...identity(1)[i], ...identity(1)[i]]);
    const weights = {
      cAttn: { kernel, bias: new Array<number>(3 * C).fill(0) },
      cProj: { kernel: identity(1), bias: new Array<number>(C).fill(0) },
    };
    const x = Array.from({ length: 2 }, () => Array.from(new Rng(9).normals(C)));
    x[1] = Array.from(new Rng(10).normals(C));
    const layer = {
      nEmbd: C,
      nHead,
      blockSize: 2,
      label: 'new CausalSelfAttention(8, 2, 2, rng)',
      seed: 0,
      weights,
    };
    const [y] = (await apply(layer, [[x]])).outputs;
    const expected = (scale: number) => [
      ...x[0],
      ...Array.from({ length: C }, (_, d) => {
        const h = Math.floor(d / hd);
        const dot = (s: number) =>
          x[1].slice(h * hd, (h + 1) * hd).reduce((sum, v, i) => sum + a * v * x[s][h * hd + i], 0) * scale;
        const [s0, s1] = [dot(0), dot(1)];
        const m = Math.max(s0, s1);
        const [w0, w1] = [Math.exp(s0 - m), Math.exp(s1 - m)];
        return (w0 * x[0][d] + w1 * x[1][d]) / (w0 + w1);
      }),
    ];
    const matches = (scale: number) => expected(scale).every((value, i) => isClose(y[i], value));
    if (matches(1 / Math.sqrt(hd))) return;
    const hint = matches(1)
      ? 'the scores are not scaled: divide q·kᵀ by √hd'
      : matches(1 / Math.sqrt(C))
        ? 'scaled by 1/√C: the scale is 1/√hd with hd = C / nHead'
        : matches(1 / hd)
          ? 'scaled by 1/hd: the scale is 1/√hd'
          : 'with q = 3x and k = v = x the output is not softmax(q·kᵀ/√hd)·v';
    fail(`${APPLY}: ${hint}`);
  });

  gradeTest('attention.gpt', async () => {
    for (const [index, c] of publicFixture('gpt').cases.entries()) {
      const [B, T, V] = [c.idx.length, c.idx[0].length, c.config.vocabSize];
      const result = await askReturned('attention.gpt', { config: c.config, weights: c.weights, idx: c.idx });
      expectClose(
        `GPT.logits with this attention (${caseLabel(c.name, index)})`,
        expectTensor('GPT.logits', result, [B, T, V]),
        c.logits.flat(2),
        { where: position3(T, V) },
      );
    }
  });

  // the tape must reach q, k and v: a mask or softmax computed on read-back values passes every value
  // test above, yet the GPT cannot learn its attention
  gradeTest('attention.gradients', () => checkGradients(publicFixture('attention').cases));

  gradeTest('attention.hidden', async () => {
    const { cases } = hiddenFixture('attention');
    await checkFixtures(cases);
    await checkGradients(cases);
  });
});
