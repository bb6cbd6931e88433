/**
 * npm run experiments -- mixture|transformer|all [--submission DIR] [--out DIR] [--corpus FILE] [--quiet]
 * Runs the exercise's experiments with a submission's code (default: skeleton/, the student's copy) and
 * writes plots, numbers and the index.html gallery into out/.
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../lib/backend.js';
import { runMain } from '../lib/cli.js';
import { runMixtureExperiments } from '../lib/experiments/mixture.js';
import { runTransformerExperiments } from '../lib/experiments/transformer.js';
import { writeGallery } from '../lib/report/gallery.js';

const USAGE =
  'usage: npm run experiments -- mixture|transformer|all [--submission DIR] [--out DIR] [--corpus FILE] [--quiet]';

await runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      submission: { type: 'string', default: 'skeleton' },
      out: { type: 'string', default: 'out' },
      corpus: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const which = positionals[0] ?? 'all';
  if (!['mixture', 'transformer', 'all'].includes(which) || positionals.length > 1) throw new Error(USAGE);
  await initBackend();
  const options = { submissionDir: values.submission, outDir: values.out, quiet: values.quiet };
  if (which === 'mixture' || which === 'all') await runMixtureExperiments(options);
  if (which === 'transformer' || which === 'all')
    await runTransformerExperiments({ ...options, corpus: values.corpus });
  const gallery = await writeGallery(values.out);
  process.stderr.write(`gallery: ${gallery}\n`);
});
