import type { TopKCase } from '../fixtures.js';
import { askRecord, askReturned, read, type Received } from '../support/calls.js';
import { caseLabel, expectClose, expectTensor, fail, rowColumn } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import { expectFrequencies, FALSE_FAILURE_PROBABILITY } from '../support/sampling.js';

async function checkTopK(cases: TopKCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const [B, V] = [c.logits.length, c.logits[0].length];
    const what = `topKProbabilities(k=${c.k}) (${caseLabel(c.name, index)})`;
    const result = await askReturned('generation.topKProbabilities', { logits: c.logits, k: c.k });
    const probabilities = expectTensor(what, result, [B, V]);
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

/** The tokens sampleNextTokens returned: an Int32Array of n, one per row. */
function tokensOf(result: Received, n: number): Int32Array {
  if (result.kind !== 'int32array' || result.values.length !== n)
    fail(
      `sampleNextTokens: expected an Int32Array of ${n} tokens, one per row, got ${result.kind === 'other' ? result.description : result.kind === 'tensor' ? 'a tensor' : `an Int32Array of length ${result.values.length}`}`,
    );
  return result.values;
}

/** n draws from one row of logits, as one call on a batch of n copies of the row. */
async function draws(row: number[], n: number, seed: number, topK?: number): Promise<Int32Array> {
  return tokensOf(await askReturned('generation.sampleNextTokens', { row, n, seed, topK }), n);
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

describe('generation', () => {
  gradeTest('generation.topk', () => checkTopK(publicFixture('topk').cases));

  gradeTest('generation.seed', async () => {
    const sample = async (seed: number, topK?: number) => Array.from(await draws(ROW, 64, seed, topK));
    for (const topK of [undefined, 3]) {
      const label = topK === undefined ? 'sampleNextTokens' : `sampleNextTokens with topK = ${topK}`;
      const [first, again, other] = [await sample(21, topK), await sample(21, topK), await sample(22, topK)];
      if (first.join() !== again.join())
        fail(`${label}: the same seed gives different tokens (draw only from the rng given)`);
      if (first.join() === other.join())
        fail(`${label}: seeds 21 and 22 give the same 64 tokens (use the rng given)`);
    }
  });

  gradeTest('generation.frequencies', async () => {
    const tokens = await draws(ROW, 100_000, 31);
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
    const k = 3;
    const top = [3, 7, 0];
    const tokens = await draws(ROW, 100_000, 41, k);
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
    const config = { vocabSize: 11, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 };
    for (const [prompt, length, topK] of [
      [[3], 9, undefined],
      [[1, 2, 3, 4, 5, 6], 5, 2],
    ] as const) {
      const label = `generate(prompt [${prompt}], ${length}${topK ? `, topK ${topK}` : ''})`;
      // the candidate runs generate with a stand-in model whose logits at the last position put all
      // weight on (sum of the context) mod V; it reports every context the model was called with
      const result = await askRecord(
        'generation.generate',
        { config, prompt, length, seed: 5, topK, label },
        { tokens: read.returned, contexts: read.matrix },
      );
      const tokens = result.tokens.kind === 'int32array' ? result.tokens.values : undefined;
      if (tokens === undefined || tokens.length !== prompt.length + length)
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
      if (result.contexts.length !== length)
        fail(
          `${label}: called model.logits ${result.contexts.length} times, expected once per new token (${length})`,
        );
    }
  });

  gradeTest('generation.hidden', () => checkTopK(hiddenFixture('topk').cases));
});
