/**
 * npm run bench -- gpt|mixture|grade|batch|all [options]: our speed side by side with PyTorch's (gpt,
 * mixture: alternating runs in one session, medians and their ratio), the time of a whole grade, and a
 * TA's batch's throughput. Figures only; nothing here passes or fails on time.
 */
import os from 'node:os';
import { Argument, InvalidArgumentError } from 'commander';
import { command, positiveInteger, runCommand, UsageError } from '../../harness/cli.js';
import { EXERCISE_TRAINING } from '../../harness/training/gpt.js';
import { MIXTURE_TRAINING } from '../../harness/training/mixture.js';

interface Options {
  pairs?: number;
  steps: number;
  warmup: number;
  batch: number;
  profile: boolean;
  profileShapes: boolean;
  epochs: number;
  ks: number[];
  model: 'gmm' | 'umm';
  runs: number;
  submission: string;
  pytorch: boolean;
  jobs: number;
}

/** Which benchmark each option belongs to, so that a misplaced one is an error, not silently ignored. */
const OPTIONS_OF: Record<string, string[]> = {
  gpt: ['pairs', 'steps', 'warmup', 'batch', 'profile', 'profileShapes', 'pytorch'],
  mixture: ['pairs', 'epochs', 'ks', 'model', 'pytorch'],
  grade: ['runs', 'submission'],
  batch: ['jobs'],
  all: [],
};

function kList(value: string): number[] {
  return value.split(',').map((k) => {
    if (!/^\d+$/.test(k.trim()) || Number(k) < 1)
      throw new InvalidArgumentError(`'${k}' is not a positive integer`);
    return Number(k);
  });
}

const program = command(
  'bench',
  'Our speed beside PyTorch’s (alternating runs, medians, ratios), a whole grade, a batch’s throughput.',
  [
    'npm run bench -- all',
    'npm run bench -- gpt --pairs 5 --profile',
    'npm run bench -- mixture --ks 33 --epochs 10',
    'npm run bench -- grade --runs 5',
    'npm run bench -- batch --jobs 2',
  ],
)
  .addArgument(new Argument('[benchmark]', 'which benchmark').choices(Object.keys(OPTIONS_OF)).default('all'))
  .option('--pairs <n>', 'gpt, mixture: A B pairs (default 5 for gpt, 3 for mixture)', positiveInteger)
  .option('--steps <n>', 'gpt: steps per block', positiveInteger, 30)
  .option('--warmup <n>', 'gpt: steps before timing', positiveInteger, 5)
  .option('--batch <n>', 'gpt: windows per step', positiveInteger, EXERCISE_TRAINING.batchSize)
  .option('--profile', 'gpt: where the milliseconds go, ours beside PyTorch’s', false)
  .option('--profile-shapes', 'gpt: the profile split by operand shapes', false)
  .option('--epochs <n>', 'mixture: epochs per run', positiveInteger, MIXTURE_TRAINING.epochs)
  .option('--ks <list>', 'mixture: the K values, comma-separated', kList, [1, 5, 10, 33])
  .option('--model <gmm|umm>', 'mixture: which model', 'gmm')
  .option('--runs <n>', 'grade: whole-process runs', positiveInteger, 3)
  .option('--submission <dir>', 'grade: the submission graded', 'reference')
  .option('--no-pytorch', 'gpt, mixture: our side only')
  .option('--jobs <n>', 'batch: submissions graded at once', positiveInteger, 2);

await runCommand<Options>(program, async (options, [benchmark = 'all']) => {
  const given = Object.keys(options).filter((name) => program.getOptionValueSource(name) === 'cli');
  const misplaced = given.filter((name) => name !== 'color' && !OPTIONS_OF[benchmark].includes(name));
  if (misplaced.length > 0)
    throw new UsageError(
      benchmark === 'all'
        ? 'bench all takes no options: run one benchmark to pass options to it'
        : `bench ${benchmark} takes no ${misplaced.map((name) => `--${name}`).join(', ')}`,
    );
  if (options.model !== 'gmm' && options.model !== 'umm')
    throw new UsageError(`--model must be gmm or umm, got '${options.model}'`);
  // tfjs, the reference and PyTorch's side load only now, so that --help answers at once
  const { initBackend } = await import('../../harness/backend.js');
  const { benchGpt } = await import('./gpt.js');
  const { benchMixture } = await import('./mixture.js');
  const { benchGrade } = await import('./grade.js');
  const { benchBatch } = await import('./batch.js');
  await initBackend();
  process.stdout.write(`bench ${benchmark}, ${new Date().toISOString()}, ${machine()}\n\n`);
  const all = benchmark === 'all';
  if (benchmark === 'gpt' || all) await benchGpt({ ...options, pairs: options.pairs ?? 5 });
  if (all) process.stdout.write('\n');
  if (benchmark === 'mixture' || all) await benchMixture({ ...options, pairs: options.pairs ?? 3 });
  if (all) process.stdout.write('\n');
  if (benchmark === 'grade' || all) await benchGrade(options);
  if (all) process.stdout.write('\n');
  if (benchmark === 'batch' || all) await benchBatch(options);
});

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.versions.node}`;
}
