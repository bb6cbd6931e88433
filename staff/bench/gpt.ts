/**
 * Training speed of the exercise's GPT with the reference code: one Adam step (forward, backward, update)
 * on a batch of random windows, as harness/training/gpt.ts runs it. Prints the median time per step after a
 * warm-up, tokens/s, kernels per step, peak tensor memory, the estimated time of one epoch and the ratio
 * to PyTorch on this kind of machine. Figures only; nothing passes or fails on time.
 *
 *   npm run bench -- gpt [--steps 40] [--warmup 5] [--batch 64]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import * as training from '../../reference/training.js';
import { CausalSelfAttention } from '../../reference/attention.js';
import { currentBackend } from '../../harness/backend.js';
import { EXERCISE_GPT_CONFIG, type GPTConfig } from '../../lib/contract.js';
import { Adam } from '../../harness/training/adam.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import { EXERCISE_TRAINING, trainingStep } from '../../harness/training/gpt.js';
import { positiveIntegerFlag } from '../../harness/cli.js';

/** Debian python3-torch 1.13, torch.set_num_threads(1), same model, batch 64, on this kind of machine. */
const PYTORCH_MS_PER_STEP = 43.8;
const VOCABULARY_SIZE = 65;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function benchGpt(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      steps: { type: 'string', default: '40' },
      warmup: { type: 'string', default: '5' },
      batch: { type: 'string', default: String(EXERCISE_TRAINING.batchSize) },
    },
  });
  const steps = positiveIntegerFlag(values.steps, '--steps');
  const warmup = positiveIntegerFlag(values.warmup, '--warmup');
  const batch = positiveIntegerFlag(values.batch, '--batch');
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
  const profile = await tf.profile(step);
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
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  const cpuMedian = quantile(cpuTimes, 0.5);
  const tokensPerSecond = (batch * T * 1000) / median;
  const stepsPerEpoch = Math.ceil(EXERCISE_TRAINING.windowsPerEpoch / batch);
  const lines = [
    `GPT training step: ${currentBackend()} backend, batch ${batch}, T ${T}, ${config.nLayer} layers, ` +
      `${config.nHead} heads, ${config.nEmbd} dims, vocabulary ${config.vocabSize}`,
    `  ms per step     median ${median.toFixed(1)}  (p10 ${quantile(times, 0.1).toFixed(1)}, ` +
      `p90 ${quantile(times, 0.9).toFixed(1)}; ${steps} steps after ${warmup} warm-up)`,
    `  CPU ms per step median ${cpuMedian.toFixed(1)}  (the process's own CPU time: what the step costs ` +
      `when it has a core to itself; ${((batch * T * 1000) / cpuMedian).toFixed(0)} tokens per CPU-second)`,
    `  tokens/s        ${Math.round(tokensPerSecond).toLocaleString('en')}`,
    `  kernels/step    ${profile.kernels.length}`,
    `  peak memory     ${(profile.peakBytes / 2 ** 20).toFixed(1)} MiB of tensors in a step; ` +
      `process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    `  one epoch       ~${((stepsPerEpoch * median) / 1000).toFixed(0)} s (${stepsPerEpoch} steps of ` +
      `${EXERCISE_TRAINING.batchSize} windows), training only`,
    `  vs PyTorch      ${PYTORCH_MS_PER_STEP} ms per step (1.13, one thread, batch 64): ` +
      `${(PYTORCH_MS_PER_STEP / median).toFixed(2)}× its speed by wall time, ` +
      `${(PYTORCH_MS_PER_STEP / cpuMedian).toFixed(2)}× by CPU time` +
      (batch === 64 ? '' : ' (different batch: not comparable)'),
    '  (timings are noisy on a shared machine: compare runs side by side)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  tf.dispose([idx, targets]);
  model.dispose();
}
