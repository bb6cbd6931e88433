/**
 * The ready-made training loop for any submission's GMM or UMM (through the contract): Adam on
 * −mean log p(x) over shuffled mini-batches, the train and test mean log-likelihood after every epoch, and
 * snapshots of the parameters at chosen epochs.
 *
 * Speed on wasm comes from few kernels per step: each epoch shuffles the rows in JavaScript and each batch
 * is uploaded as its own tensor (a memory copy on wasm and cpu, cheaper than gather and slice kernels),
 * and the loss is not read back until the epoch's evaluation.
 * Adam is the project's (harness/training/adam.ts: PyTorch's formula, ε = 1e-8, the update in JavaScript over the
 * few K×5 numbers): tf.train.adam would add ~14 kernels per variable, ~40 per step.
 */
import * as tf from '@tensorflow/tfjs';
import type { MixtureModel } from '../../lib/contract.js';
import { Adam } from './adam.js';
import type { Rng } from '../../lib/random.js';
import { Progress } from '../report/progress.js';

/** The exercise's settings; the learning rate differs by model. */
export const MIXTURE_TRAINING = {
  epochs: 50,
  batchSize: 4096,
  learningRate: { gmm: 0.01, umm: 0.001 },
  snapshotEpochs: [1, 10, 20, 30, 40, 50],
} as const;

/** Points as rows: row-major [n, 2] (e.g. an EuropeSplit). */
export interface PointSet {
  points: Float32Array;
  n: number;
}

export interface MixtureTrainingOptions {
  learningRate: number;
  /** Shuffles every epoch. */
  rng: Rng;
  epochs?: number;
  batchSize?: number;
  /** Epochs after which to keep a copy of the parameters (1-based); default 1, 10, …, 50. */
  snapshotEpochs?: readonly number[];
  /** Rows per batch when evaluating the log-likelihood (no gradients, so larger than training batches). */
  evaluationBatchSize?: number;
  /** Name on the progress line, e.g. 'GMM K=33'. */
  label?: string;
  quiet?: boolean;
  /** Called after each epoch's evaluation (tests watch tf.memory() here). */
  onEpochEnd?: (epoch: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  trainLogLikelihood: number;
  testLogLikelihood: number;
}

export interface MixtureHistory<Parameters> {
  /** One record per epoch, epoch 1 first. */
  epochs: EpochRecord[];
  snapshots: { epoch: number; parameters: Parameters }[];
  /** Wall time of the whole loop, evaluation included. */
  seconds: number;
}

/** Trains `model` in place and returns its history as plain numbers. */
export async function trainMixture<Parameters>(
  model: MixtureModel<Parameters>,
  data: { train: PointSet; test: PointSet },
  options: MixtureTrainingOptions,
): Promise<MixtureHistory<Parameters>> {
  const epochs = options.epochs ?? MIXTURE_TRAINING.epochs;
  const batchSize = options.batchSize ?? MIXTURE_TRAINING.batchSize;
  const snapshotEpochs = new Set(options.snapshotEpochs ?? MIXTURE_TRAINING.snapshotEpochs);
  checkPositiveInteger('epochs', epochs);
  checkPositiveInteger('batchSize', batchSize);
  const started = performance.now();
  checkPointSet('train', data.train);
  checkPointSet('test', data.test);
  const shuffled = new Float32Array(data.train.points.length);
  const optimizer = new Adam(model.variables(), { learningRate: options.learningRate });
  const progress = new Progress({
    total: epochs,
    label: options.label ?? 'mixture',
    unit: 'epoch',
    quiet: options.quiet,
  });
  const history: MixtureHistory<Parameters> = { epochs: [], snapshots: [], seconds: 0 };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffleRows(data.train.points, options.rng.permutation(data.train.n), shuffled);
    runEpoch(model, optimizer, shuffled, batchSize);
    const record = {
      epoch,
      trainLogLikelihood: await meanLogLikelihood(model, data.train, options.evaluationBatchSize),
      testLogLikelihood: await meanLogLikelihood(model, data.test, options.evaluationBatchSize),
    };
    if (!Number.isFinite(record.trainLogLikelihood) || !Number.isFinite(record.testLogLikelihood))
      throw new RangeError(
        `trainMixture: after epoch ${epoch} the mean log-likelihood is ${record.trainLogLikelihood} (train), ` +
          `${record.testLogLikelihood} (test); logLikelihood must stay finite`,
      );
    history.epochs.push(record);
    if (snapshotEpochs.has(epoch)) history.snapshots.push({ epoch, parameters: model.parameters() });
    progress.update(epoch, { train: record.trainLogLikelihood, test: record.testLogLikelihood });
    options.onEpochEnd?.(record);
  }
  const last = history.epochs[history.epochs.length - 1];
  progress.finish(`train ${last.trainLogLikelihood.toFixed(4)}, test ${last.testLogLikelihood.toFixed(4)}`);
  history.seconds = (performance.now() - started) / 1000;
  return history;
}

/** rows of `points` in the given order, into `out`. */
function shuffleRows(points: Float32Array, order: Int32Array, out: Float32Array): void {
  for (let i = 0; i < order.length; i++) {
    out[2 * i] = points[2 * order[i]];
    out[2 * i + 1] = points[2 * order[i] + 1];
  }
}

/** One pass over the rows in their (shuffled) order; the cost is never read back. */
function runEpoch<P>(model: MixtureModel<P>, optimizer: Adam, points: Float32Array, batchSize: number): void {
  const n = points.length / 2;
  const variables = model.variables();
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    tf.tidy(() => {
      const batch = tf.tensor2d(points.subarray(2 * start, 2 * (start + size)), [size, 2]);
      const { grads } = tf.variableGrads(() => model.loss(model.logLikelihood(batch)), variables);
      const missing = variables.find((variable) => !grads[variable.name]);
      if (missing)
        throw new RangeError(
          `trainMixture: the loss does not depend on the variable of shape [${missing.shape}]; ` +
            'every variable in model.variables() must be used by logLikelihood',
        );
      optimizer.applyGradients(grads);
    });
  }
}

/** Mean of log p(x) over all rows, in batches without gradients, summed in float64 in JavaScript. */
export async function meanLogLikelihood<P>(
  model: MixtureModel<P>,
  set: PointSet,
  batchSize = 32_768,
): Promise<number> {
  let total = 0;
  for (let start = 0; start < set.n; start += batchSize) {
    const size = Math.min(batchSize, set.n - start);
    const logLikelihood = tf.tidy(() =>
      model.logLikelihood(tf.tensor2d(set.points.subarray(2 * start, 2 * (start + size)), [size, 2])),
    );
    const values = await logLikelihood.data();
    logLikelihood.dispose();
    if (values.length !== size)
      throw new RangeError(`logLikelihood returned ${values.length} values for a batch of ${size} rows`);
    for (let i = 0; i < values.length; i++) total += values[i];
  }
  return total / set.n;
}

function checkPointSet(name: string, set: PointSet): void {
  if (!(set.n > 0)) throw new RangeError(`trainMixture: the ${name} split is empty`);
  if (set.points.length !== 2 * set.n)
    throw new RangeError(
      `trainMixture: the ${name} split has ${set.points.length} numbers for n = ${set.n} rows of 2`,
    );
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`trainMixture: ${name} must be a positive integer, got ${value}`);
}
