/**
 * The time of a whole grade of the reference, as a user runs it: `npm run grade -- --submission
 * reference` in a fresh process each run (Node start-up, staging, Jest, every suite, the table), median
 * over runs, beside the start-up alone (Node + tsx + TensorFlow.js + the backend). Lines in which the
 * grade command reports its own timings (start-up, staging, judge, candidate, suites) are passed through.
 * No PyTorch counterpart. Figures only; nothing passes or fails on time.
 *
 *   npm run bench -- grade [--runs 3] [--submission reference]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { median } from './side-by-side.js';

/** A line that reports a duration of a named part, e.g. "staging 0.4 s" or "suite gmm: 812 ms". */
const TIMING_LINE = /\b(start-?up|staging|judge|candidate|suites?|timing|jest)\b.*\d\s*(ms|s)\b/i;

export interface Run {
  seconds: number;
  /** CPU seconds of the process tree (this process's children), where Linux tells it. */
  cpuSeconds?: number;
  status: number | null;
  output: string;
}

/** CPU time (user + system, seconds) of this process's waited-for children, from /proc. */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // fields from state (3rd in proc(5)); cutime and cstime are the 16th and 17th
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** `node --import tsx ARGS` from the project root, with its wall and CPU time. */
export function timed(args: string[]): Run {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 64 * 2 ** 20,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  return {
    seconds,
    cpuSeconds: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    status: run.status,
    output: `${run.stdout}\n${run.stderr}`,
  };
}

export interface GradeBenchOptions {
  runs: number;
  submission: string;
}

export async function benchGrade(values: GradeBenchOptions): Promise<void> {
  const { runs } = values;
  const gradeArgs = ['grader/cli.ts', '--submission', values.submission];
  const startupArgs = [
    '--input-type=module',
    '-e',
    "const { initBackend } = await import('./harness/backend.ts'); await initBackend();",
  ];
  process.stdout.write(
    `Grade: npm run grade -- --submission ${values.submission}, whole process, ${runs} run(s), ` +
      'alternating with the start-up alone\n',
  );
  const grades: Run[] = [];
  const startups: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const startup = timed(startupArgs);
    if (startup.status !== 0) throw new Error(`bench grade: the start-up probe failed:\n${startup.output}`);
    startups.push(startup);
    const grade = timed(gradeArgs);
    if (grade.status !== 0)
      throw new Error(`bench grade: the grade failed (exit ${grade.status}):\n${grade.output}`);
    grades.push(grade);
    process.stderr.write(
      `  run ${i + 1}/${runs}: grade ${grade.seconds.toFixed(2)} s, start-up ${startup.seconds.toFixed(2)} s\n`,
    );
  }
  const total = median(grades.map((run) => run.seconds));
  const cpu = grades.every((run) => run.cpuSeconds !== undefined)
    ? median(grades.map((run) => run.cpuSeconds!))
    : undefined;
  const startup = median(startups.map((run) => run.seconds));
  const reported = grades[grades.length - 1].output
    .split('\n')
    .filter((line) => TIMING_LINE.test(line))
    .map((line) => `    ${line.trim()}`);
  const lines = [
    `  whole grade  median ${total.toFixed(2)} s wall` +
      (cpu !== undefined ? `, ${cpu.toFixed(2)} s CPU (all processes)` : '') +
      `; per run: ${grades.map((run) => run.seconds.toFixed(2)).join(' ')}`,
    `  start-up     median ${startup.toFixed(2)} s (node + tsx + TensorFlow.js + backend, nothing graded)`,
    `  the rest     ${(total - startup).toFixed(2)} s (staging, Jest and its suites, scoring, the table)`,
    reported.length
      ? '  as the grade command reports it:'
      : '  (the grade command prints no timings of its own, so no finer split is shown)',
    ...reported,
    `  target ≤ 5 s: ${total <= 5 ? 'met' : 'not met'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
