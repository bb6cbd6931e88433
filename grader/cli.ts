/**
 * npm run grade -- [--submission DIR] [--verbose] [--json FILE] [--fixtures DIR] [--hidden-fixtures DIR]
 *                  [--timeout SECONDS] [--expect-full]
 * Grades a submission (default: skeleton/) and prints the score table. Exit 0 when grading ran,
 * whatever the score; with --expect-full, exit 1 unless the score is full.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { choicesOf, command, runCommand, userPath } from '../harness/cli.js';
import { PROJECT_ROOT } from '../harness/submission.js';
import { formatReportTable } from './format/table.js';
import { toGradescopeResults } from './format/gradescope.js';
import { DEFAULT_TIMEOUT_MS, gradeSubmission, PARTS, type Part } from './grade.js';

interface Options {
  submission?: string;
  only?: Part[];
  verbose: boolean;
  json?: string;
  fixtures?: string;
  hiddenFixtures?: string;
  timeout: number;
  expectFull: boolean;
}

/** On a terminal, a line that shows the grade is alive; it is cleared when the table comes. */
function spinner(what: string): () => void {
  if (!process.stderr.isTTY) return () => {};
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  const started = Date.now();
  let frame = 0;
  const timer = setInterval(() => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    process.stderr.write(`\r${frames[frame++ % frames.length]} grading ${what}… ${seconds} s`);
  }, 100);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\u001b[K');
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`must be a positive number of seconds, got '${value}'`);
  return n;
}

const program = command('grade', 'Grades a submission and prints its score table.', [
  'npm run grade',
  'npm run grade -- --verbose',
  'npm run grade -- --only gmm,umm',
  'npm run grade -- --submission ../my-ex5 --json results.json',
])
  .option('--submission <dir>', 'the folder with the five submission files (default: skeleton/)')
  .option('--verbose', 'list every test, not only the failed ones', false)
  .addOption(
    new Option(
      '--only <parts...>',
      `grade only these parts (${PARTS.join(', ')}): faster, only their suites run`,
    ).argParser(choicesOf(PARTS, 'parts')),
  )
  .option('--json <file>', "also write Gradescope's results.json")
  .option('--fixtures <dir>', 'expected values (default: fixtures/)')
  .option('--hidden-fixtures <dir>', "a TA's hidden set (default: the public fixtures stand in)")
  .option('--timeout <seconds>', 'time limit for the whole grade', seconds, DEFAULT_TIMEOUT_MS / 1000)
  .option('--expect-full', 'exit 1 unless the score is full (CI)', false);

await runCommand<Options>(program, async (options) => {
  const submission = options.submission ? userPath(options.submission) : path.join(PROJECT_ROOT, 'skeleton');
  const stop = spinner(options.submission ?? 'skeleton');
  const report = await gradeSubmission(submission, {
    fixturesDir: options.fixtures && userPath(options.fixtures),
    hiddenFixturesDir: options.hiddenFixtures && userPath(options.hiddenFixtures),
    timeoutMs: options.timeout * 1000,
    only: options.only,
  }).finally(stop);
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
