/**
 * The score table for a terminal, fitting its width (80 columns when unknown): by default one line per
 * group (points, tests passed) and, under it, one entry per failed test with its reason; `verbose` lists
 * every test. Colour comes from chalk, which the command turns off for NO_COLOR and --no-color.
 */
import chalk from 'chalk';
import Table from 'cli-table3';
import type { GradeReport, GradeTiming, TestOutcome } from '../results.js';
import { formatStatusLines } from '../status.js';

export interface TableOptions {
  /** Every test, passed ones too. */
  verbose?: boolean;
  /** Terminal width; the table never exceeds it (default 80). */
  width?: number;
}

/** Borderless: box-drawing lines cost columns and wrap badly when a terminal is narrow. */
const PLAIN = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' ',
};

const POINTS_WIDTH = 9;
const MARK_WIDTH = 1;

export function formatReportTable(report: GradeReport, options: TableOptions = {}): string {
  const width = Math.max(60, Math.min(options.width ?? 80, 120));
  const nameWidth = width - POINTS_WIDTH - MARK_WIDTH - 2 * PLAIN.middle.length - 1;
  const table = new Table({
    chars: PLAIN,
    colWidths: [MARK_WIDTH, nameWidth, POINTS_WIDTH],
    colAligns: ['left', 'left', 'right'],
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const group of report.groups) {
    const tests = report.tests.filter((t) => t.group === group.group);
    const passed = tests.filter((t) => t.passed).length;
    const full = group.points === group.maxPoints;
    table.push([
      full ? chalk.green('✓') : chalk.red('✗'),
      `${chalk.bold(group.group)} ${chalk.dim(`${passed} of ${tests.length} tests passed`)}`,
      chalk.bold(`${group.points}/${group.maxPoints}`),
    ]);
    const shown = tests.filter((t) => options.verbose || !t.passed);
    // a blank method fails every test that calls it with one reason: say it once, under the last of them
    shown.forEach((test, i) => table.push(testRow(test, nameWidth, shown[i + 1]?.reason === test.reason)));
  }
  const total = `${report.score}/${report.maxScore}`;
  const full = report.score === report.maxScore;
  table.push(['', chalk.bold('total'), chalk.bold(full ? chalk.green(total) : chalk.yellow(total))]);
  const lines = [
    `submission: ${report.submission}`,
    table.toString(),
    ...statusLines(report, width),
    ...report.notes.map((note) => wrap(`note: ${note}`, width, '      ')),
    ...(report.timing ? [formatTiming(report.timing)] : []),
  ];
  if (!options.verbose && report.tests.some((t) => t.passed))
    lines.push(chalk.dim('(passed tests are left out; --verbose lists every test)'));
  return lines.map((line) => trimEnds(line)).join('\n');
}

/** The status as the TA's gradebook and feedback give it; coloured when it is not graded. */
function statusLines(report: GradeReport, width: number): string[] {
  const lines = formatStatusLines({ ...report, typeErrors: report.facts.typeErrors });
  const colour = report.status === 'graded' ? chalk.green : chalk.red;
  return lines.map((line, i) => {
    const wrapped = wrap(line, width, '      ');
    return i === 0 ? wrapped.replace(report.status, colour(report.status)) : wrapped;
  });
}

/** A test under its group: its name and, on the lines below, why it failed; wrapped here, before colour. */
function testRow(test: TestOutcome, width: number, reasonBelow: boolean): string[] {
  const name = wrap(`  ${test.name}${test.hidden ? ' (hidden)' : ''}`, width, '    ');
  const reason =
    test.passed || !test.reason || reasonBelow ? '' : `\n${wrap(`    → ${test.reason}`, width, '      ')}`;
  const points = `${test.points}/${test.maxPoints}`;
  return [
    '',
    `${name}${reason.replace('→', chalk.red('→'))}`,
    test.passed ? chalk.green(points) : chalk.red(points),
  ];
}

/** Words wrapped to `width` columns, continuation lines indented; a word longer than a line is cut. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  const words = text.match(/^ */)![0] + text.trimStart();
  for (const word of words.split(/(?<=\S) /)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** Trailing spaces of every line: cli-table3 pads cells, which copy-pasted into an issue looks broken. */
function trimEnds(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

export function formatTiming(timing: GradeTiming): string {
  return (
    `time: ${timing.totalS} s = judge ${timing.judgeS} s + candidate start ${timing.candidateStartS} s` +
    // a restart (after a crash) is worth a look; one start is the rule
    `${timing.starts > 1 ? ` (${timing.starts} starts)` : ''} + ${plural(timing.calls, 'call')} ${timing.callsS} s` +
    (timing.backend ? `; backend ${timing.backend}` : '')
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
