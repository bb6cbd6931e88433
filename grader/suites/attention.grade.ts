import * as tf from '@tensorflow/tfjs';
import type { AttentionWeights, CausalSelfAttention, CausalSelfAttentionClass } from '../../lib/contract.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import type { AttentionCase } from '../fixtures.js';
import {
  call,
  expectClose,
  expectTensor,
  fail,
  format,
  isClose,
  position3,
  take,
  release,
} from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import { submission } from '../support/submission.js';

const APPLY = 'CausalSelfAttention.apply';

async function attentionClass(): Promise<CausalSelfAttentionClass> {
  return (await submission('attention')).CausalSelfAttention;
}

function toWeights(weights: AttentionCase['weights']): AttentionWeights {
  return {
    cAttn: { kernel: tf.tensor2d(weights.cAttn.kernel), bias: tf.tensor1d(weights.cAttn.bias) },
    cProj: { kernel: tf.tensor2d(weights.cProj.kernel), bias: tf.tensor1d(weights.cProj.bias) },
  };
}

/** An attention layer of the fixture's size with the fixture's weights (nHead may be overridden). */
function build(Attention: CausalSelfAttentionClass, c: AttentionCase, nHead = c.nHead): CausalSelfAttention {
  const attention = call(
    'new CausalSelfAttention',
    () => new Attention(c.nEmbd, nHead, c.blockSize, new Rng(0)),
  );
  call('CausalSelfAttention.setWeights', () => attention.setWeights(toWeights(c.weights)));
  return attention;
}

function apply(attention: CausalSelfAttention, x: number[][][] | tf.Tensor3D): Float32Array {
  const input = x instanceof tf.Tensor ? x : tf.tensor3d(x);
  const [B, T, C] = input.shape;
  return take(
    expectTensor(
      `${APPLY} (B=${B}, T=${T})`,
      call(APPLY, () => attention.apply(input)),
      [B, T, C],
    ),
  ) as Float32Array;
}

