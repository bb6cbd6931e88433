/**
 * Training speed of the GMM loop with the reference code, side by side with PyTorch: K = 1, 5, 10, 33,
 * 50 epochs each, over the Europe training set with batch 4096 and the evaluation of both splits after each
 * epoch, exactly as the experiments run it (harness/training/mixture.ts), against the same loop in
 * pytorch/mixture.py. One run of ours and one of PyTorch's alternate (A B A B); the ratio is taken pair by
 * pair. Figures only; nothing passes or fails on time.
 *
 *   npm run bench -- mixture [--pairs 3] [--epochs 50] [--ks 1,5,10,33] [--model gmm|umm] [--no-pytorch]
 */
import { currentBackend } from '../../harness/backend.js';
import { loadEurope } from '../../harness/data/europe.js';
import type { MixtureModel } from '../../lib/contract.js';
import { DEFAULT_SEED, Rng } from '../../lib/random.js';
import { MIXTURE_TRAINING, trainMixture } from '../../harness/training/mixture.js';
import { GMM } from '../../reference/gmm.js';
import { UMM } from '../../reference/umm.js';
import { alternate, median, startBaseline, summary, type Figure } from './side-by-side.js';

export interface MixtureBenchOptions {
  pairs: number;
  epochs: number;
  ks: number[];
  model: 'gmm' | 'umm';
  /** False with --no-pytorch. */
  pytorch: boolean;
}

export async function benchMixture(values: MixtureBenchOptions): Promise<void> {
  const { pairs, epochs, ks } = values;
  const kind = values.model;
  const data = loadEurope();
  const perK = new Map<number, number[]>(ks.map((K) => [K, []]));

  const ours = async (): Promise<Figure> => {
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
    const cpu = process.cpuUsage(cpuBefore);
    return { time: total, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  // PyTorch's baseline is the GMM only (the exercise's figure)
  const { baseline, missing } = await startBaseline(
    'mixture.py',
    ['--ks', ks.join(','), '--epochs', String(epochs)],
    values.pytorch && kind === 'gmm',
  );
  const theirs = baseline
    ? async (): Promise<Figure> => {
        const answer = await baseline.run();
        return { time: answer.seconds as number, cpu: answer.cpuSeconds as number };
      }
    : undefined;
  try {
    process.stdout.write(
      `${kind.toUpperCase()} training loop: K = ${ks.join(', ')}, ${epochs} epochs, batch ${MIXTURE_TRAINING.batchSize}, ` +
        `Adam ${MIXTURE_TRAINING.learningRate[kind]}, ${data.train.n} train + ${data.test.n} test rows, ` +
        `evaluation after each epoch included; ours on the ${currentBackend()} backend\n` +
        `  ${pairs} pairs of one whole loop each side, seconds\n`,
    );
    const result = await alternate(pairs, ours, theirs, (pair, our, their) =>
      process.stderr.write(
        `  pair ${pair + 1}/${pairs}: ours ${our.time.toFixed(2)} s` +
          (their ? `, PyTorch ${their.time.toFixed(2)} s` : '') +
          '\n',
      ),
    );
    const lines = [
      ...summary(
        result,
        's',
        2,
        baseline,
        kind === 'gmm' ? missing : 'the PyTorch baseline is the GMM loop only',
      ),
      `  ours by K ${ks.map((K) => `K = ${K}: ${median(perK.get(K)!).toFixed(2)} s`).join(', ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    baseline?.close();
  }
}
