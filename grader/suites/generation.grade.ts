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

/**
 * Draws from a batch of n copies of `rows`, interleaved (batch row i is rows[i mod R]), one call per
 * seed: the tokens of each row type, pooled over the calls. Calls of a few thousand rows keep a
 * sampler written row by row (slice, softmax, draw) within a second per call on wasm and cpu.
 */
async function draws(rows: number[][], n: number, seeds: number[], topK?: number): Promise<number[][]> {
  const R = rows.length;
  const byRow = rows.map((): number[] => []);
  for (const seed of seeds) {
    const tokens = tokensOf(await askReturned('generation.sampleNextTokens', { rows, n, seed, topK }), n * R);
    tokens.forEach((token, i) => byRow[i % R].push(token));
  }
  return byRow;
}

function counts(tokens: ArrayLike<number>, V: number, what = 'sampleNextTokens'): number[] {
  const result = new Array<number>(V).fill(0);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!(token >= 0 && token < V)) fail(`${what}: token ${token} is not in 0..${V - 1}`);
    result[token]++;
  }
  return result;
}

/** The k tokens with the largest logits of a row (no ties in the rows used here). */
function topTokens(row: number[], k: number): number[] {
  return row
    .map((logit, token) => [logit, token])
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, token]) => token);
}

/**
 * Each row of counts against its own distribution: draws outside the `kept` tokens fail at once (they
 * have probability 0), then Pearson's chi-square over the kept tokens, α split over the rows.
 */
function expectRowFrequencies(
  what: string,
  rows: number[][],
  byRow: number[][],
  kept: (row: number[]) => number[],
  alpha: number,
  hint: string,
  rowName = (r: number) => `row type ${r}`,
): void {
  rows.forEach((row, r) => {
    const all = counts(byRow[r], row.length, what);
    const tokens = kept(row);
    const outside = all.findIndex((count, token) => count > 0 && !tokens.includes(token));
    if (outside >= 0)
      fail(
        `${what}, ${rowName(r)}: drew token ${outside} ${all[outside]} times, but only tokens ${tokens.join(', ')} may be drawn (${hint})`,
      );
    expectFrequencies(
      `${what}, ${rowName(r)}: frequencies of tokens ${tokens.join(', ')}`,
      tokens.map((token) => all[token]),
      softmax(tokens.map((token) => row[token])),
      alpha / rows.length,
      hint,
    );
  });
}

const ROW = [1.2, -0.3, 0.4, 2.1, -1.5, 0.9, 0, 1.6];
/**
 * Rows that differ, so that a sampler that uses one row's distribution for all, or mixes rows up, fails;
 * one is shifted by +40, where exp without subtracting the maximum still fits float32 (a softmax that
 * is right must not depend on the shift). Every probability is at least 0.012.
 */
const ROWS = [
  ROW,
  [...ROW].reverse(),
  ROW.map((logit) => 40 - 0.8 * logit),
  [0.2, 0.1, 0, -0.1, -0.2, 0.3, 0.15, 0.05],
];

/** Vocabulary 5: the stand-in Markov model's logits for the token after each token (spread rows). */
const TABLE = [
  [1.0, 0.2, -0.5, 0.6, -0.2],
  [-0.4, 0.8, 0.9, -0.1, 0.1],
  [0.3, -0.6, 0.2, 1.1, 0.4],
  [0.7, 0.5, -0.3, -0.8, 0.9],
  [-0.2, 1.2, 0.1, 0.4, -0.7],
];

