/**
 * npm run experiments -- [mixture|transformer|all] [--only PARTS] [--submission DIR] [--out DIR] …
 * Runs the exercise's experiments with a submission's code (default: skeleton/, the student's copy) and
 * writes plots, numbers and the index.html gallery into out/. A part that fails (a method still blank)
 * is reported and skipped; the others still run. --epochs and --windows shorten a trial run.
 */
import path from 'node:path';
import { Argument, Option } from 'commander';
import { choicesOf, command, positiveInteger, runCommand, UsageError, userPath } from '../cli.js';
import { loadShakespeare, resolveCorpusPath } from '../data/shakespeare.js';
import type { MixtureKind } from '../experiments/mixture.js';
import { PROJECT_ROOT } from '../submission.js';
import { stageSubmission } from '../staging.js';

const PARTS = ['gmm', 'umm', 'transformer'] as const;
type Part = (typeof PARTS)[number];
const EXPERIMENTS: Record<string, Part[]> = {
  mixture: ['gmm', 'umm'],
  transformer: ['transformer'],
  all: [...PARTS],
};

interface Options {
  only?: Part[];
  submission?: string;
  out: string;
  corpus?: string;
  quiet: boolean;
  epochs?: number;
  windows?: number;
}

const program = command(
  'experiments',
  "Runs the exercise's experiments with a submission and writes plots and numbers into out/.",
  [
    'npm run experiments -- mixture --submission skeleton',
    'npm run experiments -- --only gmm --epochs 5',
    'npm run experiments -- transformer --epochs 1 --windows 6400',
  ],
)
  .addArgument(
    new Argument('[experiment]', 'which experiments').choices(Object.keys(EXPERIMENTS)).default('all'),
  )
  .addOption(
    new Option(
      '--only <parts...>',
      `run only these parts: ${PARTS.join(', ')} (space- or comma-separated)`,
    ).argParser(choicesOf(PARTS, 'parts')),
  )
  .option('--submission <dir>', 'the submission folder (default: skeleton/)')
  .option('--out <dir>', 'where plots, summaries and index.html go', 'out')
  .option('--corpus <file>', 'the Shakespeare corpus (else EX5_SHAKESPEARE, else data/shakespeare/input.txt)')
  .option('--quiet', 'no progress lines', false)
  .option('--epochs <n>', 'epochs per training run (default: the exercise’s)', positiveInteger)
  .option('--windows <n>', 'GPT training windows per epoch (default: 100,000)', positiveInteger);

await runCommand<Options>(program, async (options, args) => {
  const experiment = args[0] ?? 'all';
  const parts = (options.only ?? EXPERIMENTS[experiment]).filter((part) =>
    EXPERIMENTS[experiment].includes(part),
  );
  if (parts.length === 0)
    throw new UsageError(`--only ${options.only!.join(',')} names no part of the ${experiment} experiments`);
  if (options.windows !== undefined && !parts.includes('transformer'))
    throw new UsageError(
      '--windows sets the GPT training windows per epoch; the mixture experiments have none',
    );
  // the corpus is checked before any training, so a missing file costs seconds, not the mixtures' minutes
  const corpus = parts.includes('transformer')
    ? loadShakespeare(resolveCorpusPath(options.corpus && userPath(options.corpus)))
    : undefined;
  const submissionDir = options.submission
    ? userPath(options.submission)
    : path.join(PROJECT_ROOT, 'skeleton');
  const outDir = userPath(options.out);
  // tfjs and the experiments load only now, so that --help and usage errors answer at once
  const { initBackend } = await import('../backend.js');
  const { runMixtureExperiments } = await import('../experiments/mixture.js');
  const { runTransformerExperiments } = await import('../experiments/transformer.js');
  const { writeGallery } = await import('../report/gallery.js');
  await initBackend();
  const staged = await stageSubmission(submissionDir);
  const failed: string[] = [];
  try {
    const common = { submissionDir: staged.dir, outDir, quiet: options.quiet, epochs: options.epochs };
    const mixtures = parts.filter((part): part is MixtureKind => part === 'gmm' || part === 'umm');
    if (mixtures.length > 0) {
      const summary = await runMixtureExperiments({ ...common, models: mixtures });
      failed.push(...summary.skipped.map((s) => `${s.part.toUpperCase()}: ${s.reason}`));
    }
    if (corpus) {
      try {
        await runTransformerExperiments({
          ...common,
          data: corpus,
          windowsPerEpoch: options.windows,
          submissionOrigin: submissionDir,
        });
      } catch (error) {
        failed.push(
          `transformer: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      }
    }
  } finally {
    await staged.cleanup();
  }
  const gallery = await writeGallery(outDir);
  process.stderr.write(`gallery: ${gallery}\n`);
  for (const line of failed) process.stderr.write(`skipped ${line.split('\n')[0]}\n`);
  return failed.length > 0 ? 1 : 0;
});
