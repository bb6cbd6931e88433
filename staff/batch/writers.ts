/**
 * Writers for a batch, one per format, all from the same outcomes: gradebook.csv for the TA's
 * spreadsheet, results.json with every test of every student, feedback/<id>.txt and .html per student,
 * index.html for the TA (html/), and the summary printed on the terminal.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Table from 'cli-table3';
import { formatReportTable } from '../../grader/format/table.js';
import { GROUPS } from '../../grader/results.js';
import type { BatchResult } from './batch.js';
import { formatStatusLines, STATUSES } from '../../grader/status.js';
import { writeHtmlPages } from './html/pages.js';
import type { SubmissionOutcome } from './outcome.js';
import type { SkippedEntry } from './submissions.js';

export const GRADEBOOK_COLUMNS = [
  'id',
  'name',
  'login',
  'total',
  'max',
  ...GROUPS,
  'status',
  'seconds',
  'sandbox',
];

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatGradebook(outcomes: SubmissionOutcome[]): string {
  const rows = outcomes.map((outcome) => [
    outcome.id,
    outcome.name ?? '',
    outcome.login ?? '',
    outcome.score,
    outcome.maxScore,
    ...GROUPS.map((group) => outcome.groups.find((g) => g.group === group)?.points ?? 0),
    outcome.status,
    outcome.seconds,
    outcome.sandbox ?? '',
  ]);
  return [GRADEBOOK_COLUMNS, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** The student's feedback: the table `npm run grade` prints, status included, without colours. */
export function formatFeedback(outcome: SubmissionOutcome): string {
  if (!outcome.report)
    return `${[`submission: ${outcome.id}`, ...formatStatusLines(outcome), `score: ${outcome.score}`].join('\n')}\n`;
  const table = stripColour(
    formatReportTable({ ...outcome.report, submission: outcome.id }, { verbose: true }),
  );
  return `${table}\n`;
}

function stripColour(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export async function writeBatchResults(
  resultsDir: string,
  outcomes: SubmissionOutcome[],
  skipped: readonly SkippedEntry[] = [],
): Promise<void> {
  await mkdir(path.join(resultsDir, 'feedback'), { recursive: true, mode: 0o700 });
  await chmod(resultsDir, 0o700); // the TA's alone
  await writeFile(path.join(resultsDir, 'gradebook.csv'), formatGradebook(outcomes));
  await writeFile(
    path.join(resultsDir, 'results.json'),
    `${JSON.stringify({ submissions: outcomes }, null, 2)}\n`,
  );
  for (const outcome of outcomes) {
    await writeFile(path.join(resultsDir, 'feedback', `${outcome.id}.txt`), formatFeedback(outcome));
  }
  await writeHtmlPages(resultsDir, outcomes, skipped);
}

/** Counts of scores in ten equal bins of the maximum, as bars. */
export function formatHistogram(outcomes: SubmissionOutcome[], width = 40): string {
  const scored = outcomes.filter((outcome) => outcome.maxScore > 0);
  const maxScore = Math.max(0, ...scored.map((outcome) => outcome.maxScore));
  if (maxScore === 0) return '(no scores)';
  const bins = new Array<number>(10).fill(0);
  for (const outcome of outcomes) {
    bins[Math.min(9, Math.floor((outcome.score / maxScore) * 10))]++; // unscored rows count as 0
  }
  const most = Math.max(...bins);
  const edges = Array.from({ length: 11 }, (_, k) => String(Number(((k * maxScore) / 10).toFixed(1))));
  const edgeWidth = Math.max(...edges.map((edge) => edge.length));
  return bins
    .map((count, bin) => {
      const range = `[${edges[bin].padStart(edgeWidth)}, ${edges[bin + 1].padStart(edgeWidth)}${bin === 9 ? ']' : ')'}`;
      return `${range} ${'█'.repeat(Math.round((count / most) * width)).padEnd(width)} ${count}`;
    })
    .join('\n');
}

/** Status counts, the score histogram, the slowest submissions and the pace of this run. */
export function formatSummary(outcomes: SubmissionOutcome[], result: Omit<BatchResult, 'outcomes'>): string {
  const plain = { head: [], border: [] }; // the same bytes on a terminal and in a CI log
  const counts = new Table({ head: ['status', 'submissions'], style: plain });
  for (const status of STATUSES) {
    const count = outcomes.filter((outcome) => outcome.status === status).length;
    if (count > 0) counts.push([status, count]);
  }
  const slowest = new Table({ head: ['slowest', 'seconds', 'peak MB', 'status', 'score'], style: plain });
  for (const outcome of [...outcomes].sort((a, b) => b.seconds - a.seconds).slice(0, 5)) {
    slowest.push([outcome.id, outcome.seconds, outcome.peakRssMb, outcome.status, outcome.score]);
  }
  const graded = outcomes.length - result.resumed;
  const perMinute = result.seconds > 0 ? ((graded / result.seconds) * 60).toFixed(1) : '-';
  const resumed = result.resumed > 0 ? ` (${result.resumed} more taken from earlier records)` : '';
  const skipped = [
    ...result.skipped.map((entry) => `skipped ${entry.name}: ${entry.reason}`),
    ...outcomes
      .filter((outcome) => outcome.status === 'unreadable')
      .map((outcome) => `unreadable ${outcome.id}: ${outcome.reason ?? ''}`),
  ];
  return [
    counts.toString(),
    ...skipped,
    'score distribution:',
    formatHistogram(outcomes),
    slowest.toString(),
    `${graded} submissions graded in ${result.seconds.toFixed(1)} s, ${perMinute} per minute${resumed}; ` +
      `batch process peak ${result.parentPeakRssMb} MB`,
  ].join('\n');
}
