/**
 * npm run grade -- [--submission DIR] [--verbose] [--json FILE] [--fixtures DIR] [--hidden-fixtures DIR]
 *                  [--timeout SECONDS] [--expect-full]
 * Grades a submission (default: skeleton/) and prints the score table. Exit 0 when grading ran,
 * whatever the score; with --expect-full, exit 1 unless the score is full.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { command, runCommand, userPath } from '../harness/cli.js';
import { PROJECT_ROOT } from '../harness/submission.js';
import { formatReportTable } from './format/table.js';
import { toGradescopeResults } from './format/gradescope.js';
import { DEFAULT_TIMEOUT_MS, gradeSubmission } from './grade.js';

interface Options {
  submission?: string;
  verbose: boolean;
  json?: string;
  fixtures?: string;
  hiddenFixtures?: string;
  timeout: number;
  expectFull: boolean;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`must be a positive number of seconds, got '${value}'`);
  return n;
}

const program = command('grade', 'Grades a submission and prints its score table.', [
  'npm run grade',
  'npm run grade -- --verbose',
  'npm run grade -- --submission ../my-ex5 --json results.json',
])
  .option('--submission <dir>', 'the folder with the five submission files (default: skeleton/)')
  .option('--verbose', 'list every test, not only the failed ones', false)
  .option('--json <file>', "also write Gradescope's results.json")
  .option('--fixtures <dir>', 'expected values (default: fixtures/)')
  .option('--hidden-fixtures <dir>', "a TA's hidden set (default: the public fixtures stand in)")
  .option('--timeout <seconds>', 'time limit for the whole grade', seconds, DEFAULT_TIMEOUT_MS / 1000)
  .option('--expect-full', 'exit 1 unless the score is full (CI)', false);

await runCommand<Options>(program, async (options) => {
  const submission = options.submission ? userPath(options.submission) : path.join(PROJECT_ROOT, 'skeleton');
  const report = await gradeSubmission(submission, {
    fixturesDir: options.fixtures && userPath(options.fixtures),
    hiddenFixturesDir: options.hiddenFixtures && userPath(options.hiddenFixtures),
    timeoutMs: options.timeout * 1000,
  });
  const table = formatReportTable(
    { ...report, submission: options.submission ?? 'skeleton' },
    { verbose: options.verbose, width: process.stdout.columns },
  );
  process.stdout.write(`${table}\n`);
  if (options.json !== undefined) {
    const file = userPath(options.json);
    await writeFile(file, `${JSON.stringify(toGradescopeResults(report), null, 2)}\n`);
    process.stderr.write(`Gradescope results: ${file}\n`);
  }
  if (options.expectFull && report.score !== report.maxScore) {
    process.stderr.write(`expected full marks, got ${report.score}/${report.maxScore}\n`);
    return 1;
  }
  return 0;
});
