/**
 * The ready-made training and evaluation of the GPT with any submission's attention, loss, accuracy and
 * generation (through the contract): Adam, batches of random windows of the training text, per-epoch
 * train and test metrics, sample sentences and a checkpoint after every epoch.
 *
 * Random streams, all from one seed: the model's initial weights from Rng(seed), the windows (the test
 * set first, then each epoch's training windows) from Rng(seed + 1), the sample sentences from
 * Rng(seed + 2). So changing how many sentences are sampled never changes the training.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  EXERCISE_GPT_CONFIG,
  type AttentionModule,
  type GenerationModule,
  type GPTConfig,
  type TrainingModule,
} from '../../lib/contract.js';
import { sampleWindows, type ShakespeareData, type Vocabulary } from '../data/shakespeare.js';
import { Adam } from './adam.js';
import { saveCheckpoint } from '../gpt/checkpoint.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng, DEFAULT_SEED } from '../../lib/random.js';
import { Progress } from '../report/progress.js';
import { loadPart } from '../submission.js';

/** The parts of a submission the GPT needs. */
export interface GPTSubmission {
  attention: AttentionModule;
  training: TrainingModule;
  generation: GenerationModule;
}

export async function loadGPTSubmission(dir: string): Promise<GPTSubmission> {
  return {
    attention: await loadPart(dir, 'attention'),
    training: await loadPart(dir, 'training'),
    generation: await loadPart(dir, 'generation'),
  };
}

export interface SampleOptions {
  prompt: string;
  /** New characters per sentence. */
  length: number;
  /** Sentences per epoch, each sampled plainly and with top-k. */
  count: number;
  topK: number;
}

export interface GPTTrainingOptions {
  epochs: number;
  /** Training windows per epoch, drawn with replacement. */
  windowsPerEpoch: number;
  /** Test windows (distinct starts), drawn once and evaluated after every epoch. */
  testWindows: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  samples: SampleOptions;
  /** Where `epoch-NN/` checkpoints go; none when absent. */
  checkpointDir?: string;
  /** Written into every checkpoint's model.json beside the epoch and metrics (e.g. which submission trained it). */
  checkpointInfo?: Record<string, unknown>;
  quiet?: boolean;
  /** Called after each epoch, e.g. to log. */
  onEpoch?: (result: EpochResult) => void;
}

/** The exercise's settings. */
export const EXERCISE_TRAINING: GPTTrainingOptions = {
  epochs: 10,
  windowsPerEpoch: 100_000,
  testWindows: 10_000,
  batchSize: 64,
  learningRate: 3e-4,
  seed: DEFAULT_SEED,
  samples: { prompt: 'the ', length: 30, count: 3, topK: 5 },
};

export interface Metrics {
  loss: number;
  accuracy: number;
}

export interface EpochResult {
  epoch: number;
  /** Averaged over the epoch's windows, with the weights of the moment each batch was seen. */
  train: Metrics;
  test: Metrics;
  seconds: number;
  tokensPerSecond: number;
  samples: { plain: string[]; topK: string[] };
  checkpoint?: string;
}

export class TrainingError extends Error {
  override name = 'TrainingError';
}

const EVALUATION_BATCH = 1000;
const READ_EVERY_STEPS = 50;

/** Rows [from, to) of windows [count, L] as inputs (first L − 1 tokens) and targets (last L − 1). */
function batchTensors(
  windows: Int32Array,
  windowLength: number,
  from: number,
  to: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const rows = to - from;
  const T = windowLength - 1;
  const inputs = new Int32Array(rows * T);
  const targets = new Int32Array(rows * T);
  for (let row = 0; row < rows; row++) {
    const start = (from + row) * windowLength;
    inputs.set(windows.subarray(start, start + T), row * T);
    targets.set(windows.subarray(start + 1, start + windowLength), row * T);
  }
  return [tf.tensor2d(inputs, [rows, T], 'int32'), tf.tensor2d(targets, [rows, T], 'int32')];
}

function checkFinite(value: number, what: string): number {
  if (!Number.isFinite(value))
    throw new TrainingError(`${what} is ${value}: training diverged or the loss is wrong`);
  return value;
}

/** Loss and last-character accuracy over windows [count, blockSize + 1], weighted by batch size. */
export function evaluateGPT(model: GPT, training: TrainingModule, windows: Int32Array): Metrics {
  const windowLength = model.config.blockSize + 1;
  const count = windows.length / windowLength;
  let sums = tf.zeros([2]);
  for (let from = 0; from < count; from += EVALUATION_BATCH) {
    const to = Math.min(count, from + EVALUATION_BATCH);
    const next = tf.tidy(() => {
      const [idx, targets] = batchTensors(windows, windowLength, from, to);
      const logits = model.logits(idx);
      const both = tf.stack([
        training.gptLoss(logits, targets),
        training.lastCharacterAccuracy(logits, targets),
      ]);
      return tf.add(sums, tf.mul(both, to - from));
    });
    sums.dispose();
    sums = next;
  }
  const [loss, accuracy] = Array.from(sums.dataSync(), (sum) => sum / count);
  sums.dispose();
  return { loss: checkFinite(loss, 'test loss'), accuracy };
}

/**
 * One Adam step on a batch → [loss, accuracy] of the batch before the step (a new tensor). Both come from
 * the same forward pass; neither is read back here, so the caller decides how often to read them.
 */
