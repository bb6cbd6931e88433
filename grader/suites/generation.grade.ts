import * as tf from '@tensorflow/tfjs';
import type { GenerationModule, GPT, GPTConfig } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import type { TopKCase } from '../fixtures.js';
import { call, expectClose, expectTensor, fail, rowColumn, take } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import { expectFrequencies, FALSE_FAILURE_PROBABILITY } from '../support/sampling.js';
import { submission } from '../support/submission.js';

function checkTopK(generation: GenerationModule, cases: TopKCase[]): void {
  for (const c of cases) {
    const [B, V] = [c.logits.length, c.logits[0].length];
    const what = `topKProbabilities(k=${c.k}) (fixture "${c.name}")`;
    const result = call('topKProbabilities', () => generation.topKProbabilities(tf.tensor2d(c.logits), c.k));
    const probabilities = take(expectTensor(what, result, [B, V]));
    expectClose(what, probabilities, c.probabilities.flat(), {
      where: rowColumn(V),
      hint: (_actual, _expected, i) => {
        const row = Array.from(probabilities.slice(i - (i % V), i - (i % V) + V));
        const kept = row.filter((p) => p > 0).length;
        const sum = row.reduce((a, b) => a + b, 0);
        if (kept > Math.min(c.k, V))
          return `keeps ${kept} tokens, expected the ${Math.min(c.k, V)} most likely`;
        if (Math.abs(sum - 1) > 1e-4)
          return `the row sums to ${sum.toPrecision(4)}: renormalise the kept probabilities`;
        return 'softmax over the k largest logits of the row, 0 elsewhere';
      },
    });
  }
}

/** Probabilities softmax(logits) of one row, in float64. */
function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** n draws from one row of logits, as one call on a batch of n copies of the row. */
function draws(
  generation: GenerationModule,
  row: number[],
  n: number,
  seed: number,
  topK?: number,
): Int32Array {
  const logits = tf.tensor2d(row, [1, row.length]).tile([n, 1]) as tf.Tensor2D;
  const tokens = call('sampleNextTokens', () => generation.sampleNextTokens(logits, new Rng(seed), topK));
  if (!(tokens instanceof Int32Array) || tokens.length !== n)
    fail(
      `sampleNextTokens: expected an Int32Array of ${n} tokens, one per row, got ${tokens?.constructor?.name} of length ${(tokens as Int32Array)?.length}`,
    );
  return tokens;
}

function counts(tokens: Int32Array, V: number): number[] {
  const result = new Array<number>(V).fill(0);
  for (const token of tokens) {
    if (!(token >= 0 && token < V)) fail(`sampleNextTokens: token ${token} is not in 0..${V - 1}`);
    result[token]++;
  }
  return result;
}

const ROW = [1.2, -0.3, 0.4, 2.1, -1.5, 0.9, 0, 1.6];

/**
 * A stand-in GPT whose logits say which token comes next: at the last position all weight on
 * (sum of the context) mod V, at the other positions on token 0. It records every context it sees.
 */
class CountingGPT implements GPT {
  readonly contexts: number[][] = [];
  constructor(readonly config: GPTConfig) {}
  logits(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    const { vocabSize: V, blockSize } = this.config;
    if (B !== 1 || T < 1 || T > blockSize || idx.dtype !== 'int32')
      fail(
        `generate: called model.logits with ${idx.dtype} [${idx.shape}], expected int32 [1, T] with 1 ≤ T ≤ blockSize = ${blockSize}`,
      );
    const context = Array.from(idx.dataSync());
    this.contexts.push(context);
    const next = context.reduce((a, b) => a + b, 0) % V;
    const logits = new Float32Array(T * V).fill(-50);
    for (let t = 0; t < T; t++) logits[t * V + (t === T - 1 ? next : 0)] = 50;
    return tf.tensor3d(logits, [1, T, V]);
  }
  weightNames = () => [];
  getWeights = () => ({});
  setWeights = () => {};
  variables = () => [];
  dispose = () => {};
}

