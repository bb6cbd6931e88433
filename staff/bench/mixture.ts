/**
 * Training speed of the GMM loop with the reference code: K = 1, 5, 10, 33, 50 epochs each, over the
 * Europe training set with batch 4096, evaluation included, exactly as the experiments run it. Prints the
 * seconds per K, the total wall and CPU time (medians over runs) and the ratio to PyTorch's time on this
 * kind of machine.
 * Figures only; nothing passes or fails on time.
 *
 *   npm run bench -- mixture [--runs 3] [--epochs 50] [--ks 1,5,10,33] [--model gmm|umm]
 */
import { parseArgs } from 'node:util';
import { currentBackend } from '../../harness/backend.js';
import { loadEurope } from '../../harness/data/europe.js';
import type { MixtureModel } from '../../lib/contract.js';
import { DEFAULT_SEED, Rng } from '../../lib/random.js';
import { MIXTURE_TRAINING, trainMixture } from '../../harness/training/mixture.js';
import { GMM } from '../../reference/gmm.js';
import { UMM } from '../../reference/umm.js';
import { positiveIntegerFlag } from '../../harness/cli.js';

/** PyTorch (1 thread) on this kind of machine: the GMM loop for K = 1, 5, 10, 33 × 50 epochs. */
const PYTORCH_GMM_SECONDS = 18;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function benchMixture(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string', default: '3' },
      epochs: { type: 'string', default: String(MIXTURE_TRAINING.epochs) },
      ks: { type: 'string', default: '1,5,10,33' },
      model: { type: 'string', default: 'gmm' },
    },
  });
  const runs = positiveIntegerFlag(values.runs, '--runs');
  const epochs = positiveIntegerFlag(values.epochs, '--epochs');
  const ks = values.ks.split(',').map((k) => positiveIntegerFlag(k.trim(), '--ks'));
  if (values.model !== 'gmm' && values.model !== 'umm')
    throw new Error(`bench mixture: --model must be gmm or umm, got '${values.model}'`);
  const kind = values.model;
  const data = loadEurope();
  const perK = new Map<number, number[]>(ks.map((K) => [K, []]));
  const totals: number[] = [];
  const cpuTotals: number[] = [];
  for (let run = 0; run < runs; run++) {
    let total = 0;
    const cpuBefore = process.cpuUsage();
    for (const K of ks) {
      const rng = new Rng(DEFAULT_SEED);
      const model: MixtureModel<unknown> = kind === 'gmm' ? GMM.random(K, rng) : UMM.random(K, rng);
      const history = await trainMixture(model, data, {
        learningRate: MIXTURE_TRAINING.learningRate[kind],
        rng,
        epochs,
        snapshotEpochs: [],
        quiet: true,
      });
      model.dispose();
      perK.get(K)!.push(history.seconds);
      total += history.seconds;
    }
    totals.push(total);
    const cpu = process.cpuUsage(cpuBefore);
    cpuTotals.push((cpu.user + cpu.system) / 1e6);
    process.stderr.write(
      `run ${run + 1}/${runs}: ${total.toFixed(1)} s wall, ${cpuTotals[run].toFixed(1)} s CPU\n`,
    );
  }
  const exercise = epochs === MIXTURE_TRAINING.epochs && ks.join() === '1,5,10,33' && kind === 'gmm';
  const lines = [
    `${kind.toUpperCase()} training loop: ${currentBackend()} backend, ${data.train.n} train + ${data.test.n} test rows, ` +
      `batch ${MIXTURE_TRAINING.batchSize}, ${epochs} epochs, evaluation after each epoch included`,
    ...ks.map((K) => `  K = ${String(K).padEnd(3)} median ${median(perK.get(K)!).toFixed(2)} s`),
    `  total     median ${median(totals).toFixed(2)} s over ${runs} run(s) (min ${Math.min(...totals).toFixed(2)}, max ${Math.max(...totals).toFixed(2)})`,
    // CPU time is the steadier figure on a shared machine (wall time counts other processes' turns too)
    `  CPU time  median ${median(cpuTotals).toFixed(2)} s (user + system of this process)`,
    exercise
      ? `  PyTorch (1 thread) on this kind of machine: ${PYTORCH_GMM_SECONDS} s → ratio ${(median(totals) / PYTORCH_GMM_SECONDS).toFixed(2)} (below 1 is faster)`
      : '  (the PyTorch comparison needs the exercise settings: --epochs 50 --ks 1,5,10,33 --model gmm)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
