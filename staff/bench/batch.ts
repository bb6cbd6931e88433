/**
 * The throughput of a TA's batch: 20 mixed submissions (copies of the reference, the skeleton,
 * mutants, partial work, a type error, a syntax error) graded by the real `npm run grade:batch` in a
 * child process, with --jobs 2 and the default sandbox. Prints submissions per minute, the wall time,
 * and where a submission's time goes (medians over the submissions): start-up (the grader child's
 * start, the submission's folder, the sandbox), type check (alongside the grade), judge (Jest's start
 * and the suites),
 * candidate (its start and the calls), from the timings each record holds. Figures only; nothing
 * passes or fails on time. None of the submissions hangs: each one's time is its grading's.
 *
 *   npm run bench -- batch [--jobs 2]
 */
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import type { SubmissionOutcome } from '../batch/outcome.js';
import { loadMutants, REFERENCE_DIR, writeMutant } from '../mutants/mutants.js';
import { timed } from './grade.js';
import { median } from './side-by-side.js';

const SKELETON_DIR = path.join(PROJECT_ROOT, 'skeleton');

/** One submission's seconds by phase; they add up to its wall time. */
export interface Split {
  wallS: number;
  /** The grader child's start (0 when it was warm), the submission's folder, what the judge does before Jest. */
  startupS: number;
  typecheckS: number;
  /** Jest's start and its suites, less the candidate's part. */
  judgeS: number;
  /** The candidate's start (Node, tsx, TensorFlow.js, the backend, the submission) and its calls. */
  candidateS: number;
  /** CPU seconds of the grade's processes (sampled: a lower bound). */
  cpuS: number;
}

/** The split of one graded submission, from its record; undefined when it has no timings. */
export function splitOf(outcome: SubmissionOutcome): Split | undefined {
  const timing = outcome.timing;
  const grade = outcome.report?.timing;
  if (!timing || !grade) return undefined;
  const wallS = timing.prepareS + outcome.seconds;
  const judgeS = grade.judgeS;
  const candidateS = grade.candidateStartS + grade.callsS;
  return {
    wallS,
    // whatever is neither judge nor candidate: the child's start, the folder, the IPC round trip (the
    // type check runs in the batch's process alongside the grade)
    startupS: Math.max(0, wallS - judgeS - candidateS),
    typecheckS: timing.typecheckS,
    judgeS,
    candidateS,
    cpuS: timing.cpuS,
  };
}

/** The median of each phase over the submissions that have timings (the medians need not add up). */
export function medianSplit(outcomes: SubmissionOutcome[]): { split: Split; count: number } | undefined {
  const splits = outcomes.map(splitOf).filter((split): split is Split => split !== undefined);
  if (splits.length === 0) return undefined;
  const of = (key: keyof Split) => median(splits.map((split) => split[key]));
  return {
    count: splits.length,
    split: {
      wallS: of('wallS'),
      startupS: of('startupS'),
      typecheckS: of('typecheckS'),
      judgeS: of('judgeS'),
      candidateS: of('candidateS'),
      cpuS: of('cpuS'),
    },
  };
}