function checkFixtures(Attention: CausalSelfAttentionClass, cases: AttentionCase[]): void {
  for (const c of cases) {
    const attention = build(Attention, c);
    try {
      const [T, C] = [c.x[0].length, c.nEmbd];
      expectClose(`${APPLY} (fixture "${c.name}")`, apply(attention, c.x), c.y.flat(2), {
        where: position3(T, C),
        hint: () =>
          T === 1
            ? 'with T = 1 only q, k, v and the projections matter'
            : 'check the split into heads, the 1/√hd scale, the mask and the softmax axis',
      });
    } finally {
      release(attention);
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

/** x with the positions chosen replaced by fresh normal values. */
function perturb(x: number[][][], positions: (t: number) => boolean, rng: Rng): number[][][] {
  return x.map((window) => window.map((row, t) => (positions(t) ? row.map(() => rng.normal()) : row)));
}

describe('attention', () => {
  gradeTest('attention.shapes', async () => {
    const Attention = await attentionClass();
    const attention = call(
      'new CausalSelfAttention(12, 3, 5, rng)',
      () => new Attention(12, 3, 5, new Rng(1)),
    );
    try {
      if (attention.nEmbd !== 12 || attention.nHead !== 3 || attention.blockSize !== 5)
        fail('CausalSelfAttention: nEmbd, nHead and blockSize must be the constructor arguments');
      const rng = new Rng(2);
      for (const B of [1, 2])
        for (const T of [1, 3, 5]) apply(attention, tf.tensor3d(rng.normals(B * T * 12), [B, T, 12]));
    } finally {
      release(attention);
    }
  });

  gradeTest('attention.fixtures', async () =>
    checkFixtures(await attentionClass(), publicFixture('attention').cases),
  );

  gradeTest('attention.causal', async () => {
    const c = fullCase();
    const attention = build(await attentionClass(), c);
    try {
      const T = c.blockSize;
      const C = c.nEmbd;
      const y = apply(attention, c.x);
      const rng = new Rng(5);
      for (let t = 0; t < T - 1; t++) {
        const changed = apply(
          attention,
          perturb(c.x, (s) => s > t, rng),
        );
        for (let i = 0; i < y.length; i++) {
          const position = Math.floor(i / C) % T;
          if (position <= t && !isClose(changed[i], y[i]))
            fail(
              `${APPLY}: changing the inputs after position ${t} changed the output at ${position3(T, C)(i)} from ${format(y[i])} to ${format(changed[i])} (mask the scores above the diagonal, before the softmax)`,
            );
        }
      }
    } finally {
      release(attention);
    }
  });

  gradeTest('attention.past', async () => {
    const c = fullCase();
    const attention = build(await attentionClass(), c);
    try {
      const [B, T, C] = [c.x.length, c.blockSize, c.nEmbd];
      const y = apply(attention, c.x);
      const rng = new Rng(6);
      for (let s = 0; s < T; s++) {
        const changed = apply(
          attention,
          perturb(c.x, (t) => t === s, rng),
        );
        for (let b = 0; b < B; b++)
          for (let t = s; t < T; t++) {
            let difference = 0;
            for (let d = 0; d < C; d++)
              difference = Math.max(
                difference,
                Math.abs(changed[(b * T + t) * C + d] - y[(b * T + t) * C + d]),
              );
            if (difference < 1e-4)
              fail(
                `${APPLY}: changing the input at position ${s} did not change the output at [${b}, ${t}] (position t attends to every s ≤ t: is the mask on the right side?)`,
              );
          }
      }
    } finally {
      release(attention);
    }
  });

  gradeTest('attention.heads', async () => {
    const c = fullCase();
    const Attention = await attentionClass();
    const [one, three] = [build(Attention, c, 1), build(Attention, c, 3)];
    try {
      const [a, b] = [apply(one, c.x), apply(three, c.x)];
      if (a.every((value, i) => Math.abs(value - b[i]) < 1e-4))
        fail(
          `${APPLY}: 1 and 3 heads give the same output (split q, k and v into nHead heads of C / nHead values each)`,
        );
    } finally {
      release(one);
      release(three);
    }
  });

  // q = a·x, k = v = x, no biases, cProj the identity: then each head's output at t = 1 is the average
  // of x_0 and x_1 (on its own hd channels) weighted by softmax(a·x_1·x_s / √hd), computable by hand.
  gradeTest('attention.scale', async () => {
    const Attention = await attentionClass();
    const [C, nHead, a] = [8, 2, 3];
    const hd = C / nHead;
    const identity = (scale: number) =>
      Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? scale : 0)));
    const kernel = identity(a).map((row, i) => [...row, ...identity(1)[i], ...identity(1)[i]]);
    const attention = call(
      'new CausalSelfAttention(8, 2, 2, rng)',
      () => new Attention(C, nHead, 2, new Rng(0)),
    );
    try {
      call('CausalSelfAttention.setWeights', () =>
        attention.setWeights({
          cAttn: { kernel: tf.tensor2d(kernel), bias: tf.zeros([3 * C]) as tf.Tensor1D },
          cProj: { kernel: tf.tensor2d(identity(1)), bias: tf.zeros([C]) as tf.Tensor1D },
        }),
      );
      const x = Array.from({ length: 2 }, () => Array.from(new Rng(9).normals(C)));
      x[1] = Array.from(new Rng(10).normals(C));
      const y = apply(attention, [x]);
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
    } finally {
      release(attention);
    }
  });

  gradeTest('attention.gpt', async () => {
    const Attention = await attentionClass();
    for (const c of publicFixture('gpt').cases) {
      const model = call(
        'new GPT(config, CausalSelfAttention, rng)',
        () => new GPT(c.config, Attention, new Rng(0)),
      );
      try {
        const weights = Object.fromEntries(
          Object.entries(c.weights).map(([name, w]) => [name, tf.tensor(w.values, w.shape)]),
        );
        call('GPT.setWeights (through CausalSelfAttention.setWeights)', () => model.setWeights(weights));
        const idx = tf.tensor2d(c.idx, [c.idx.length, c.idx[0].length], 'int32');
        const [B, T, V] = [c.idx.length, c.idx[0].length, c.config.vocabSize];
        const logits = take(
          expectTensor(
            'GPT.logits',
            call('GPT.logits', () => model.logits(idx)),
            [B, T, V],
          ),
        );
        expectClose(`GPT.logits with this attention (fixture "${c.name}")`, logits, c.logits.flat(2), {
          where: position3(T, V),
        });
      } finally {
        release(model);
      }
    }
  });

  gradeTest('attention.hidden', async () =>
    checkFixtures(await attentionClass(), hiddenFixture('attention').cases),
  );
});