export function trainingStep(
  model: GPT,
  training: TrainingModule,
  optimizer: Adam,
  idx: tf.Tensor2D,
  targets: tf.Tensor2D,
): tf.Tensor1D {
  let accuracy: tf.Scalar | undefined; // kept out of the gradient's scope, disposed below
  const { value: loss, grads } = tf.variableGrads(() => {
    const logits = model.logits(idx);
    accuracy = tf.keep(training.lastCharacterAccuracy(logits, targets));
    return training.gptLoss(logits, targets);
  }, model.variables());
  optimizer.applyGradients(grads);
  const both = tf.stack([loss, accuracy!]) as tf.Tensor1D;
  tf.dispose([loss, accuracy!, grads] as unknown as tf.TensorContainer);
  return both;
}

/** `count` sentences from the prompt, each sampled plainly or with top-k. */
export function sampleSentences(
  model: GPT,
  generation: GenerationModule,
  vocabulary: Vocabulary,
  options: SampleOptions,
  rng: Rng,
  topK?: number,
): string[] {
  const prompt = vocabulary.encode(options.prompt);
  return Array.from({ length: options.count }, () =>
    vocabulary.decode(generation.generate(model, prompt, options.length, rng, topK)),
  );
}

export interface TrainingRun {
  model: GPT;
  history: EpochResult[];
}

/** Trains a new GPT on the data with the submission's code; the caller disposes the returned model. */
export function trainGPT(
  submission: GPTSubmission,
  data: ShakespeareData,
  options: GPTTrainingOptions,
  config: GPTConfig = { ...EXERCISE_GPT_CONFIG, vocabSize: data.vocabulary.size },
): TrainingRun {
  const { epochs, windowsPerEpoch, testWindows, batchSize } = options;
  for (const [name, value] of Object.entries({ epochs, windowsPerEpoch, testWindows, batchSize })) {
    if (!Number.isInteger(value) || value < 1)
      throw new TrainingError(`${name} must be a positive integer, got ${value}`);
  }
  const { training, generation } = submission;
  const model = new GPT(config, submission.attention.CausalSelfAttention, new Rng(options.seed));
  const windowRng = new Rng(options.seed + 1);
  const sampleRng = new Rng(options.seed + 2);
  const windowLength = config.blockSize + 1;
  const testSet = sampleWindows(data.test, testWindows, windowLength, windowRng, false);
  const optimizer = new Adam(model.variables(), { learningRate: options.learningRate });
  const stepsPerEpoch = Math.ceil(windowsPerEpoch / batchSize);
  const progress = new Progress({ total: epochs * stepsPerEpoch, label: 'GPT', quiet: options.quiet });
  const history: EpochResult[] = [];

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const windows = sampleWindows(data.train, windowsPerEpoch, windowLength, windowRng, true);
      // [Σ batch loss · batch size, Σ batch accuracy · batch size] on the device, read every few steps
      let sums = tf.zeros([2]);
      for (let step = 0; step < stepsPerEpoch; step++) {
        const from = step * batchSize;
        const to = Math.min(windowsPerEpoch, from + batchSize);
        const next = tf.tidy(() => {
          const [idx, targets] = batchTensors(windows, windowLength, from, to);
          return tf.add(sums, tf.mul(trainingStep(model, training, optimizer, idx, targets), to - from));
        });
        sums.dispose();
        sums = next;
        const done = (epoch - 1) * stepsPerEpoch + step + 1;
        if (progress.enabled && (step % READ_EVERY_STEPS === 0 || step === stepsPerEpoch - 1)) {
          const loss = checkFinite(sums.dataSync()[0] / to, `train loss at epoch ${epoch}, step ${step + 1}`);
          const tokens = (done * batchSize * config.blockSize) / progress.elapsedSeconds;
          progress.update(done, { epoch, loss: loss.toFixed(4), 'tokens/s': Math.round(tokens) });
        }
      }
      const [trainLoss, trainAccuracy] = Array.from(sums.dataSync(), (sum) => sum / windowsPerEpoch);
      sums.dispose();
      checkFinite(trainLoss, `train loss of epoch ${epoch}`);
      const trainSeconds = (performance.now() - started) / 1000;
      const test = evaluateGPT(model, training, testSet);
      const samples = {
        plain: sampleSentences(model, generation, data.vocabulary, options.samples, sampleRng),
        topK: sampleSentences(
          model,
          generation,
          data.vocabulary,
          options.samples,
          sampleRng,
          options.samples.topK,
        ),
      };
      const result: EpochResult = {
        epoch,
        train: { loss: trainLoss, accuracy: trainAccuracy },
        test,
        seconds: (performance.now() - started) / 1000,
        tokensPerSecond: (windowsPerEpoch * config.blockSize) / trainSeconds,
        samples,
      };
      if (options.checkpointDir) {
        result.checkpoint = path.join(options.checkpointDir, `epoch-${String(epoch).padStart(2, '0')}`);
        saveCheckpoint(result.checkpoint, model, data.vocabulary, {
          ...options.checkpointInfo,
          epoch,
          train: result.train,
          test: result.test,
          seed: options.seed,
        });
      }
      history.push(result);
      options.onEpoch?.(result);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  progress.finish(history.length ? `test loss ${history[history.length - 1].test.loss.toFixed(4)}` : '');
  return { model, history };
}
