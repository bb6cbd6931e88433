/**
 * npm run experiments -- mixture|transformer|all [--submission DIR] [--out DIR] [--corpus FILE] [--quiet]
 *                        [--epochs N] [--windows N]
 * Runs the exercise's experiments with a submission's code (default: skeleton/, the student's copy) and
 * writes plots, numbers and the index.html gallery into out/. --epochs and --windows (training windows per
 * GPT epoch) shorten a trial run; without them the exercise's numbers apply.
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../backend.js';
import { positiveIntegerFlag, runMain } from '../cli.js';
import { runMixtureExperiments } from '../experiments/mixture.js';
import { runTransformerExperiments } from '../experiments/transformer.js';
import { writeGallery } from '../report/gallery.js';

const USAGE =
  'usage: npm run experiments -- mixture|transformer|all [--submission DIR] [--out DIR] [--corpus FILE] [--quiet] ' +
  '[--epochs N] [--windows N]';

await runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      submission: { type: 'string', default: 'skeleton' },
      out: { type: 'string', default: 'out' },
      corpus: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      windows: { type: 'string' },
    },
  });
  const which = positionals[0] ?? 'all';
  if (!['mixture', 'transformer', 'all'].includes(which) || positionals.length > 1) throw new Error(USAGE);
  const epochs = values.epochs === undefined ? undefined : positiveIntegerFlag(values.epochs, '--epochs');
  const windowsPerEpoch =
    values.windows === undefined ? undefined : positiveIntegerFlag(values.windows, '--windows');
  if (windowsPerEpoch !== undefined && which === 'mixture')
    throw new Error('--windows sets the GPT training windows per epoch; the mixture experiments have none');
  await initBackend();
  const options = { submissionDir: values.submission, outDir: values.out, quiet: values.quiet, epochs };
  if (which === 'mixture' || which === 'all') await runMixtureExperiments(options);
  if (which === 'transformer' || which === 'all')
    await runTransformerExperiments({ ...options, corpus: values.corpus, windowsPerEpoch });
  const gallery = await writeGallery(values.out);
  process.stderr.write(`gallery: ${gallery}\n`);
});
