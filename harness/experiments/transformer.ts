/**
 * The transformer experiment: trains the exercise's GPT on tinyshakespeare with a submission's code and
 * writes into `<outDir>/transformer/`: loss and accuracy curves (train and test, per epoch), samples.md
 * (every epoch's sentences, plain and top-k side by side), summary.json, a checkpoint per epoch
 * (checkpoints/epoch-NN, for `npm run generate`) and section.json for the gallery. samples.md and
 * summary.json are rewritten after every epoch, so an interrupted run keeps what it did.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentBackend } from '../backend.js';
import { EXERCISE_GPT_CONFIG } from '../../lib/contract.js';
import { loadShakespeare, resolveCorpusPath, type ShakespeareData } from '../data/shakespeare.js';
import { writeSection, type GallerySection } from '../report/gallery.js';
import { curveSpec, writePlot, type CurvePoint } from '../report/plot.js';
import {
  EXERCISE_TRAINING,
  loadGPTSubmission,
  trainGPT,
  type EpochResult,
  type GPTTrainingOptions,
} from '../training/gpt.js';

export interface TransformerExperimentOptions {
  submissionDir: string;
  outDir: string;
  quiet?: boolean;
  /** The corpus file (else EX5_SHAKESPEARE, else data/shakespeare/input.txt). */
  corpus?: string;
  /** The submission folder as the user named it, when `submissionDir` is a staged copy of it. */
  submissionOrigin?: string;
  /** The corpus already loaded (the command checks it before any training starts). */
  data?: ShakespeareData;
  /** Smaller runs for smoke tests; the exercise's values by default. */
  epochs?: number;
  windowsPerEpoch?: number;
  testWindows?: number;
  seed?: number;
}

/** The original PyTorch exercise after epoch 10, for comparison. */
export const PYTORCH_EPOCH_10 = {
  train: { loss: 1.75, accuracy: 0.472 },
  test: { loss: 1.82, accuracy: 0.452 },
};

const NAME = 'transformer';

/** A sentence in one line of a Markdown table: newlines shown as ↵, pipes escaped. */
function tableCell(text: string): string {
  return `\`${text.replace(/\n/g, '↵').replace(/`/g, "'")}\``.replace(/\|/g, '\\|');
}

