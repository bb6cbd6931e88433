/**
 * npm run bench -- mixture|gpt|all: speed figures (medians, ratios to the PyTorch baselines measured on
 * this kind of machine). Figures only; nothing here passes or fails on time.
 */
import { initBackend } from '../../harness/backend.js';
import { runMain } from '../../harness/cli.js';
import { benchGpt } from './gpt.js';
import { benchMixture } from './mixture.js';

await runMain(async () => {
  const which = process.argv[2] ?? 'all';
  if (!['mixture', 'gpt', 'all'].includes(which)) throw new Error('usage: npm run bench -- mixture|gpt|all');
  await initBackend();
  if (which === 'mixture' || which === 'all') await benchMixture(process.argv.slice(3));
  if (which === 'gpt' || which === 'all') await benchGpt(process.argv.slice(3));
});
