/**
 * Runs the grader's Jest suites (the judge) in a child process and returns Jest's raw results, one entry
 * per suite file. The suites get the submission's numbers from the candidate (grader/candidate), which
 * they start in the sandbox; scoring happens in the caller.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { describeEnding } from '../sandbox/process-tree.js';
import { killAllOf, removeFilesOf, type SandboxMode } from '../sandbox/sandbox.js';

export interface RawTest {
  title: string;
  status: string;
  failureMessages: string[];
}

/** One suite file's results as the reporter wrote them; `error` when the file could not run at all. */
export interface RawSuite {
  file: string;
  error: string | null;
  tests: RawTest[];
  /** False when the run was stopped before the file finished. */
  finished?: boolean;
}

export interface RawRun {
  suites: RawSuite[];
  /** Set when the run was stopped at the time limit. */
  timedOutAfterMs?: number;
  /** Set when Jest ended, unstopped, before every suite file finished: how it ended. */
  endedEarly?: string;
}

export interface RunOptions {
  submissionDir: string;
  fixturesDir: string;
  hiddenFixturesDir?: string;
  timeoutMs: number;
  /** Where the candidate runs (grader/sandbox). */
  sandbox: SandboxMode;
  /** Where each suite's candidate appends its timings. */
  timingsFile: string;
  /** Where the candidates' clients append the facts the status is made of (grader/status.ts). */
  factsFile?: string;
  /** The candidate's memory limit; its uid in the uid mode. */
  candidateMemoryMb: number;
  candidateUid?: number;
  /** Only these suite files (e.g. `gmm.grade.ts`); default: every suite. */
  suites?: string[];
}

export class GradingRunError extends Error {
  override name = 'GradingRunError';
}

const JEST = path.join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const CONFIG = path.join(PROJECT_ROOT, 'grader', 'jest.config.ts');

const SUITES_DIR = path.join(PROJECT_ROOT, 'grader', 'suites');
/** A hung suite's own time limit on its second chance. */
const MIN_SUITE_TIMEOUT_MS = 30_000;

/**
 * One Jest run over every suite. If it hits the time limit, a hung suite has stopped the ones after it,
 * so each suite that did not finish gets a run of its own, with its share of the limit.
 */
export async function runGraderSuites(options: RunOptions): Promise<RawRun> {
  const suiteFiles = readdirSync(SUITES_DIR).filter(
    (file) => file.endsWith('.grade.ts') && (options.suites === undefined || options.suites.includes(file)),
  );
  const selected = options.suites && suiteFiles.map((file) => path.join(SUITES_DIR, file));
  const first = await runJest(options, selected, options.timeoutMs);
  if (!first.timedOut) {
    const unfinished = suiteFiles.filter(
      (file) => !first.suites.some((suite) => suite.finished && path.basename(suite.file) === file),
    );
    if (unfinished.length === 0) return { suites: first.suites };
    return {
      suites: first.suites,
      endedEarly: `the grader's Jest run ended before ${unfinished.join(', ')} finished (${first.ending})`,
    };
  }
  const finished = first.suites.filter((suite) => suite.finished);
  const done = new Set(finished.map((suite) => path.basename(suite.file)));
  const limit = Math.max(MIN_SUITE_TIMEOUT_MS, options.timeoutMs / suiteFiles.length);
  const suites = [...finished];
  for (const file of suiteFiles.filter((name) => !done.has(name))) {
    suites.push(...(await runJest(options, [path.join(SUITES_DIR, file)], limit)).suites);
  }
  return { suites, timedOutAfterMs: limit };
}

/** A Jest run over all suites or some, and what the reporter wrote before it ended or was stopped. */
async function runJest(
  options: RunOptions,
  suiteFiles: string[] | undefined,
  timeoutMs: number,
): Promise<{ suites: RawSuite[]; timedOut: boolean; ending: string }> {
  const { code, signal, timedOut, output, results } = await spawnJest(options, suiteFiles, timeoutMs);
  const suites = parseLines(results);
  const ending = describeEnding(code, signal, [output], 5);
  if (suites.length === 0 && !timedOut)
    throw new GradingRunError(`the grader's Jest run produced no results (${ending})`);
  return { suites, timedOut, ending };
}

/** The reporter's lines (tests and finished files) grouped into suites, in order of appearance. */
function parseLines(text: string): RawSuite[] {
  const suites = new Map<string, RawSuite>();
  for (const line of text.split('\n').filter((row) => row.trim() !== '')) {
    const entry = JSON.parse(line) as Partial<RawTest> & { file: string; error?: string | null };
    let suite = suites.get(entry.file);
    if (!suite)
      suites.set(entry.file, (suite = { file: entry.file, error: null, tests: [], finished: false }));
    if (entry.title === undefined) {
      suite.error = entry.error ?? null;
      suite.finished = true;
    } else
      suite.tests.push({
        title: entry.title,
        status: entry.status ?? 'failed',
        failureMessages: entry.failureMessages ?? [],
      });
  }
  return [...suites.values()];
}

function spawnJest(
  options: RunOptions,
  suiteFiles: string[] | undefined,
  timeoutMs: number,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
  results: string;
}> {
  const args = [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    JEST,
    '--config',
    CONFIG,
    '--ci',
    '--silent',
    '--forceExit', // the candidate ends with Jest (it dies with its parent, or its channel closes)
    ...(suiteFiles === undefined ? [] : ['--runTestsByPath', ...suiteFiles]),
  ];
  // the judge's environment: the candidate it starts gets none of it
  const env = {
    ...process.env,
    EX5_SUBMISSION: options.submissionDir,
    EX5_FIXTURES: options.fixturesDir,
    EX5_HIDDEN_FIXTURES: options.hiddenFixturesDir ?? '',
    EX5_QUIET_BACKEND: '1',
    EX5_SANDBOX: options.sandbox,
    EX5_TIMINGS_FILE: options.timingsFile,
    EX5_FACTS_FILE: options.factsFile ?? '',
    EX5_CANDIDATE_MEMORY_MB: String(options.candidateMemoryMb),
    EX5_CANDIDATE_CPU_S: String(Math.ceil(timeoutMs / 1000)),
    ...(options.candidateUid === undefined ? {} : { EX5_SANDBOX_UID: String(options.candidateUid) }),
  };
  return new Promise((resolve, reject) => {
    // detached: its own process group, so that the time limit stops it and its candidates
    // (a bwrap candidate also dies with its parent); fd 3 is the results pipe
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const results: Buffer[] = [];
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => results.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GradingRunError(`cannot start Jest: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // the uid mode's wall: whatever the candidate left running, wherever it was re-parented to, and
      // whatever it left in /tmp
      if (options.sandbox === 'uid' && options.candidateUid !== undefined) {
        killAllOf(options.candidateUid);
        removeFilesOf(options.candidateUid, '/tmp');
      }
      resolve({ code, signal, timedOut, output, results: Buffer.concat(results).toString('utf8') });
    });
  });
}
