/**
 * npm run fixtures -- [--out DIR] [--seed N]        (or --hidden DIR --seed N: a TA's hidden set)
 * Writes the grader's fixtures (default: fixtures/, seed 42) from the reference, on the cpu backend so
 * that every machine writes the same bytes. Another seed and --out make a hidden set for the TAs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { command, integer, runCommand, UsageError, userPath } from '../lib/cli.js';
import { DEFAULT_SEED } from '../lib/random.js';
import { PROJECT_ROOT } from '../lib/submission.js';

interface Options {
  out?: string;
  seed: number;
  hidden?: string;
}

const program = command(
  'fixtures',
  "Writes the grader's fixtures from the reference (cpu backend: the same bytes everywhere).",
  ['npm run fixtures', 'npm run fixtures -- --hidden ../hidden-2027 --seed 7'],
)
  .option('--out <dir>', 'where to write them (default: fixtures/)')
  .option('--seed <n>', 'seed of every draw behind the fixtures', integer, DEFAULT_SEED)
  .option('--hidden <dir>', "a TA's hidden set: --out with a --seed other than the public one");

await runCommand<Options>(program, async (options) => {
  // a hidden set must not share the public fixtures' seed, or it would hide nothing
  if (options.hidden !== undefined && options.seed === DEFAULT_SEED)
    throw new UsageError(`--hidden needs a --seed other than the public fixtures' ${DEFAULT_SEED}`);
  if (options.hidden !== undefined && options.out !== undefined)
    throw new UsageError('--hidden DIR already says where to write; leave out --out');
  if (options.seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${options.seed}`);
  const target = options.hidden ?? options.out;
  const outDir = target === undefined ? path.join(PROJECT_ROOT, 'fixtures') : userPath(target);
  // tfjs and the reference load only now, so that --help and usage errors answer at once
  const { initBackend } = await import('../lib/backend.js');
  const { fixtureFile } = await import('../grader/fixtures.js');
  const { makeFixtures } = await import('./fixtures/make.js');
  await initBackend();
  const files = await makeFixtures(options.seed);
  await mkdir(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const file = fixtureFile(outDir, name as Parameters<typeof fixtureFile>[1]);
    await writeFile(file, text);
    process.stderr.write(`wrote ${path.relative(process.cwd(), file)} (${text.length} bytes)\n`);
  }
});
