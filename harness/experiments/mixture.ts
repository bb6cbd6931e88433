/**
 * The mixture experiments of the exercise, run with a submission's GMM and UMM, into <outDir>/mixture/:
 * the training data; samples for K = 1, 5, 10, 33; for K = 33 the samples over the epochs and the
 * log-likelihood curves, from a random start and from the country means; summary.json with every number
 * behind the plots; section.json for the gallery.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GMMParameters, MixtureModel, UMMParameters } from '../../lib/contract.js';
import { countryMeans, loadEurope, type EuropeData } from '../data/europe.js';
import { DEFAULT_SEED, Rng } from '../../lib/random.js';
import { writeSection, type GalleryBlock, type GalleryFigure } from '../report/gallery.js';
import {
  curveSpec,
  scatterSpec,
  writePlot,
  type Axes,
  type CurvePoint,
  type PlotSpec,
  type Rectangle,
  type ScatterPoint,
} from '../report/plot.js';
import { loadPart } from '../submission.js';
import { MIXTURE_TRAINING, trainMixture, type EpochRecord } from '../training/mixture.js';

export type MixtureKind = 'gmm' | 'umm';
export type Initialisation = 'random' | 'country';

export interface MixtureExperimentOptions {
  submissionDir: string;
  outDir: string;
  quiet?: boolean;
  /** The exercise's settings by default; smaller values make a quick smoke run. */
  models?: readonly MixtureKind[];
  ks?: readonly number[];
  epochs?: number;
  snapshotEpochs?: readonly number[];
  sampleCount?: number;
  perComponentCount?: number;
  /** Training points shown in the data plot (a random subset: 100k points make a 10 MB SVG). */
  dataPlotCount?: number;
  /** Default: loadEurope() from data/europe. */
  data?: EuropeData;
  seed?: number;
}

export const MIXTURE_EXPERIMENTS = {
  models: ['gmm', 'umm'] as const,
  ks: [1, 5, 10, 33],
  sampleCount: 1000,
  perComponentCount: 100,
  dataPlotCount: 6000,
};

type MixtureParameters = GMMParameters | UMMParameters;
type AnyMixture = MixtureModel<MixtureParameters>;
interface MixtureClass {
  new (parameters: never): AnyMixture;
  random(K: number, rng: Rng): AnyMixture;
}

/** A box of a UMM in degrees, for the question on how supports and centres move. */
export interface BoxRecord {
  component: number;
  center: [number, number];
  size: [number, number];
}

export interface RunSummary {
  model: MixtureKind;
  K: number;
  init: Initialisation;
  seed: number;
  seconds: number;
  final: { train: number; test: number };
  epochs: EpochRecord[];
  snapshots: { epoch: number; parameters: MixtureParameters; boxes?: BoxRecord[] }[];
}

export interface MixtureSummary {
  settings: {
    submission: string;
    epochs: number;
    batchSize: number;
    learningRate: Record<MixtureKind, number>;
    ks: number[];
    snapshotEpochs: number[];
    seed: number;
    trainRows: number;
    testRows: number;
    mean: [number, number];
    std: [number, number];
  };
  runs: RunSummary[];
  /** Parts that could not run, with the first line of what went wrong. */
  skipped: SkippedPart[];
  wallSeconds: number;
}

export interface SkippedPart {
  part: MixtureKind;
  reason: string;
}

const MODEL_NAME: Record<MixtureKind, string> = { gmm: 'GMM', umm: 'UMM' };
const INIT_NAME: Record<Initialisation, string> = { random: 'random init', country: 'country-mean init' };

