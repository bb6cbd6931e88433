import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveCorpusPath } from '../data/shakespeare.js';
import { readCheckpoint } from '../gpt/checkpoint.js';
import { readSections } from '../report/gallery.js';
import { PROJECT_ROOT } from '../submission.js';
import { runTransformerExperiments } from './transformer.js';

// The corpus is not in the repository: CI points EX5_SHAKESPEARE at it (see README).
const withCorpus = existsSync(resolveCorpusPath()) ? test : test.skip;

describe('runTransformerExperiments (a tiny run with the reference)', () => {
  let outDir: string;
  beforeAll(() => (outDir = mkdtempSync(path.join(tmpdir(), 'ex5-transformer-'))));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  withCorpus('writes curves, samples, summary, checkpoints and the gallery section', async () => {
    const history = await runTransformerExperiments({
      submissionDir: path.join(PROJECT_ROOT, 'reference'),
      outDir,
      quiet: true,
      epochs: 2,
      windowsPerEpoch: 96,
      testWindows: 50,
    });
    expect(history.map((result) => result.epoch)).toEqual([1, 2]);
    const dir = path.join(outDir, 'transformer');
    for (const file of ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png', 'samples.md']) {
      expect([file, existsSync(path.join(dir, file))]).toEqual([file, true]);
    }
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.epochs).toHaveLength(2);
    expect(summary.final.test.loss).toBe(history[1].test.loss);
    expect(summary.training).toMatchObject({
      epochs: 2,
      windowsPerEpoch: 96,
      testWindows: 50,
      batchSize: 64,
    });
    const samples = readFileSync(path.join(dir, 'samples.md'), 'utf8');
    expect(samples).toContain('## Epoch 2');
    expect(samples.match(/^\| `the /gm)).toHaveLength(6); // 3 rows per epoch, each plain | top-k
    const checkpoint = readCheckpoint(path.join(dir, 'checkpoints', 'epoch-02'));
    expect(checkpoint.info).toMatchObject({ epoch: 2, test: history[1].test });
    const [section] = readSections(outDir);
    expect(section.id).toBe('transformer');
    for (const figure of section.blocks.flatMap((block) => block.figures ?? [])) {
      expect(existsSync(path.join(outDir, figure.file))).toBe(true);
    }
  });
});
