/**
 * npm run grade:batch -- SUBMISSIONS_DIR --out RESULTS_DIR [--jobs N] [--timeout S] [--memory MB]
 *                        [--resume | --retry-failed | --regrade ID…] [--hidden DIR] [--no-sandbox]
 * Grades every submission (folder or .zip) in SUBMISSIONS_DIR, its code in a sandboxed candidate, and
 * writes gradebook.csv, results.json, feedback/<id>.txt and .html, and index.html into RESULTS_DIR. Exit 0 when the batch
 * ran, whatever the scores; 1 when the grader's own files changed during the batch (they never should).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { command, positiveInteger, runCommand, UsageError, userPath } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { BatchInterrupted, DEFAULT_LIMITS, defaultJobs, runBatch, type BatchProgress } from './batch.js';
import { stopAllIsolated } from './isolate.js';
import { describeSandbox, requireSandbox } from '../../grader/sandbox/sandbox.js';
import { hashTree, treeDifferences } from './tree-hash.js';
import { formatSummary, writeBatchResults } from './writers.js';

interface Options {
  out: string;
  jobs: number;
  timeout: number;
  memory: number;
  resume: boolean;
  retryFailed: boolean;
  regrade?: string[];
  hidden?: string;
  sandbox: boolean;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`must be a positive number, got '${value}'`);
  return number;
}

const program = command('grade:batch', 'Grades a folder of submissions, each in its own sandbox.', [
  'npm run grade:batch -- hand-ins/ --out results/',
  'npm run grade:batch -- hand-ins/ --out results/ --hidden ../hidden-2027 --jobs 2 --resume',
  'npm run grade:batch -- hand-ins/ --out results/ --retry-failed',
  'npm run grade:batch -- hand-ins/ --out results/ --regrade 1234567 2345678',
])
  .argument('<submissions>', 'a folder of submission folders and ex5-<ID>.zip files')
  .requiredOption('--out <dir>', 'where index.html, gradebook.csv, results.json and feedback/ go')
  .option('--jobs <n>', 'submissions graded at once', positiveInteger, defaultJobs())
  .option('--timeout <seconds>', 'time limit per submission', positiveNumber, DEFAULT_LIMITS.timeoutMs / 1000)
  .option('--memory <MB>', 'memory limit per submission', positiveInteger, DEFAULT_LIMITS.memoryMb)
  .option('--resume', 'keep the submissions already graded in --out', false)
  .option(
    '--retry-failed',
    'as --resume, and regrade the rows that are crashed, timeout, out-of-memory or unreadable',
    false,
  )
  .option('--regrade <id...>', 'regrade exactly these IDs, keeping every other row of --out')
  .option('--hidden <dir>', 'the hidden fixtures (made with npm run fixtures -- --hidden DIR --seed N)')
  .option('--no-sandbox', 'grade without a sandbox where none can start (the gradebook records it)');

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

await runCommand<Options>(program, async (values, [submissionsArgument]) => {
  if (values.regrade && (values.resume || values.retryFailed))
    throw new UsageError('--regrade keeps every other row already: leave out --resume and --retry-failed');
  const jobs = values.jobs;
  const limits = { timeoutMs: values.timeout * 1000, memoryMb: values.memory };
  const resultsDir = userPath(values.out);
  const hiddenDir = values.hidden === undefined ? undefined : userPath(values.hidden);

  // before anything else: without a sandbox, and without the TA's say-so, nobody is graded
  const sandbox = requireSandbox(!values.sandbox);
  process.stderr.write(`${describeSandbox(sandbox)}\n`);
  const reference = path.join(PROJECT_ROOT, 'reference');
  // the uid fallback cannot hide what everyone may read: the reference solution above all
  if (sandbox === 'uid' && existsSync(reference) && (statSync(reference).mode & 0o004) !== 0)
    process.stderr.write(`warning: ${reference} is readable by the submissions' uid; chmod o-rwx it\n`);
  if (hiddenDir === undefined) {
    process.stderr.write('no --hidden DIR: the hidden tests run on the public fixtures\n');
  }
  const before = await hashTree(PROJECT_ROOT);
  // Ctrl-C (or a TA's kill): stop every grade now, let each remove its sandbox, keep what is recorded
  const interrupt = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping every grade and removing its sandbox…\n`);
    interrupt.abort();
    stopAllIsolated();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const result = await runBatch({
    signal: interrupt.signal,
    submissionsDir: userPath(submissionsArgument),
    resultsDir,
    jobs,
    limits,
    resume: values.resume,
    retryFailed: values.retryFailed,
    regrade: values.regrade,
    hiddenFixturesDir: hiddenDir,
    sandbox,
    onProgress: progressPrinter(),
  }).catch((error: unknown) => {
    if (!(error instanceof BatchInterrupted)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  });
  if (result === undefined) return 130; // 128 + SIGINT, as shells report an interrupted command
  await writeBatchResults(resultsDir, result.outcomes, result.skipped);
  process.stdout.write(`${formatSummary(result.outcomes, result)}\n`);
  process.stdout.write(`results: ${resultsDir}/index.html, gradebook.csv, results.json, feedback/\n`);

  const changed = treeDifferences(before, await hashTree(PROJECT_ROOT));
  if (changed.length > 0) {
    process.stderr.write(
      `error: grader files changed during the batch: ${changed.slice(0, 10).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
});