describe('generation', () => {
  gradeTest('generation.topk', () => checkTopK(publicFixture('topk').cases));

  gradeTest('generation.seed', async () => {
    const sample = async (seed: number, topK?: number) => (await draws(ROWS, 16, [seed], topK)).flat().join();
    for (const topK of [undefined, 3]) {
      const label = topK === undefined ? 'sampleNextTokens' : `sampleNextTokens with topK = ${topK}`;
      const [first, again, other] = [await sample(21, topK), await sample(21, topK), await sample(22, topK)];
      if (first !== again)
        fail(`${label}: the same seed gives different tokens (draw only from the rng given)`);
      if (first === other) fail(`${label}: seeds 21 and 22 give the same 64 tokens (use the rng given)`);
    }
  });

  // 4 row types × 4,000 draws (4 calls of 4,000 rows), chi-square with 7 df per row type at α/4:
  // critical value 43.65, smallest expected count 40; false failures ≤ 4 · α/4 = 1e-6
  gradeTest('generation.frequencies', async () => {
    const byRow = await draws(ROWS, 1000, [31, 32, 33, 34]);
    expectRowFrequencies(
      'sampleNextTokens',
      ROWS,
      byRow,
      (row) => row.map((_, token) => token),
      FALSE_FAILURE_PROBABILITY,
      'draw each row from softmax of its own logits',
    );
  });

  // 3 row types with different top 3 × 3,999 draws (3 calls of 3,999 rows): any draw outside a row's
  // top 3 fails (probability 0 for a correct sampler); chi-square with 2 df per row type at α/3
  // (critical 29.83, smallest expected count 715); false failures ≤ 1e-6
  gradeTest('generation.topk-sampling', async () => {
    const k = 3;
    const rows = ROWS.slice(0, 3);
    const byRow = await draws(rows, 1333, [41, 42, 43], k);
    expectRowFrequencies(
      `sampleNextTokens with topK = ${k}`,
      rows,
      byRow,
      (row) => topTokens(row, k),
      FALSE_FAILURE_PROBABILITY,
      "keep each row's k largest logits and renormalise over them",
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

  // generate() with a stand-in model whose next token is spread: logits = TABLE[last token], a Markov
  // chain. Two seeds × 1,500 tokens without top-k, one × 1,500 with top-k 2. Each state's successors
  // are independent draws from its row (strong Markov property): chi-square per state, 4 df at α/10
  // (critical 38.24) without top-k, 1 df at α/10 (critical 28.37) with it; draws outside a state's top
  // 2 fail at once; same seed twice must repeat, two seeds must differ. False failures ≤ 10 · α/10 =
  // 1e-6 (asymptotic; each state is visited 170 to 740 times, smallest expected count about 30).
  gradeTest('generation.generate-sampling', async () => {
    const config = { vocabSize: TABLE.length, blockSize: 3, nLayer: 1, nHead: 1, nEmbd: 4 };
    const run = async (seed: number, topK?: number) => {
      const [prompt, length] = [[0, 1], 1500];
      const label = `generate(prompt [${prompt}], ${length}${topK ? `, topK ${topK}` : ''}) with seed ${seed}`;
      const result = await askRecord(
        'generation.generate',
        { config, table: TABLE, prompt, length, seed, topK, label },
        { tokens: read.returned },
      );
      const tokens = result.tokens.kind === 'int32array' ? result.tokens.values : undefined;
      if (tokens === undefined || tokens.length !== prompt.length + length)
        fail(
          `${label}: expected an Int32Array of ${prompt.length + length} tokens (the prompt and the new ones)`,
        );
      return { label, tokens: Array.from(tokens) };
    };
    const transitions = (runs: { tokens: number[] }[]) => {
      const byState = TABLE.map((): number[] => []);
      for (const { tokens } of runs) {
        counts(tokens, TABLE.length, 'generate'); // every token in 0..V − 1
        for (let n = 2; n < tokens.length; n++) byState[tokens[n - 1]].push(tokens[n]);
      }
      return byState;
    };
    const [first, again, other] = [await run(51), await run(51), await run(52)];
    if (first.tokens.join() !== again.tokens.join())
      fail(`${first.label}: the same seed gives different tokens (draw only from the rng given)`);
    if (first.tokens.join() === other.tokens.join())
      fail(`generate: seeds 51 and 52 give the same tokens (draw every token from the one rng given)`);
    const alpha = FALSE_FAILURE_PROBABILITY / (2 * TABLE.length);
    expectRowFrequencies(
      'generate',
      TABLE,
      transitions([first, other]),
      (row) => row.map((_, token) => token),
      alpha * TABLE.length,
      'draw each new token from softmax of the logits at the last position, with the rng given',
      (r) => `after token ${r}`,
    );
    const topK = await run(53, 2);
    expectRowFrequencies(
      'generate with topK = 2',
      TABLE,
      transitions([topK]),
      (row) => topTokens(row, 2),
      alpha * TABLE.length,
      'pass topK on to the sampler',
      (r) => `after token ${r}`,
    );
  });

  gradeTest('generation.hidden', () => checkTopK(hiddenFixture('topk').cases));
});
