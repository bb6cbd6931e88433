/**
 * npm run grade:mutants -- [--jobs N] [--only TEXT] [--file PATH]
 * Grades the reference (must score full marks), every mutant (each must lose at least 3 points in the
 * group it breaks and none in any other) and every equivalent (staff/equivalents: correct code written
 * differently, which must score full marks on the wasm and on the cpu backend), and prints the tables.
 * Exit 1 if the reference or an equivalent loses a point, or a mutant survives. The mutants are those of
 * mutants.json and independent.json (a reviewer's, written apart from the suites); --file takes one file.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import chalk from 'chalk';
import Table from 'cli-table3';
import { command, positiveInteger, runCommand, userPath } from '../../harness/cli.js';
import { gradeSubmission } from '../../grader/grade.js';
import { pool } from '../pool.js';
import type { GradeReport } from '../../grader/results.js';
import {
  assembleEquivalent,
  equivalentTypeErrors,
  loadEquivalents,
  type Equivalent,
} from '../equivalents/equivalents.js';
import { loadMutants, mutate, REFERENCE_DIR, writeMutant, type Mutant } from './mutants.js';

/** What a mutant must lose in its own group (issue 12: a typical mistake costs at least this). */
const MINIMUM_LOSS = 3;

interface Verdict {
  mutant: Mutant;
  report: GradeReport;
  killed: boolean;
}

/** Killed: at least MINIMUM_LOSS points lost in the mutant's group, and none in any other group. */
function isKilled(mutant: Mutant, report: GradeReport): boolean {
  return report.groups.every((g) =>
    g.group === mutant.group ? g.maxPoints - g.points >= MINIMUM_LOSS : g.points === g.maxPoints,
  );
}

