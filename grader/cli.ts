/**
 * npm run grade -- [--submission DIR] [--json FILE] [--fixtures DIR] [--hidden-fixtures DIR]
 *                  [--timeout SECONDS] [--expect-full]
 * Grades a submission (default: skeleton/) and prints the score table. Exit 0 when grading ran,
 * whatever the score; with --expect-full, exit 1 unless the score is full.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runMain } from '../harness/cli.js';
import { formatReportTable } from './format/table.js';
import { toGradescopeResults } from './format/gradescope.js';
import { DEFAULT_TIMEOUT_MS, gradeSubmission } from './grade.js';

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      submission: { type: 'string', default: 'skeleton' },
      json: { type: 'string' },
      fixtures: { type: 'string' },
      'hidden-fixtures': { type: 'string' },
      timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_MS / 1000) },
      'expect-full': { type: 'boolean', default: false },
    },
  });
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0))
    throw new Error(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  const report = await gradeSubmission(values.submission, {
    fixturesDir: values.fixtures,
    hiddenFixturesDir: values['hidden-fixtures'],
    timeoutMs: timeoutSeconds * 1000,
  });
  process.stdout.write(`${formatReportTable(report)}\n`);
  if (values.json !== undefined) {
    await writeFile(values.json, `${JSON.stringify(toGradescopeResults(report), null, 2)}\n`);
    process.stderr.write(`Gradescope results: ${values.json}\n`);
  }
  if (values['expect-full'] && report.score !== report.maxScore) {
    process.stderr.write(`expected full marks, got ${report.score}/${report.maxScore}\n`);
    return 1;
  }
  return 0;
});
