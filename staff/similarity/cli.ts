/**
 * npm run similarity -- SUBMISSIONS_DIR --out RESULTS_DIR [--skeleton DIR] [--top N] [--k TOKENS]
 *                       [--window N] [--max-share FRACTION]
 * Compares every pair of submissions (folders or ex5-<ID>.zip files) on their own code, the skeleton's
 * removed, and writes RESULTS_DIR/similarity.csv (every pair that shares code, ranked) and
 * RESULTS_DIR/similarity.html (the top pairs side by side). It reports; it does not accuse.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { InvalidArgumentError } from 'commander';
import { command, positiveInteger, runCommand, userPath } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { similarityCsv, similarityHtml } from './report.js';
import { compareSubmissions, DEFAULT_SIMILARITY_OPTIONS, type SubmissionSources } from './similarity.js';
import { readAllSources } from './sources.js';
import { existsSync, readFileSync } from 'node:fs';

interface Options {
  out: string;
  skeleton?: string;
  top: number;
  k: number;
  window: number;
  maxShare: number;
}

/** Parser for a fraction in (0, 1]. */
function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`must be a number in (0, 1], got '${value}'`);
  return n;
}

const program = command(
  'similarity',
  'Ranks pairs of submissions by the code they share, the skeleton removed. It reports; it does not accuse.',
  [
    'npm run similarity -- hand-ins/ --out similarity/',
    'npm run similarity -- hand-ins/ --out similarity/ --top 40',
  ],
)
  .argument('<submissions>', 'a folder of submission folders or ex5-<ID>.zip files')
  .requiredOption('--out <dir>', 'where similarity.csv and similarity.html go')
  .option('--skeleton <dir>', 'the handed-out code, removed before comparing (default: skeleton/)')
  .option('--top <n>', 'pairs shown side by side in the HTML page', positiveInteger, 20)
  .option('--k <tokens>', 'tokens per fingerprinted k-gram', positiveInteger, DEFAULT_SIMILARITY_OPTIONS.k)
  .option('--window <n>', 'winnowing window', positiveInteger, DEFAULT_SIMILARITY_OPTIONS.window)
  .option(
    '--max-share <fraction>',
    'k-grams in more than this share of submissions count as common',
    share,
    DEFAULT_SIMILARITY_OPTIONS.maxShare,
  );

/** The handed-out files; every one must be there, or the skeleton's code would count as copying. */
function readSkeleton(dir: string): SubmissionSources['files'] {
  const files: SubmissionSources['files'] = {};
  for (const [part, file] of Object.entries(SUBMISSION_FILES) as [SubmissionPart, string][]) {
    const fullPath = path.join(dir, file);
    if (!existsSync(fullPath))
      throw new Error(`skeleton ${fullPath} is missing: the handed-out code cannot be removed`);
    files[part] = readFileSync(fullPath, 'utf8');
  }
  return files;
}

await runCommand<Options>(program, async (values, [submissionsArgument]) => {
  const options = { k: values.k, window: values.window, maxShare: values.maxShare };
  const top = values.top;
  const submissionsDir = userPath(submissionsArgument);
  const outDir = userPath(values.out);
  const started = performance.now();

  const skeleton = readSkeleton(
    values.skeleton === undefined ? path.join(PROJECT_ROOT, 'skeleton') : userPath(values.skeleton),
  );
  const { submissions, unreadable } = await readAllSources(submissionsDir);
  for (const problem of unreadable) process.stderr.write(`skipped: ${problem}\n`);
  if (submissions.length < 2)
    throw new Error(`${submissionsArgument}: ${submissions.length} readable submissions, need 2`);
  const result = compareSubmissions(submissions, skeleton, options);

  await mkdir(outDir, { recursive: true });
  const csvFile = path.join(outDir, 'similarity.csv');
  const htmlFile = path.join(outDir, 'similarity.html');
  await writeFile(csvFile, similarityCsv(result));
  await writeFile(htmlFile, similarityHtml(result, submissions, top));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${submissions.length} submissions, ${result.pairs.length} pairs share code (${seconds} s). Highest:\n`,
  );
  for (const pair of result.pairs.slice(0, 5)) {
    process.stdout.write(`  ${(100 * pair.score).toFixed(1).padStart(5)}%  ${pair.a} – ${pair.b}\n`);
  }
  process.stdout.write(`${csvFile}\n${htmlFile}\nA high score is a reason to look, not a verdict.\n`);
  return 0;
});