async function gradeMutant(mutant: Mutant): Promise<Verdict> {
  const dir = await writeMutant(mutant);
  try {
    const report = await gradeSubmission(dir);
    return { mutant, report, killed: isKilled(mutant, report) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const EQUIVALENT_BACKENDS = ['wasm', 'cpu'] as const;
type EquivalentBackend = (typeof EQUIVALENT_BACKENDS)[number];

interface EquivalentResult {
  equivalent: Equivalent;
  typeErrors: string[];
  reports: Partial<Record<EquivalentBackend, GradeReport>>;
}

/** Whether the equivalent kept every point, ran on the backend asked for, and type-checks. */
function equivalentPassed(result: EquivalentResult): boolean {
  return (
    result.typeErrors.length === 0 &&
    EQUIVALENT_BACKENDS.every((backend) => {
      const report = result.reports[backend];
      return report?.score === report?.maxScore && report?.timing?.backend === backend;
    })
  );
}

/**
 * Grades each equivalent on wasm, then on cpu. The candidate takes its backend from EX5_BACKEND, which
 * the judge passes on when it starts (grader/sandbox): it is set for one backend's whole pool at a time.
 */
async function gradeEquivalents(equivalents: Equivalent[], jobs: number): Promise<EquivalentResult[]> {
  const assembled = await Promise.all(equivalents.map((equivalent) => assembleEquivalent(equivalent)));
  try {
    const results: EquivalentResult[] = equivalents.map((equivalent, i) => ({
      equivalent,
      typeErrors: equivalentTypeErrors(equivalent, assembled[i]),
      reports: {},
    }));
    const previous = process.env.EX5_BACKEND;
    try {
      for (const backend of EQUIVALENT_BACKENDS) {
        process.env.EX5_BACKEND = backend;
        await pool(results, jobs, async (result) => {
          const report = await gradeSubmission(assembled[results.indexOf(result)]);
          result.reports[backend] = report;
          const passed = report.score === report.maxScore && report.timing?.backend === backend;
          process.stderr.write(
            `${passed ? 'full    ' : 'LOST    '} ${result.equivalent.name} on ${backend}: ${report.score}/${report.maxScore}\n`,
          );
        });
      }
    } finally {
      if (previous === undefined) delete process.env.EX5_BACKEND;
      else process.env.EX5_BACKEND = previous;
    }
    return results;
  } finally {
    await Promise.all(assembled.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

interface Options {
  jobs: number;
  only?: string;
  file?: string;
}

const program = command(
  'grade:mutants',
  'Grades the reference, every mutant (each must lose at least 3 points in its group and none elsewhere) and every equivalent (full marks on wasm and cpu).',
  [
    'npm run grade:mutants',
    'npm run grade:mutants -- --only umm --jobs 1',
    'npm run grade:mutants -- --file staff/mutants/independent.json',
  ],
)
  .option('--jobs <n>', 'mutants graded at once', positiveInteger, 2)
  .option('--only <text>', 'only the mutants and equivalents whose name contains this')
  .option(
    '--file <path>',
    "only the mutants of this file (mutants.json's format); by default mutants.json and independent.json",
    userPath,
  );

await runCommand<Options>(program, async (values) => {
  const jobs = values.jobs;
  const chosen = (name: string) => values.only === undefined || name.includes(values.only);
  const mutants = loadMutants(values.file).filter((m) => chosen(m.name));
  const equivalents = loadEquivalents().filter((e) => chosen(e.name));
  // every mutant must still apply before anything is graded: a stale one is an error, not a survivor
  for (const mutant of mutants) mutate(mutant, readFileSync(path.join(REFERENCE_DIR, mutant.file), 'utf8'));
  const started = Date.now();
  const reference = await gradeSubmission(REFERENCE_DIR);
  process.stderr.write(`reference: ${reference.score}/${reference.maxScore}\n`);
  const verdicts = await pool(mutants, jobs, async (mutant) => {
    const verdict = await gradeMutant(mutant);
    process.stderr.write(`${verdict.killed ? 'killed  ' : 'SURVIVED'} ${mutant.name}\n`);
    return verdict;
  });
  const table = new Table({
    head: ['mutant', 'group', 'group points', 'total', 'failed tests', 'verdict'].map((h) => chalk.bold(h)),
    colWidths: [40, 12, 8, 8, 44, 10],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const { mutant, report, killed } of verdicts) {
    const group = report.groups.find((g) => g.group === mutant.group);
    table.push([
      mutant.name,
      mutant.group,
      group ? `${group.points}/${group.maxPoints}` : '-',
      `${report.score}`,
      report.tests
        .filter((t) => !t.passed)
        .map((t) => t.id)
        .join(' '),
      killed ? chalk.green('killed') : chalk.red('SURVIVED'),
    ]);
  }
  process.stdout.write(`${table.toString()}\n`);
  const results = await gradeEquivalents(equivalents, jobs);
  const equivalentTable = new Table({
    head: ['equivalent', 'what is different', ...EQUIVALENT_BACKENDS, 'lost', 'verdict'].map((h) =>
      chalk.bold(h),
    ),
    colWidths: [28, 44, 8, 8, 30, 10],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const result of results) {
    const reports = EQUIVALENT_BACKENDS.map((backend) => result.reports[backend]);
    const lost = [
      ...result.typeErrors,
      ...EQUIVALENT_BACKENDS.flatMap((backend) => {
        const report = result.reports[backend];
        const ran = report?.timing?.backend;
        return [
          ...(ran === backend ? [] : [`ran on ${ran ?? 'no backend'}, not ${backend}`]),
          ...(report?.tests ?? []).filter((t) => !t.passed).map((t) => `${t.id} (${backend})`),
        ];
      }),
    ];
    equivalentTable.push([
      result.equivalent.name,
      result.equivalent.about,
      ...reports.map((report) => (report ? `${report.score}` : '-')),
      lost.join(' '),
      equivalentPassed(result) ? chalk.green('full') : chalk.red('LOST'),
    ]);
  }
  if (results.length > 0) process.stdout.write(`${equivalentTable.toString()}\n`);
  const survivors = verdicts.filter((v) => !v.killed);
  const failedEquivalents = results.filter((result) => !equivalentPassed(result));
  const referenceFull = reference.score === reference.maxScore;
  process.stdout.write(
    `reference ${reference.score}/${reference.maxScore}; ${verdicts.length - survivors.length}/${verdicts.length} mutants killed (at least ${MINIMUM_LOSS} points in their group, none elsewhere); ${results.length - failedEquivalents.length}/${results.length} equivalents full on ${EQUIVALENT_BACKENDS.join(' and ')}; ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  for (const result of failedEquivalents)
    for (const error of result.typeErrors) process.stderr.write(`${result.equivalent.name}: ${error}\n`);
  if (!referenceFull) {
    const lost = reference.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.reason}`);
    process.stderr.write(`the reference lost points:\n${lost.join('\n')}\n`);
  }
  return referenceFull && survivors.length === 0 && failedEquivalents.length === 0 ? 0 : 1;
});
