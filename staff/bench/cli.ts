/**
 * npm run bench -- gpt|mixture|grade|all [options]: our speed side by side with PyTorch's (gpt, mixture:
 * alternating runs in one session, medians and their ratio) and the time of a whole grade. Figures only;
 * nothing here passes or fails on time. Options go to each benchmark (see staff/bench/*.ts).
 */
import os from 'node:os';
import { initBackend } from '../../harness/backend.js';
import { runMain } from '../../harness/cli.js';
import { benchGpt } from './gpt.js';
import { benchGrade } from './grade.js';
import { benchMixture } from './mixture.js';

const BENCHMARKS = ['gpt', 'mixture', 'grade'] as const;

await runMain(async () => {
  const which = process.argv[2] ?? 'all';
  if (which !== 'all' && !(BENCHMARKS as readonly string[]).includes(which))
    throw new Error('usage: npm run bench -- gpt|mixture|grade|all [options]');
  const args = process.argv.slice(3);
  if (which === 'all' && args.length)
    throw new Error('bench all takes no options: run one benchmark to pass options to it');
  await initBackend();
  process.stdout.write(`bench ${which}, ${new Date().toISOString()}, ${machine()}\n\n`);
  if (which === 'gpt' || which === 'all') await benchGpt(args);
  if (which === 'all') process.stdout.write('\n');
  if (which === 'mixture' || which === 'all') await benchMixture(args);
  if (which === 'all') process.stdout.write('\n');
  if (which === 'grade' || which === 'all') await benchGrade(args);
});

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.versions.node}`;
}