/** The mix a TA's folder might hold, 20 in all; the name says what each one is. */
export async function writeMixedSubmissions(dir: string): Promise<string[]> {
  const names: string[] = [];
  const folder = async (name: string, from: string, change?: (file: string, text: string) => string) => {
    const target = path.join(dir, name);
    await mkdir(target, { recursive: true });
    for (const file of Object.values(SUBMISSION_FILES)) {
      const text = await readFile(path.join(from, file), 'utf8');
      const changed = change ? change(file, text) : text;
      if (changed !== '') await writeFile(path.join(target, file), changed);
    }
    names.push(name);
  };
  for (let i = 1; i <= 4; i++) await folder(`reference-${i}`, REFERENCE_DIR);
  for (let i = 1; i <= 2; i++) await folder(`skeleton-${i}`, SKELETON_DIR);
  // ten mutants spread over the list, so that every group has some
  const mutants = loadMutants();
  for (let i = 0; i < 10; i++) {
    const mutant = mutants[Math.floor((i * mutants.length) / 10)];
    const written = await writeMutant(mutant);
    try {
      await cp(written, path.join(dir, `mutant-${i + 1}`), { recursive: true });
    } finally {
      await rm(written, { recursive: true, force: true });
    }
    names.push(`mutant-${i + 1}`);
  }
  // half done: the mixtures solved, the GPT parts still the skeleton's; and one without generation.ts
  const mixtures: string[] = [SUBMISSION_FILES.gmm, SUBMISSION_FILES.umm];
  await folder('partial-mixtures', REFERENCE_DIR, (file, text) =>
    mixtures.includes(file) ? text : readFileSync(path.join(SKELETON_DIR, file), 'utf8'),
  );
  await folder('partial-missing', REFERENCE_DIR, (file, text) =>
    file === SUBMISSION_FILES.generation ? '' : text,
  );
  await folder('type-error', REFERENCE_DIR, (file, text) =>
    file === SUBMISSION_FILES.training ? `${text}\nexport const typeError: number = 'not a number';\n` : text,
  );
  await folder('syntax-error', REFERENCE_DIR, (file, text) =>
    file === SUBMISSION_FILES.gmm ? `${text}\nexport const broken = ;\n` : text,
  );
  return names;
}

function load(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

export interface BatchBenchOptions {
  jobs: number;
}

export async function benchBatch(options: BatchBenchOptions): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'ex5-bench-batch-'));
  try {
    const submissions = path.join(work, 'submissions');
    const results = path.join(work, 'results');
    const names = await writeMixedSubmissions(submissions);
    process.stdout.write(
      `Batch: npm run grade:batch -- (${names.length} mixed submissions) --jobs ${options.jobs}, default sandbox\n`,
    );
    const loadBefore = load();
    const run = timed(['staff/batch/cli.ts', submissions, '--out', results, '--jobs', String(options.jobs)]);
    if (run.status !== 0)
      throw new Error(`bench batch: grade:batch failed (exit ${run.status}):\n${run.output}`);
    const { submissions: outcomes } = JSON.parse(
      readFileSync(path.join(results, 'results.json'), 'utf8'),
    ) as {
      submissions: SubmissionOutcome[];
    };
    process.stdout.write(
      `${formatBatchBench(outcomes, run.seconds, { before: loadBefore, after: load() })}\n`,
    );
    if (run.cpuSeconds !== undefined)
      process.stdout.write(
        `  CPU of the batch, its grader children and Jest (candidates not counted): ${run.cpuSeconds.toFixed(1)} s\n`,
      );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function formatBatchBench(
  outcomes: SubmissionOutcome[],
  wallS: number,
  load: { before: string; after: string },
): string {
  const statuses = new Map<string, number>();
  for (const outcome of outcomes) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
  const perMinute = (outcomes.length / wallS) * 60;
  const lines = [
    `  ${outcomes.length} submissions in ${wallS.toFixed(1)} s wall: ${perMinute.toFixed(1)} per minute`,
    `  statuses: ${[...statuses].map(([status, count]) => `${status} ${count}`).join(', ')}`,
    // the same submissions always score the same: a changed sum means the grading changed, not its speed
    `  points: ${outcomes.reduce((sum, outcome) => sum + outcome.score, 0)} in all`,
    `  load average (1, 5, 15 min): ${load.before} before, ${load.after} after`,
  ];
  const median = medianSplit(outcomes);
  if (!median) return [...lines, '  (no record holds timings: no split)'].join('\n');
  const { split, count } = median;
  const fixed = (value: number) => `${value.toFixed(2)} s`.padStart(8);
  lines.push(
    `  per submission, median over the ${count} with timings (the medians need not add up):`,
    `    wall         ${fixed(split.wallS)}`,
    `    start-up     ${fixed(split.startupS)}  grader child's start (once per job slot), folder, sandbox`,
    `    type check   ${fixed(split.typecheckS)}  alongside the grade, in the batch's own process`,
    `    judge        ${fixed(split.judgeS)}  Jest's start and the suites`,
    `    candidate    ${fixed(split.candidateS)}  its start and the calls`,
    `    CPU          ${fixed(split.cpuS)}  all the grade's processes, sampled (a lower bound)`,
  );
  return lines.join('\n');
}
