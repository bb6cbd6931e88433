/**
 * npm run grade:batch -- SUBMISSIONS_DIR --out RESULTS_DIR [--jobs N] [--timeout S] [--memory MB]
 *                        [--resume] [--hidden DIR] [--no-sandbox]
 * Grades every submission (folder or .zip) in SUBMISSIONS_DIR, its code in a sandboxed candidate, and
 * writes gradebook.csv, results.json and feedback/<id>.txt into RESULTS_DIR. Exit 0 when the batch
 * ran, whatever the scores; 1 when the grader's own files changed during the batch (they never should).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { DEFAULT_LIMITS, defaultJobs, runBatch, type BatchProgress } from './batch.js';
import { describeSandbox, requireSandbox } from '../../grader/sandbox/sandbox.js';
import { hashTree, treeDifferences } from './tree-hash.js';
import { formatSummary, writeBatchResults } from './writers.js';

const USAGE =
  'usage: npm run grade:batch -- SUBMISSIONS_DIR --out RESULTS_DIR [--jobs N] [--timeout S] [--memory MB] [--resume] [--hidden DIR] [--no-sandbox]';

function positiveNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`--${flag} must be a positive number, got '${value}'`);
  return number;
}

/** One line, rewritten in place on a terminal; one line per submission otherwise (CI logs). */
function progressPrinter(): (progress: BatchProgress) => void {
  const tty = process.stderr.isTTY;
  return ({ done, total, running, last }) => {
    if (!tty) {
      if (last)
        process.stderr.write(
          `[${done}/${total}] ${last.id}: ${last.status} ${last.score}/${last.maxScore}\n`,
        );
      return;
    }
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const latest = last ? `  last: ${last.id} ${last.status} ${last.score}/${last.maxScore}` : '';
    process.stderr.write(`\r\x1b[K${bar} ${done}/${total}, ${running} running${latest}`);
    if (done === total) process.stderr.write('\n');
  };
}

await runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      jobs: { type: 'string', default: String(defaultJobs()) },
      timeout: { type: 'string', default: String(DEFAULT_LIMITS.timeoutMs / 1000) },
      memory: { type: 'string', default: String(DEFAULT_LIMITS.memoryMb) },
      resume: { type: 'boolean', default: false },
      hidden: { type: 'string' },
      'no-sandbox': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || values.out === undefined) throw new Error(USAGE);
  const jobs = Math.floor(positiveNumber('jobs', values.jobs));
  const limits = {
    timeoutMs: positiveNumber('timeout', values.timeout) * 1000,
    memoryMb: Math.floor(positiveNumber('memory', values.memory)),
  };

  // before anything else: without a sandbox, and without the TA's say-so, nobody is graded
  const sandbox = requireSandbox(values['no-sandbox']);
  process.stderr.write(`${describeSandbox(sandbox)}\n`);
  const reference = path.join(PROJECT_ROOT, 'reference');
  // the uid fallback cannot hide what everyone may read: the reference solution above all
  if (sandbox === 'uid' && existsSync(reference) && (statSync(reference).mode & 0o004) !== 0)
    process.stderr.write(`warning: ${reference} is readable by the submissions' uid; chmod o-rwx it\n`);
  if (values.hidden === undefined) {
    process.stderr.write('no --hidden DIR: the hidden tests run on the public fixtures\n');
  }
  const before = await hashTree(PROJECT_ROOT);
  const result = await runBatch({
    submissionsDir: positionals[0],
    resultsDir: values.out,
    jobs,
    limits,
    resume: values.resume,
    hiddenFixturesDir: values.hidden,
    sandbox,
    onProgress: progressPrinter(),
  });
  await writeBatchResults(values.out, result.outcomes);
  process.stdout.write(`${formatSummary(result.outcomes, result)}\n`);
  process.stdout.write(`results: ${values.out}/gradebook.csv, results.json, feedback/\n`);

  const changed = treeDifferences(before, await hashTree(PROJECT_ROOT));
  if (changed.length > 0) {
    process.stderr.write(
      `error: grader files changed during the batch: ${changed.slice(0, 10).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
});
