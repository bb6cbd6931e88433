/**
 * npm run grade:mutants -- [--jobs N] [--only TEXT] [--file PATH]
 * Grades the reference (must score full marks) and every mutant (each must lose points in the group it
 * breaks), and prints the kill table. Exit 1 if the reference loses points or a mutant survives.
 * --file reads the mutants from another file in mutants.json's format (e.g. staff/mutants/independent.json).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import chalk from 'chalk';
import Table from 'cli-table3';
import { command, positiveInteger, runCommand, userPath } from '../../harness/cli.js';
import { gradeSubmission } from '../../grader/grade.js';
import type { GradeReport } from '../../grader/results.js';
import { loadMutants, mutate, MUTANTS_FILE, REFERENCE_DIR, writeMutant, type Mutant } from './mutants.js';

interface Verdict {
  mutant: Mutant;
  report: GradeReport;
  killed: boolean;
}

async function gradeMutant(mutant: Mutant): Promise<Verdict> {
  const dir = await writeMutant(mutant);
  try {
    const report = await gradeSubmission(dir);
    const group = report.groups.find((g) => g.group === mutant.group);
    return { mutant, report, killed: group !== undefined && group.points < group.maxPoints };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `work` over `items`, at most `jobs` at a time, keeping the order. */
async function pool<T, R>(items: T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

interface Options {
  jobs: number;
  only?: string;
  file?: string;
}

const program = command(
  'grade:mutants',
  'Grades the reference and every mutant; each mutant must lose points in its group.',
  [
    'npm run grade:mutants',
    'npm run grade:mutants -- --only umm --jobs 1',
    'npm run grade:mutants -- --file staff/mutants/independent.json --jobs 1',
  ],
)
  .option('--jobs <n>', 'mutants graded at once', positiveInteger, 2)
  .option('--only <text>', 'only the mutants whose name contains this')
  .option(
    '--file <path>',
    "read the mutants from this file (mutants.json's format) instead of mutants.json",
    userPath,
  );

await runCommand<Options>(program, async (values) => {
  const jobs = values.jobs;
  const mutants = loadMutants(values.file ?? MUTANTS_FILE).filter(
    (m) => values.only === undefined || m.name.includes(values.only),
  );
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
  const survivors = verdicts.filter((v) => !v.killed);
  const referenceFull = reference.score === reference.maxScore;
  process.stdout.write(
    `reference ${reference.score}/${reference.maxScore}; ${verdicts.length - survivors.length}/${verdicts.length} mutants killed in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (!referenceFull) {
    const lost = reference.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.reason}`);
    process.stderr.write(`the reference lost points:\n${lost.join('\n')}\n`);
  }
  return referenceFull && survivors.length === 0 ? 0 : 1;
});