export async function runMixtureExperiments(options: MixtureExperimentOptions): Promise<MixtureSummary> {
  const started = performance.now();
  const settings = {
    models: options.models ?? MIXTURE_EXPERIMENTS.models,
    ks: [...(options.ks ?? MIXTURE_EXPERIMENTS.ks)],
    epochs: options.epochs ?? MIXTURE_TRAINING.epochs,
    sampleCount: options.sampleCount ?? MIXTURE_EXPERIMENTS.sampleCount,
    perComponentCount: options.perComponentCount ?? MIXTURE_EXPERIMENTS.perComponentCount,
    dataPlotCount: options.dataPlotCount ?? MIXTURE_EXPERIMENTS.dataPlotCount,
    seed: options.seed ?? DEFAULT_SEED,
  };
  const snapshotEpochs = [
    ...new Set([...(options.snapshotEpochs ?? MIXTURE_TRAINING.snapshotEpochs), settings.epochs]),
  ]
    .filter((epoch) => epoch >= 1 && epoch <= settings.epochs)
    .sort((a, b) => a - b);
  const data = options.data ?? loadEurope();
  const dir = path.join(options.outDir, 'mixture');
  mkdirSync(dir, { recursive: true });
  const plots = new Plotter(options.outDir, data);
  const say = (line: string) => options.quiet || process.stderr.write(`${line}\n`);

  const runs: RunSummary[] = [];
  const blocks: GalleryBlock[] = [
    {
      heading: 'Training data',
      text: `${data.train.n} training and ${data.test.n} test points of ${data.countries.length} countries; the plot shows ${Math.min(settings.dataPlotCount, data.train.n)} random training points. Models are trained on coordinates normalised with the training mean and standard deviation; plots show degrees.`,
      figures: [
        await plots.trainingData(settings.dataPlotCount, new Rng(deriveSeed(settings.seed, 'data plot'))),
      ],
      columns: 1,
    },
  ];

  const skipped: SkippedPart[] = [];
  for (const kind of settings.models) {
    // a part that fails (a blank still to fill in, a bug) is reported and skipped; the others still run
    const kindBlocks: GalleryBlock[] = [];
    const runsBefore = runs.length;
    try {
      const Model = await loadModelClass(options.submissionDir, kind);
      const name = MODEL_NAME[kind];
      const learningRate = MIXTURE_TRAINING.learningRate[kind];
      const countryK = data.countries.length;
      const train = async (K: number, init: Initialisation): Promise<RunSummary> => {
        const seed = deriveSeed(settings.seed, `${kind}/K=${K}/${init}`);
        const rng = new Rng(seed);
        const model = init === 'random' ? Model.random(K, rng) : countryInitialised(Model, kind, data, rng);
        try {
          const history = await trainMixture(model, data, {
            learningRate,
            rng,
            epochs: settings.epochs,
            snapshotEpochs,
            label: `${name} K=${K} ${INIT_NAME[init]}`,
            quiet: options.quiet,
          });
          const final = history.epochs[history.epochs.length - 1];
          say(
            `${name} K=${K} ${INIT_NAME[init]}: train ${final.trainLogLikelihood.toFixed(4)}, test ${final.testLogLikelihood.toFixed(4)} (${history.seconds.toFixed(1)} s)`,
          );
          const snapshots = history.snapshots.map(({ epoch, parameters }) => ({
            epoch,
            parameters,
            ...(kind === 'umm' ? { boxes: boxesInDegrees(parameters as UMMParameters, data) } : {}),
          }));
          const run = {
            model: kind,
            K,
            init,
            seed,
            seconds: history.seconds,
            final: { train: final.trainLogLikelihood, test: final.testLogLikelihood },
            epochs: history.epochs,
            snapshots,
          };
          runs.push(run);
          return run;
        } finally {
          model.dispose();
        }
      };
      const sampleFigures = (run: RunSummary, epoch: number) =>
        plots.samples(Model, kind, run, epoch, settings.sampleCount, settings.perComponentCount);

      // Samples after training, for each K
      const byK: RunSummary[] = [];
      const figures: GalleryFigure[] = [];
      for (const K of settings.ks) {
        const run = await train(K, 'random');
        byK.push(run);
        figures.push(...(await sampleFigures(run, settings.epochs)));
      }
      kindBlocks.push({
        heading: `${name}: samples after ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, K = ${settings.ks.join(', ')}`,
        text: `Left: ${settings.sampleCount} samples. Right: ${settings.perComponentCount} samples from each component, coloured by component.`,
        figures,
      });

      // K = number of countries, over the epochs, from a random start and from the country means
      const evolution: Record<Initialisation, RunSummary> = {
        random: byK.find((run) => run.K === countryK) ?? (await train(countryK, 'random')),
        country: await train(countryK, 'country'),
      };
      for (const init of ['random', 'country'] as const) {
        const run = evolution[init];
        const epochFigures: GalleryFigure[] = [];
        for (const { epoch } of run.snapshots) epochFigures.push(...(await sampleFigures(run, epoch)));
        epochFigures.push(await plots.curves(run));
        kindBlocks.push({
          heading: `${name}, K = ${countryK}, ${INIT_NAME[init]}: over the epochs`,
          text:
            (init === 'country'
              ? `${kind === 'gmm' ? 'Means' : 'Centres'} start at each country's mean training point (component k is country k); the other parameters start as in the random initialisation. `
              : '') +
            (kind === 'umm' ? 'The rectangles are the supports of the boxes at that epoch. ' : '') +
            'Last figure: mean log-likelihood of the train and test sets after each epoch.',
          figures: epochFigures,
        });
      }
      kindBlocks.push(comparisonBlock(name, evolution, await plots.comparison(kind, evolution)));
      if (kind === 'umm') kindBlocks.push(ummMovementBlock(evolution));
      blocks.push(...kindBlocks);
    } catch (error) {
      runs.splice(runsBefore);
      const reason = firstLine(error);
      skipped.push({ part: kind, reason });
      say(`${MODEL_NAME[kind]}: skipped, ${reason}`);
    }
  }
  if (skipped.length > 0)
    blocks.push({
      heading: 'Skipped',
      text: skipped.map((s) => `${MODEL_NAME[s.part]}: ${s.reason}`).join(' '),
    });

  blocks.push({
    heading: 'Final mean log-likelihoods',
    table: {
      columns: ['model', 'K', 'initialisation', 'train', 'test', 'seconds'],
      rows: runs.map((run) => [
        MODEL_NAME[run.model],
        run.K,
        INIT_NAME[run.init],
        round(run.final.train),
        round(run.final.test),
        Number(run.seconds.toFixed(1)),
      ]),
    },
  });

  const summary: MixtureSummary = {
    settings: {
      submission: options.submissionDir,
      epochs: settings.epochs,
      batchSize: MIXTURE_TRAINING.batchSize,
      learningRate: { ...MIXTURE_TRAINING.learningRate },
      ks: settings.ks,
      snapshotEpochs,
      seed: settings.seed,
      trainRows: data.train.n,
      testRows: data.test.n,
      mean: data.mean,
      std: data.std,
    },
    runs,
    skipped,
    wallSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  writeSection(options.outDir, { id: 'mixture', title: 'Mixture models: GMM and UMM', order: 1, blocks });
  say(`mixture experiments: ${summary.wallSeconds.toFixed(1)} s, results in ${dir}`);
  return summary;
}

async function loadModelClass(submissionDir: string, kind: MixtureKind): Promise<MixtureClass> {
  const module = await loadPart(submissionDir, kind);
  return (
    kind === 'gmm' ? (module as { GMM: unknown }).GMM : (module as { UMM: unknown }).UMM
  ) as MixtureClass;
}

/** The exercise's random start, then the means (GMM) or centres (UMM) moved to the country means. */
function countryInitialised(Model: MixtureClass, kind: MixtureKind, data: EuropeData, rng: Rng): AnyMixture {
  const random = Model.random(data.countries.length, rng);
  const parameters = random.parameters();
  random.dispose();
  const means = countryMeans(data.train, data.countries.length);
  const moved = kind === 'gmm' ? { ...parameters, means } : { ...parameters, centers: means };
  return new Model(moved as never);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/** A seed for one named part of the run, so that each part is reproducible on its own. FNV-1a. */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (const character of `${seed}/${label}`) {
    hash ^= character.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function boxesInDegrees(parameters: UMMParameters, data: EuropeData): BoxRecord[] {
  return parameters.centers.map((center, component) => ({
    component,
    center: [0, 1].map((d) => round(center[d] * data.std[d] + data.mean[d])) as [number, number],
    size: [0, 1].map((d) => round(Math.exp(parameters.logSizes[component][d]) * data.std[d])) as [
      number,
      number,
    ],
  }));
}

function round(value: number): number {
  return Number(value.toPrecision(7));
}

function comparisonBlock(
  name: string,
  evolution: Record<Initialisation, RunSummary>,
  figure: GalleryFigure,
): GalleryBlock {
  const { random, country } = evolution;
  const epochs = random.snapshots.map((snapshot) => snapshot.epoch);
  const test = (run: RunSummary, epoch: number) => run.epochs[epoch - 1].testLogLikelihood;
  const ahead = (epoch: number) => (test(country, epoch) > test(random, epoch) ? 'country-mean' : 'random');
  const [first, last] = [epochs[0], epochs[epochs.length - 1]];
  return {
    heading: `${name}, K = ${random.K}: random vs country-mean initialisation`,
    text:
      `Test mean log-likelihood after epoch ${first}: ${round(test(random, first))} from a random start, ` +
      `${round(test(country, first))} from the country means (the ${ahead(first)} start is ahead); after epoch ` +
      `${last}: ${round(test(random, last))} and ${round(test(country, last))} (the ${ahead(last)} start is ahead).`,
    figures: [figure],
    columns: 1,
    table: {
      columns: ['initialisation', ...epochs.map((epoch) => `test, epoch ${epoch}`), 'train, final'],
      rows: [random, country].map((run) => [
        INIT_NAME[run.init],
        ...epochs.map((epoch) => round(test(run, epoch))),
        round(run.final.train),
      ]),
    },
  };
}

/** How far the UMM's centres and sides moved: the numbers, not their explanation (that is the student's). */
function ummMovementBlock(evolution: Record<Initialisation, RunSummary>): GalleryBlock {
  const rows = (['random', 'country'] as const).map((init) => {
    const run = evolution[init];
    const first = run.snapshots[0].boxes!;
    const last = run.snapshots[run.snapshots.length - 1].boxes!;
    let centreMove = 0;
    let sizeRatio = 0;
    first.forEach((box, k) => {
      centreMove = Math.max(
        centreMove,
        Math.hypot(last[k].center[0] - box.center[0], last[k].center[1] - box.center[1]),
      );
      sizeRatio += (last[k].size[0] * last[k].size[1]) / (box.size[0] * box.size[1]) / first.length;
    });
    const firstEpoch = run.epochs[0];
    return [
      INIT_NAME[init],
      `${run.snapshots[0].epoch}–${run.snapshots[run.snapshots.length - 1].epoch}`,
      round(centreMove),
      round(sizeRatio),
      round(firstEpoch.trainLogLikelihood),
      round(run.final.train),
    ];
  });
  return {
    heading: 'UMM: how far the boxes moved',
    text:
      'For each start, between the first and the last snapshot: the largest distance any box centre moved (in ' +
      'degrees), the mean ratio of a box’s area at the end to its area at the start, and the mean log-likelihood ' +
      'of the training set after the first and the last epoch. Read it beside the box plots above.',
    table: {
      columns: [
        'initialisation',
        'epochs',
        'largest centre move (°)',
        'mean area ratio (last/first)',
        'train log-lik. after epoch 1',
        'final train log-lik.',
      ],
      rows,
    },
  };
}

/** Mean log-likelihood per epoch; the mixtures evaluate both sets in full after each epoch. */
function logLikelihoodCurves(title: string, points: CurvePoint[]): PlotSpec {
  return curveSpec({
    title,
    subtitle: 'both sets evaluated in full after each epoch',
    xTitle: 'epoch',
    yTitle: 'mean log-likelihood',
    points,
    integerX: true,
  });
}

/** Turns runs into plots under <outDir>/mixture/, all in degrees on the same axes. */
class Plotter {
  private readonly axes: Axes;

  constructor(
    private readonly outDir: string,
    private readonly data: EuropeData,
  ) {
    const [x, y] = [0, 1].map((d) => {
      let low = Infinity;
      let high = -Infinity;
      for (let i = 0; i < data.train.n; i++) {
        const value = this.degrees(data.train.points[2 * i + d], d);
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
      const margin = 0.08 * (high - low);
      return [Math.floor(low - margin), Math.ceil(high + margin)] as [number, number];
    });
    this.axes = { x: { title: 'longitude (°)', domain: x }, y: { title: 'latitude (°)', domain: y } };
  }

  degrees(value: number, d: number): number {
    return value * this.data.std[d] + this.data.mean[d];
  }

  async trainingData(count: number, rng: Rng): Promise<GalleryFigure> {
    const { train, countries } = this.data;
    const rows = rng.permutation(train.n).subarray(0, Math.min(count, train.n));
    const points = Array.from(rows, (i) => ({
      x: this.degrees(train.points[2 * i], 0),
      y: this.degrees(train.points[2 * i + 1], 1),
      group: countries[train.country[i]],
    }));
    const title = `Training data by country (${points.length} of ${train.n} points)`;
    return this.write(
      'data',
      scatterSpec({ title, axes: this.axes, points, groupTitle: 'country', groups: countries }),
      title,
    );
  }

  /** The `sampleCount`-sample plot and the per-component plot of one snapshot. */
  async samples(
    Model: MixtureClass,
    kind: MixtureKind,
    run: RunSummary,
    epoch: number,
    sampleCount: number,
    perComponentCount: number,
  ): Promise<GalleryFigure[]> {
    const snapshot = run.snapshots.find((s) => s.epoch === epoch);
    if (!snapshot) throw new Error(`no snapshot of ${kind} K=${run.K} at epoch ${epoch}`);
    const rng = new Rng(deriveSeed(run.seed, `samples/epoch=${epoch}`));
    const model = new Model(snapshot.parameters as never);
    const names = this.componentNames(run);
    const what = `${MODEL_NAME[kind]}, K = ${run.K}, ${INIT_NAME[run.init]}, epoch ${epoch}`;
    const base = `${kind}-k${run.K}-${run.init}-epoch${epoch}`;
    try {
      const samples = this.readPoints(model.sample(sampleCount, rng), () => 'sample');
      const perComponent: ScatterPoint[] = [];
      for (let k = 0; k < run.K; k++)
        perComponent.push(
          ...this.readPoints(model.conditionalSample(perComponentCount, k, rng), () => names[k]),
        );
      const rectangles: Rectangle[] | undefined = snapshot.boxes?.map((box) => ({
        x0: box.center[0] - box.size[0] / 2,
        x1: box.center[0] + box.size[0] / 2,
        y0: box.center[1] - box.size[1] / 2,
        y1: box.center[1] + box.size[1] / 2,
        group: names[box.component],
      }));
      const samplesTitle = `${what}: ${sampleCount} samples`;
      const componentsTitle = `${what}: ${perComponentCount} per component`;
      return [
        await this.write(
          `${base}-samples`,
          scatterSpec({
            title: samplesTitle,
            axes: this.axes,
            points: samples,
            groupTitle: '',
            legend: false,
            rectangles: rectangles?.map((r) => ({ ...r, group: 'sample' })),
          }),
          samplesTitle,
        ),
        await this.write(
          `${base}-components`,
          scatterSpec({
            title: componentsTitle,
            axes: this.axes,
            points: perComponent,
            groupTitle: run.init === 'country' ? 'component (country)' : 'component',
            groups: names,
            legend: run.K > 1,
            rectangles,
          }),
          componentsTitle,
        ),
      ];
    } finally {
      model.dispose();
    }
  }

  async curves(run: RunSummary): Promise<GalleryFigure> {
    const title = `${MODEL_NAME[run.model]}, K = ${run.K}, ${INIT_NAME[run.init]}: mean log-likelihood`;
    const points = run.epochs.flatMap((e) => [
      { series: 'train set', x: e.epoch, y: e.trainLogLikelihood },
      { series: 'test set', x: e.epoch, y: e.testLogLikelihood },
    ]);
    return this.write(`${run.model}-k${run.K}-${run.init}-loglik`, logLikelihoodCurves(title, points), title);
  }

  async comparison(kind: MixtureKind, evolution: Record<Initialisation, RunSummary>): Promise<GalleryFigure> {
    const K = evolution.random.K;
    const title = `${MODEL_NAME[kind]}, K = ${K}: random vs country-mean init`;
    // colour tells the start apart and the dash the split, so the four curves stay readable where they meet
    const points = (['random', 'country'] as const).flatMap((init) =>
      evolution[init].epochs.flatMap((e) => [
        { series: INIT_NAME[init], style: 'train set', x: e.epoch, y: e.trainLogLikelihood },
        { series: INIT_NAME[init], style: 'test set', x: e.epoch, y: e.testLogLikelihood },
      ]),
    );
    return this.write(`${kind}-k${K}-init-comparison`, logLikelihoodCurves(title, points), title);
  }

  private componentNames(run: RunSummary): string[] {
    return Array.from({ length: run.K }, (_, k) =>
      run.init === 'country' ? this.data.countries[k] : `component ${k + 1}`,
    );
  }

  /** Reads a [n, 2] sample tensor into points in degrees and disposes it. */
  private readPoints(samples: tf.Tensor2D, group: (i: number) => string): ScatterPoint[] {
    const values = samples.dataSync();
    samples.dispose();
    return Array.from({ length: values.length / 2 }, (_, i) => ({
      x: this.degrees(values[2 * i], 0),
      y: this.degrees(values[2 * i + 1], 1),
      group: group(i),
    }));
  }

  private async write(name: string, spec: PlotSpec, caption: string): Promise<GalleryFigure> {
    const written = await writePlot(spec, path.join(this.outDir, 'mixture', name));
    return { file: path.relative(this.outDir, written.png).split(path.sep).join('/'), caption };
  }
}
