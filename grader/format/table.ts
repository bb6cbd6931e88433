/** The score table for a terminal: per group its subtotal, then each test's points and, when it failed, why. */
import chalk from 'chalk';
import Table from 'cli-table3';
import type { GradeReport, GradeTiming } from '../results.js';

export function formatReportTable(report: GradeReport): string {
  // chalk colours only on a colour terminal; cli-table3's own border colours stay off
  const table = new Table({
    head: ['test', 'points', 'why not'].map((title) => chalk.bold(title)),
    colWidths: [54, 9, 54],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const group of report.groups) {
    const subtotal = `${group.points}/${group.maxPoints}`;
    table.push([chalk.bold(group.group), chalk.bold(subtotal), '']);
    for (const test of report.tests.filter((t) => t.group === group.group)) {
      const points = `${test.points}/${test.maxPoints}`;
      table.push([
        `${test.name}${test.hidden ? chalk.dim(' (hidden)') : ''}`,
        test.passed ? chalk.green(points) : chalk.red(points),
        test.reason ?? '',
      ]);
    }
  }
  const total = `${report.score}/${report.maxScore}`;
  const full = report.score === report.maxScore;
  table.push([chalk.bold('total'), chalk.bold(full ? chalk.green(total) : chalk.yellow(total)), '']);
  return [
    `submission: ${report.submission}`,
    table.toString(),
    ...report.notes.map((note) => `note: ${note}`),
    ...(report.timing ? [formatTiming(report.timing)] : []),
  ].join('\n');
}

export function formatTiming(timing: GradeTiming): string {
  return (
    `time: ${timing.totalS} s = judge ${timing.judgeS} s + candidate start ${timing.candidateStartS} s ` +
    `(${plural(timing.starts, 'start')}) + calls ${timing.callsS} s (${plural(timing.calls, 'call')})`
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
