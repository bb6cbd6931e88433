/** A smoke run of the mixture experiments with tiny settings on synthetic data: every output appears. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EuropeData, EuropeSplit } from '../data/europe.js';
import { Rng } from '../../lib/random.js';
import { readSections, writeGallery } from '../report/gallery.js';
import { describeWithBrowser, inspectPage } from '../../staff/testing/browser.js';
import { deriveSeed, runMixtureExperiments, type MixtureSummary } from './mixture.js';

const COUNTRIES = ['Atlantis', 'Borduria', 'Syldavia'];

/** Three blobs of points, one per country, already normalised. */
function split(n: number, rng: Rng): EuropeSplit {
  const points = new Float32Array(2 * n);
  const country = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    country[i] = i % COUNTRIES.length;
    points[2 * i] = country[i] - 1 + 0.2 * rng.normal();
    points[2 * i + 1] = 0.5 * (country[i] % 2) + 0.2 * rng.normal();
  }
  return { points, country, n };
}

describe('runMixtureExperiments', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'ex5-mixture-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  let summary: MixtureSummary;

  beforeAll(async () => {
    const rng = new Rng(1);
    const data: EuropeData = {
      train: split(600, rng),
      test: split(150, rng),
      countries: COUNTRIES,
      mean: [15, 50],
      std: [10, 8],
    };
    const before = tf.memory().numTensors;
    summary = await runMixtureExperiments({
      submissionDir: 'reference',
      outDir,
      quiet: true,
      data,
      ks: [1],
      epochs: 2,
      snapshotEpochs: [2],
      sampleCount: 30,
      perComponentCount: 5,
      dataPlotCount: 100,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  test('trains K = 1 and, for K = number of countries, from a random start and from the country means', () => {
    const runs = summary.runs.map((run) => `${run.model} K=${run.K} ${run.init}`);
    expect(runs).toEqual([
      'gmm K=1 random',
      'gmm K=3 random',
      'gmm K=3 country',
      'umm K=1 random',
      'umm K=3 random',
      'umm K=3 country',
    ]);
    for (const run of summary.runs) {
      expect(run.epochs).toHaveLength(2);
      expect(Number.isFinite(run.final.train) && Number.isFinite(run.final.test)).toBe(true);
      expect(run.snapshots.map((s) => s.epoch)).toEqual([2]);
      expect(run.seed).toBe(deriveSeed(42, `${run.model}/K=${run.K}/${run.init}`));
    }
    const countryStart = summary.runs.find((run) => run.model === 'umm' && run.init === 'country')!;
    expect(countryStart.snapshots[0].boxes).toHaveLength(3);
  });

  test('writes summary.json, the plots and a gallery section whose files all exist', () => {
    const saved = JSON.parse(
      readFileSync(path.join(outDir, 'mixture', 'summary.json'), 'utf8'),
    ) as MixtureSummary;
    expect(saved.runs.map((run) => run.final)).toEqual(summary.runs.map((run) => run.final));
    const [section] = readSections(outDir);
    expect(section.id).toBe('mixture');
    const figures = section.blocks.flatMap((block) => block.figures ?? []);
    expect(figures.length).toBeGreaterThan(15);
    for (const figure of figures) {
      expect(existsSync(path.join(outDir, figure.file))).toBe(true);
      expect(existsSync(path.join(outDir, figure.file.replace(/\.png$/, '.vl.json')))).toBe(true);
    }
    expect(figures.map((f) => f.file)).toContain('mixture/umm-k3-country-epoch2-components.png');
    expect(section.blocks.map((b) => b.heading)).toContain('UMM: how far the boxes moved');
  });

  describeWithBrowser('in a real browser', () => {
    test('the gallery shows every plot and every link leads to a file', async () => {
      const page = await writeGallery(outDir);
      const report = await inspectPage(page, path.join(outDir, 'gallery.png'));
      expect(report.imageCount).toBe(readSections(outDir)[0].blocks.flatMap((b) => b.figures ?? []).length);
      expect(report.brokenImages).toEqual([]);
      expect(report.linkCount).toBeGreaterThan(0);
      expect(report.brokenLinks).toEqual([]);
      expect(readFileSync(path.join(outDir, 'gallery.png')).subarray(1, 4).toString()).toBe('PNG');
    }, 60_000);
  });
});