function samplesMarkdown(history: readonly EpochResult[], options: GPTTrainingOptions): string {
  const { prompt, length, topK } = options.samples;
  const lines = [
    '# GPT samples',
    '',
    `After each epoch, sentences of ${length} characters from the prompt ${JSON.stringify(prompt)}: ` +
      `sampled from the full softmax, and from the ${topK} most likely characters only (top-k). ` +
      'Newlines are shown as ↵.',
  ];
  for (const result of history) {
    lines.push('', `## Epoch ${result.epoch} (test loss ${result.test.loss.toFixed(3)})`, '');
    lines.push(`| plain | top-k (k = ${topK}) |`, '|---|---|');
    result.samples.plain.forEach((plain, i) =>
      lines.push(`| ${tableCell(plain)} | ${tableCell(result.samples.topK[i] ?? '')} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Train and test per epoch, and the PyTorch exercise's epoch-10 test value when the run gets there. */
function curvePoints(history: readonly EpochResult[], metric: 'loss' | 'accuracy'): CurvePoint[] {
  const points = history.flatMap((result) => [
    { series: "train (mean over the epoch's steps)", x: result.epoch, y: result.train[metric] },
    { series: 'test (after the epoch)', x: result.epoch, y: result.test[metric] },
  ]);
  if (history.length >= 10)
    points.push({ series: 'PyTorch test, epoch 10', x: 10, y: PYTORCH_EPOCH_10.test[metric] });
  return points;
}

function summaryOf(
  history: readonly EpochResult[],
  options: GPTTrainingOptions,
  vocabSize: number,
  outDir: string,
) {
  const last = history[history.length - 1];
  return {
    backend: currentBackend(),
    config: { ...EXERCISE_GPT_CONFIG, vocabSize },
    training: { ...options, onEpoch: undefined, checkpointDir: undefined, quiet: undefined },
    epochs: history.map(({ epoch, train, test, seconds, tokensPerSecond }) => ({
      epoch,
      train,
      test,
      seconds,
      tokensPerSecond,
    })),
    final: last && { epoch: last.epoch, train: last.train, test: last.test },
    lastCheckpoint: last?.checkpoint && path.relative(outDir, last.checkpoint),
    pytorchEpoch10: PYTORCH_EPOCH_10,
  };
}

export async function runTransformerExperiments(
  options: TransformerExperimentOptions,
): Promise<EpochResult[]> {
  const data = options.data ?? loadShakespeare(resolveCorpusPath(options.corpus));
  const submission = await loadGPTSubmission(options.submissionDir);
  const dir = path.join(options.outDir, NAME);
  const checkpoints = path.join(dir, 'checkpoints');
  rmSync(checkpoints, { recursive: true, force: true }); // no stale epochs from a longer earlier run
  mkdirSync(dir, { recursive: true });
  const training: GPTTrainingOptions = {
    ...EXERCISE_TRAINING,
    epochs: options.epochs ?? EXERCISE_TRAINING.epochs,
    windowsPerEpoch: options.windowsPerEpoch ?? EXERCISE_TRAINING.windowsPerEpoch,
    testWindows: options.testWindows ?? EXERCISE_TRAINING.testWindows,
    seed: options.seed ?? EXERCISE_TRAINING.seed,
    checkpointDir: checkpoints,
    checkpointInfo: { submission: path.resolve(options.submissionOrigin ?? options.submissionDir) },
    quiet: options.quiet,
  };
  const history: EpochResult[] = [];
  const log = (line: string) => options.quiet || process.stderr.write(`${line}\n`);
  const writeTexts = () => {
    writeFileSync(path.join(dir, 'samples.md'), samplesMarkdown(history, training));
    const summary = summaryOf(history, training, data.vocabulary.size, options.outDir);
    writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  };
  log(`transformer: training the GPT with ${options.submissionDir} (${training.epochs} epochs)`);
  const { model } = trainGPT(submission, data, {
    ...training,
    onEpoch: (result) => {
      history.push(result);
      writeTexts();
      log(
        `epoch ${result.epoch}/${training.epochs}: train loss ${result.train.loss.toFixed(4)} ` +
          `accuracy ${result.train.accuracy.toFixed(3)}, test loss ${result.test.loss.toFixed(4)} ` +
          `accuracy ${result.test.accuracy.toFixed(3)} (${result.seconds.toFixed(0)} s, ` +
          `${Math.round(result.tokensPerSecond)} tokens/s)`,
      );
    },
  });
  model.dispose();

  const plots = {
    loss: await writePlot(
      curveSpec({
        title: 'GPT cross-entropy',
        xTitle: 'epoch',
        integerX: true,
        yTitle: 'loss (nats per character)',
        points: curvePoints(history, 'loss'),
      }),
      path.join(dir, 'loss'),
    ),
    accuracy: await writePlot(
      curveSpec({
        title: 'GPT last-character accuracy',
        xTitle: 'epoch',
        integerX: true,
        yTitle: 'accuracy',
        points: curvePoints(history, 'accuracy'),
      }),
      path.join(dir, 'accuracy'),
    ),
  };
  const relative = (file: string) => path.relative(options.outDir, file);
  const last = history[history.length - 1];
  const section: GallerySection = {
    id: NAME,
    title: 'Character-level GPT on Shakespeare',
    order: 2,
    blocks: [
      {
        heading: 'Training',
        text:
          `${training.epochs} epochs of ${training.windowsPerEpoch.toLocaleString('en')} random windows, batch ` +
          `${training.batchSize}, Adam ${training.learningRate}; test metrics over ${training.testWindows.toLocaleString('en')} ` +
          `test windows. The original PyTorch exercise reached test loss ${PYTORCH_EPOCH_10.test.loss} and accuracy ` +
          `${PYTORCH_EPOCH_10.test.accuracy} after epoch 10.`,
        figures: [
          { file: relative(plots.loss.png), caption: 'Cross-entropy per epoch, train and test' },
          {
            file: relative(plots.accuracy.png),
            caption: 'Last-character accuracy per epoch, train and test',
          },
        ],
        table: {
          columns: ['epoch', 'train loss', 'train accuracy', 'test loss', 'test accuracy', 'seconds'],
          rows: history.map((r) => [
            r.epoch,
            r.train.loss.toFixed(4),
            r.train.accuracy.toFixed(4),
            r.test.loss.toFixed(4),
            r.test.accuracy.toFixed(4),
            Math.round(r.seconds),
          ]),
        },
      },
      {
        heading: `Samples after epoch ${last.epoch}`,
        text: `From the prompt ${JSON.stringify(training.samples.prompt)}; every epoch's samples are in ${relative(path.join(dir, 'samples.md'))}.`,
        table: {
          columns: ['plain', `top-k (k = ${training.samples.topK})`],
          rows: last.samples.plain.map((plain, i) => [plain, last.samples.topK[i] ?? '']),
        },
      },
    ],
  };
  writeSection(options.outDir, section);
  return history;
}
