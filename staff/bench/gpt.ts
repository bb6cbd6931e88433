/**
 * Training speed of the exercise's GPT with the reference code, side by side with PyTorch: one Adam step
 * (forward, backward, update) on a fixed batch of random windows, as harness/training/gpt.ts runs it, against
 * the same step in pytorch/gpt.py. Ours and PyTorch's blocks of steps alternate (A B A B); each block gives
 * its median ms per step, and the ratio is taken pair by pair. `--profile` adds where the milliseconds go:
 * our kernels (tf.profile) beside PyTorch's operators (torch.profiler). Figures only; nothing passes or
 * fails on time.
 *
 *   npm run bench -- gpt [--pairs 5] [--steps 30] [--warmup 5] [--batch 64] [--profile [--profile-shapes]] [--no-pytorch]
 */
import * as tf from '@tensorflow/tfjs';
import * as training from '../../reference/training.js';
import { CausalSelfAttention } from '../../reference/attention.js';
import { currentBackend } from '../../harness/backend.js';
import { EXERCISE_GPT_CONFIG, type GPTConfig } from '../../lib/contract.js';
import { Adam } from '../../harness/training/adam.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import { EXERCISE_TRAINING, trainingStep } from '../../harness/training/gpt.js';
import { alternate, median, startBaseline, summary, type Figure } from './side-by-side.js';
import { profileSteps, type ProfileRow } from './profile.js';

const VOCABULARY_SIZE = 65;

export interface GptBenchOptions {
  pairs: number;
  steps: number;
  warmup: number;
  batch: number;
  profile: boolean;
  profileShapes: boolean;
  /** False with --no-pytorch. */
  pytorch: boolean;
}

export async function benchGpt(values: GptBenchOptions): Promise<void> {
  const { pairs, steps, warmup, batch } = values;
  const config: GPTConfig = { ...EXERCISE_GPT_CONFIG, vocabSize: VOCABULARY_SIZE };
  const T = config.blockSize;
  const rng = new Rng(1);
  const model = new GPT(config, CausalSelfAttention, rng);
  const optimizer = new Adam(model.variables(), { learningRate: EXERCISE_TRAINING.learningRate });
  const randomIds = () =>
    tf.tensor2d(
      Int32Array.from({ length: batch * T }, () => rng.int(config.vocabSize)),
      [batch, T],
      'int32',
    );
  const [idx, targets] = [randomIds(), randomIds()];
  const step = () => tf.dispose(trainingStep(model, training, optimizer, idx, targets));
  for (let i = 0; i < warmup; i++) step();

  const { baseline, missing } = await startBaseline(
    'gpt.py',
    ['--steps', String(steps), '--warmup', String(warmup), '--batch', String(batch)],
    values.pytorch,
  );
  const ours = async (): Promise<Figure> => {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < steps; i++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      step();
      const cpu = process.cpuUsage(cpuStarted);
      times.push(performance.now() - started);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    return { time: median(times), cpu: median(cpuTimes) };
  };
  const theirs = baseline
    ? async (): Promise<Figure> => {
        const answer = await baseline.run();
        return { time: answer.msPerStep as number, cpu: answer.cpuMsPerStep as number };
      }
    : undefined;
  try {
    process.stdout.write(
      `GPT training step: batch ${batch}, T ${T}, ${config.nLayer} layers, ${config.nHead} heads, ` +
        `${config.nEmbd} dims, vocabulary ${config.vocabSize}, Adam ${EXERCISE_TRAINING.learningRate}; ` +
        `ours on the ${currentBackend()} backend\n` +
        `  ${pairs} pairs of ${steps} steps each side (after ${warmup} warm-up steps), ms per step\n`,
    );
    const result = await alternate(pairs, ours, theirs, (pair, our, their) =>
      process.stderr.write(
        `  pair ${pair + 1}/${pairs}: ours ${our.time.toFixed(1)} ms` +
          (their ? `, PyTorch ${their.time.toFixed(1)} ms` : '') +
          '\n',
      ),
    );
    const ourMedian = median(result.ours.map((figure) => figure.time));
    const stepsPerEpoch = Math.ceil(EXERCISE_TRAINING.windowsPerEpoch / batch);
    const lines = [
      ...summary(result, 'ms', 1, baseline, missing),
      `  tokens/s  ${Math.round((batch * T * 1000) / ourMedian).toLocaleString('en')} (ours); one epoch ` +
        `~${((stepsPerEpoch * ourMedian) / 1000).toFixed(0)} s of training (${stepsPerEpoch} steps)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (values.profile) {
      const ourProfile = profileSteps(
        step,
        20,
        values.profileShapes ? ['BatchMatMul', '_FusedMatMul', 'Transpose'] : [],
      );
      const profileLines = [
        '',
        `Where a step's time goes (per step; ours: ${ourProfile.kernels} kernels, ` +
          `${ourProfile.wallMs.toFixed(1)} ms wall while profiling):`,
        ...formatProfile('ours (each kernel timed)', ourProfile.rows, ourProfile.wallMs),
      ];
      if (baseline) {
        const theirProfile = await baseline.profile(20);
        profileLines.push(
          '',
          ...formatProfile(
            'PyTorch (torch.profiler, self CPU time)',
            theirProfile.rows as ProfileRow[],
            theirProfile.wallMs as number,
          ),
        );
      }
      process.stdout.write(`${profileLines.join('\n')}\n`);
    }
  } finally {
    baseline?.close();
    tf.dispose([idx, targets]);
    model.dispose();
  }
}

function formatProfile(title: string, rows: ProfileRow[], wallMs: number): string[] {
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  const shown = rows.slice(0, 24);
  const rest = rows.slice(24);
  const line = (name: string, count: number | string, ms: number) =>
    `    ${name.padEnd(34)} ${String(count).padStart(6)} ${ms.toFixed(2).padStart(8)} ms ` +
    `${((100 * ms) / wallMs).toFixed(0).padStart(3)}%`;
  return [
    `  ${title}: ${total.toFixed(1)} ms in ${rows.reduce((n, row) => n + row.count, 0)} calls`,
    `    ${'operation'.padEnd(34)} ${'calls'.padStart(6)} ${'time'.padStart(11)} ${'of wall'}`,
    ...shown.map((row) => line(row.name, row.count, row.ms)),
    ...(rest.length
      ? [
          line(
            `(${rest.length} others)`,
            rest.reduce((n, row) => n + row.count, 0),
            rest.reduce((sum, row) => sum + row.ms, 0),
          ),
        ]
      : []),
    line('(outside these: framework, JS/Python)', '', Math.max(0, wallMs - total)),
  ];
}
