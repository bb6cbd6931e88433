/**
 * npm run similarity -- SUBMISSIONS_DIR --out RESULTS_DIR [--skeleton DIR] [--top N] [--k TOKENS]
 *                       [--window N] [--max-share FRACTION]
 * Compares every pair of submissions (folders or ex5-<ID>.zip files) on their own code, the skeleton's
 * removed, and writes RESULTS_DIR/similarity.csv (every pair that shares code, ranked) and
 * RESULTS_DIR/similarity.html (the top pairs side by side). It reports; it does not accuse.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { runMain } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { similarityCsv, similarityHtml } from './report.js';
import { compareSubmissions, DEFAULT_SIMILARITY_OPTIONS, type SubmissionSources } from './similarity.js';
import { readAllSources } from './sources.js';
import { existsSync, readFileSync } from 'node:fs';

const USAGE = 'usage: npm run similarity -- SUBMISSIONS_DIR --out RESULTS_DIR [--skeleton DIR] [--top N]';

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

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

await runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      skeleton: { type: 'string', default: path.join(PROJECT_ROOT, 'skeleton') },
      top: { type: 'string', default: '20' },
      k: { type: 'string', default: String(DEFAULT_SIMILARITY_OPTIONS.k) },
      window: { type: 'string', default: String(DEFAULT_SIMILARITY_OPTIONS.window) },
      'max-share': { type: 'string', default: String(DEFAULT_SIMILARITY_OPTIONS.maxShare) },
    },
  });
  if (positionals.length !== 1 || values.out === undefined) throw new Error(USAGE);
  const options = {
    k: positiveNumber('k', values.k, true),
    window: positiveNumber('window', values.window, true),
    maxShare: positiveNumber('max-share', values['max-share'], false),
  };
  const top = positiveNumber('top', values.top, true);
  const started = performance.now();

  const skeleton = readSkeleton(values.skeleton);
  const { submissions, unreadable } = await readAllSources(positionals[0]);
  for (const problem of unreadable) process.stderr.write(`skipped: ${problem}\n`);
  if (submissions.length < 2)
    throw new Error(`${positionals[0]}: ${submissions.length} readable submissions, need 2`);
  const result = compareSubmissions(submissions, skeleton, options);

  await mkdir(values.out, { recursive: true });
  const csvFile = path.join(values.out, 'similarity.csv');
  const htmlFile = path.join(values.out, 'similarity.html');
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
