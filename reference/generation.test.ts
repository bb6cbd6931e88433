import * as tf from '@tensorflow/tfjs';
import type { GPT, GPTConfig } from '../lib/contract.js';
import { Rng } from '../lib/random.js';
import { expectNoTensorLeaks } from '../harness/testing/leaks.js';
import { generate, sampleNextTokens, topKProbabilities } from './generation.js';
import { topKProbabilitiesOracle } from './oracles/gpt.js';

const rows = [
  [0.5, 2, -1, 2, 0.1, 3],
  [-2, -1, 0, 1, 2, 3],
];

describe('reference topKProbabilities', () => {
  test.each([1, 2, 3, 5, 6, 100])(
    'k = %i matches the float64 oracle (ties kept, k ≥ V keeps all)',
    async (k) => {
      const logits = tf.tensor2d(rows);
      const probabilities = await expectNoTensorLeaks(
        () => tf.tidy(() => topKProbabilities(logits, k).arraySync()),
        'topKProbabilities',
      );
      const expected = topKProbabilitiesOracle(rows, k);
      probabilities.flat().forEach((p, i) => expect(p).toBeCloseTo(expected.flat()[i], 6));
      logits.dispose();
    },
  );

  test('k below 1 or not an integer is an error', () => {
    const logits = tf.tensor2d(rows);
    expect(() => topKProbabilities(logits, 0)).toThrow('k must be an integer ≥ 1, got 0');
    expect(() => topKProbabilities(logits, 2.5)).toThrow('k must be an integer ≥ 1, got 2.5');
    logits.dispose();
  });
});

describe('reference sampleNextTokens', () => {
  test('draws each row from its softmax (frequencies), reproducibly from the seed', () => {
    const logits = tf.tensor2d(Array.from({ length: 4000 }, () => [0, Math.log(3)]));
    const draws = sampleNextTokens(logits, new Rng(1));
    const ones = draws.reduce((n, token) => n + token, 0) / draws.length;
    expect(Math.abs(ones - 0.75)).toBeLessThan(0.03); // 0.75 ± 5 standard errors
    expect(Array.from(sampleNextTokens(logits, new Rng(1)))).toEqual(Array.from(draws));
    logits.dispose();
  });

  test('top-1 picks the largest logit of every row', () => {
    const logits = tf.tensor2d(rows.map((row) => row.map((x) => x * 0.1)));
    expect(Array.from(sampleNextTokens(logits, new Rng(2), 1))).toEqual([5, 5]);
    logits.dispose();
  });
});

/**
 * A stand-in GPT that records the context it is given and favours token (last + 1) mod V, so the test
 * sees which context generate() passes and that it reads the last position.
 */
function countingModel(blockSize: number, vocabSize: number): GPT & { contexts: number[][] } {
  const contexts: number[][] = [];
  const config: GPTConfig = { vocabSize, blockSize, nLayer: 1, nHead: 1, nEmbd: 1 };
  return {
    config,
    contexts,
    logits(idx: tf.Tensor2D) {
      const ids = idx.arraySync()[0];
      contexts.push(ids);
      return tf.tidy(() => {
        const oneHots = tf.oneHot(
          tf.tensor1d(
            ids.map((id) => (id + 1) % vocabSize),
            'int32',
          ),
          vocabSize,
        );
        return tf.mul(oneHots, 50).expandDims(0) as tf.Tensor3D;
      });
    },
    weightNames: () => [],
    getWeights: () => ({}),
    setWeights: () => undefined,
    variables: () => [],
    dispose: () => undefined,
  };
}

describe('reference generate', () => {
  test('appends length tokens, each from the last position of the context cropped to blockSize', async () => {
    const model = countingModel(3, 10);
    const tokens = await expectNoTensorLeaks(
      () => generate(model, Int32Array.from([7, 8]), 4, new Rng(1), 2),
      'generate',
    );
    expect(Array.from(tokens)).toEqual([7, 8, 9, 0, 1, 2]);
    expect(model.contexts).toEqual([
      [7, 8],
      [7, 8, 9],
      [8, 9, 0],
      [9, 0, 1],
    ]);
  });

  test('returns the prompt for length 0; an empty prompt or a negative length is an error', () => {
    const model = countingModel(3, 10);
    expect(Array.from(generate(model, Int32Array.from([4]), 0, new Rng(1)))).toEqual([4]);
    expect(() => generate(model, new Int32Array(0), 3, new Rng(1))).toThrow(
      'the prompt needs at least one token',
    );
    expect(() => generate(model, Int32Array.from([4]), -1, new Rng(1))).toThrow(
      'length must be an integer ≥ 0, got -1',
    );
  });
});