describe('generation', () => {
  gradeTest('generation.topk', async () =>
    checkTopK(await submission('generation'), publicFixture('topk').cases),
  );

  gradeTest('generation.seed', async () => {
    const generation = await submission('generation');
    const logits = tf.tensor2d(Array.from({ length: 64 }, () => ROW));
    const sample = (seed: number, topK?: number) =>
      Array.from(call('sampleNextTokens', () => generation.sampleNextTokens(logits, new Rng(seed), topK)));
    for (const topK of [undefined, 3]) {
      const label = topK === undefined ? 'sampleNextTokens' : `sampleNextTokens with topK = ${topK}`;
      if (sample(21, topK).join() !== sample(21, topK).join())
        fail(`${label}: the same seed gives different tokens (draw only from the rng given)`);
      if (sample(21, topK).join() === sample(22, topK).join())
        fail(`${label}: seeds 21 and 22 give the same 64 tokens (use the rng given)`);
    }
  });

  gradeTest('generation.frequencies', async () => {
    const generation = await submission('generation');
    const tokens = draws(generation, ROW, 100_000, 31);
    expectFrequencies(
      'sampleNextTokens token frequencies',
      counts(tokens, ROW.length),
      softmax(ROW),
      FALSE_FAILURE_PROBABILITY,
      'draw each token with probability softmax(logits)',
    );
  });

  // the three most likely tokens of ROW are 3, 7 and 0
  gradeTest('generation.topk-sampling', async () => {
    const generation = await submission('generation');
    const k = 3;
    const top = [3, 7, 0];
    const tokens = draws(generation, ROW, 100_000, 41, k);
    const all = counts(tokens, ROW.length);
    const outside = all.findIndex((count, token) => count > 0 && !top.includes(token));
    if (outside >= 0)
      fail(
        `sampleNextTokens with topK = ${k}: drew token ${outside} ${all[outside]} times, but only tokens ${top.join(', ')} are among the ${k} most likely`,
      );
    expectFrequencies(
      `sampleNextTokens with topK = ${k}: frequencies of tokens ${top.join(', ')}`,
      top.map((token) => all[token]),
      softmax(top.map((token) => ROW[token])),
      FALSE_FAILURE_PROBABILITY,
      'renormalise over the k kept tokens',
    );
  });

  gradeTest('generation.generate', async () => {
    const generation = await submission('generation');
    const config = { vocabSize: 11, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 };
    for (const [prompt, length, topK] of [
      [[3], 9, undefined],
      [[1, 2, 3, 4, 5, 6], 5, 2],
    ] as const) {
      const model = new CountingGPT(config);
      const label = `generate(prompt [${prompt}], ${length}${topK ? `, topK ${topK}` : ''})`;
      const tokens = call(label, () =>
        generation.generate(model, Int32Array.from(prompt), length, new Rng(5), topK),
      );
      if (!(tokens instanceof Int32Array) || tokens.length !== prompt.length + length)
        fail(
          `${label}: expected an Int32Array of ${prompt.length + length} tokens (the prompt and the new ones)`,
        );
      if (prompt.some((token, i) => tokens[i] !== token))
        fail(`${label}: the result must start with the prompt`);
      for (let n = prompt.length; n < tokens.length; n++) {
        const context = Array.from(tokens.slice(Math.max(0, n - config.blockSize), n));
        const expected = context.reduce((a, b) => a + b, 0) % config.vocabSize;
        if (tokens[n] !== expected)
          fail(
            `${label}: token ${n} is ${tokens[n]}, expected ${expected} (use the logits at the last position of the last ${config.blockSize} tokens)`,
          );
      }
      if (model.contexts.length !== length)
        fail(
          `${label}: called model.logits ${model.contexts.length} times, expected once per new token (${length})`,
        );
    }
  });

  gradeTest('generation.hidden', async () =>
    checkTopK(await submission('generation'), hiddenFixture('topk').cases),
  );
});
