import * as tf from '@tensorflow/tfjs';
import * as attention from '../../reference/attention.js';
import * as generation from '../../reference/generation.js';
import { gptLogitsOracle, gptLossOracle, lastCharacterAccuracyOracle } from '../../reference/oracles/gpt.js';
import * as training from '../../reference/training.js';
import type { GPTConfig } from '../../lib/contract.js';
import { Vocabulary, type ShakespeareData } from '../data/shakespeare.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import { expectNoTensorLeaks } from '../testing/leaks.js';
import { EXERCISE_TRAINING, evaluateGPT, trainGPT, type GPTTrainingOptions } from './gpt.js';

const submission = { attention, training, generation };
// A tiny corpus with an obvious pattern, so a few steps visibly lower the loss.
const text = 'the cat sat on the mat. '.repeat(40);
const vocabulary = Vocabulary.fromText(text);
const data: ShakespeareData = {
  train: vocabulary.encode(text),
  test: vocabulary.encode(text.slice(0, 200)),
  vocabulary,
  trainText: text,
  testText: text.slice(0, 200),
};
const config: GPTConfig = { vocabSize: vocabulary.size, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8 };
const options: GPTTrainingOptions = {
  ...EXERCISE_TRAINING,
  epochs: 3,
  windowsPerEpoch: 200,
  testWindows: 40,
  batchSize: 32,
  learningRate: 1e-2,
  quiet: true,
  samples: { prompt: 'the ', length: 5, count: 2, topK: 3 },
};

function run(overrides: Partial<GPTTrainingOptions> = {}) {
  const { model, history } = trainGPT(submission, data, { ...options, ...overrides }, config);
  model.dispose();
  return history;
}

describe('trainGPT', () => {
  test('lowers the loss, reports every epoch, samples from the prompt, and leaks nothing', async () => {
    const history = await expectNoTensorLeaks(() => run(), 'trainGPT');
    expect(history.map((result) => result.epoch)).toEqual([1, 2, 3]);
    expect(history[2].test.loss).toBeLessThan(history[0].test.loss - 0.3);
    for (const result of history) {
      expect(result.train.accuracy).toBeGreaterThanOrEqual(0);
      expect(result.train.accuracy).toBeLessThanOrEqual(1);
      expect(result.samples.plain).toHaveLength(2);
      result.samples.topK.forEach((sentence) => expect(sentence).toMatch(/^the .{5}$/s));
    }
  });

  test('is reproducible from the seed, and sampling more sentences does not change the training', () => {
    const metrics = (history: ReturnType<typeof run>) => history.map(({ train, test }) => ({ train, test }));
    const first = run({ epochs: 2 });
    expect(metrics(run({ epochs: 2 }))).toEqual(metrics(first));
    const moreSamples = run({ epochs: 2, samples: { ...options.samples, count: 4 } });
    expect(metrics(moreSamples)).toEqual(metrics(first));
    expect(metrics(run({ epochs: 2, seed: 7 }))).not.toEqual(metrics(first));
  });

  test('rejects a non-positive number of epochs', () => {
    expect(() => run({ epochs: 0 })).toThrow('epochs must be a positive integer, got 0');
  });
});

describe('evaluateGPT', () => {
  test('averages loss and accuracy over all windows (float64 oracle)', () => {
    const model = new GPT(config, attention.CausalSelfAttention, new Rng(4));
    const rng = new Rng(5);
    const count = 1203; // more than one evaluation batch, the last one partial
    const windows = Int32Array.from({ length: count * 7 }, () => rng.int(config.vocabSize));
    const metrics = evaluateGPT(model, training, windows);
    const rows = Array.from({ length: count }, (_, i) => Array.from(windows.subarray(i * 7, i * 7 + 7)));
    const weights = model.getWeights();
    const numbers = Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, w.dataSync()]));
    tf.dispose(Object.values(weights));
    const logits = gptLogitsOracle(
      config,
      numbers,
      rows.map((row) => row.slice(0, 6)),
    );
    const targets = rows.map((row) => row.slice(1));
    expect(metrics.loss).toBeCloseTo(gptLossOracle(logits, targets), 4);
    expect(metrics.accuracy).toBeCloseTo(lastCharacterAccuracyOracle(logits, targets), 6);
    model.dispose();
  });
});
