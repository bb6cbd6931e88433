/**
 * npm run fixtures -- [--out DIR] [--seed N]        (or --hidden DIR --seed N: a TA's hidden set)
 * Writes the grader's fixtures (default: fixtures/, seed 42) from the reference, on the cpu backend so
 * that every machine writes the same bytes. Another seed and --out make a hidden set for the TAs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../lib/backend.js';
import { runMain } from '../lib/cli.js';
import { DEFAULT_SEED } from '../lib/random.js';
import { fixtureFile, type FixtureName } from '../grader/fixtures.js';
import { makeFixtures } from './fixtures/make.js';

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'fixtures' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      hidden: { type: 'string' },
    },
  });
  // --hidden DIR is --out DIR for a TA's set, which must not share the public fixtures' seed
  if (values.hidden !== undefined && values.seed === String(DEFAULT_SEED)) {
    throw new Error(`--hidden needs a --seed other than the public fixtures' ${DEFAULT_SEED}`);
  }
  const outDir = values.hidden ?? values.out;
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  await initBackend();
  const files = await makeFixtures(seed);
  await mkdir(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const file = fixtureFile(outDir, name as FixtureName);
    await writeFile(file, text);
    process.stderr.write(`wrote ${path.relative(process.cwd(), file)} (${text.length} bytes)\n`);
  }
});
