/**
 * The judge's side of the channel to the candidate. One candidate per grade, started on the first call
 * in the sandbox (grader/sandbox) and kept warm. Each call has a time limit, each reply a size
 * limit and a schema; the resident memory of the candidate's tree is watched. A candidate that crashes
 * is restarted for the next call (a few times); one that hangs or runs out of memory costs the rest of
 * its suite file, with the reason as each test's failure.
 */
import childProcess, { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { describeEnding, killTree, processTree, residentMb } from '../sandbox/process-tree.js';
import {
  candidateLaunch,
  chooseSandbox,
  killAllOf,
  sandboxUid,
  type SandboxMode,
} from '../sandbox/sandbox.js';
import { heapExhausted, type JudgeFact } from '../status.js';
import { parseReply, READY, type LoadFailureReport } from './protocol.js';

export class CandidateFailure extends Error {
  override name = 'CandidateFailure';
}

export const NO_ANSWER = 'the submission did not answer within';
export const OUT_OF_MEMORY = 'the submission ran out of memory';

/**
 * Why a candidate ended, as a fact for the status (grader/status.ts): the client killed it for no
 * answer or for memory, or it ended otherwise (it crashed, exited, or sent too much).
 */
export interface CandidateEnd {
  kind: 'no-answer' | 'out-of-memory' | 'ended';
  reason: string;
}

const MAX_REPLY_BYTES = 64 * 2 ** 20;
const MAX_RESTARTS = 3;
const WATCH_INTERVAL_MS = 250;
const TAIL_CHARS = 4000;

export interface CandidateOptions {
  submissionDir: string;
  projectRoot: string;
  mode: SandboxMode;
  memoryMb: number;
  /** A call's limit when its test gives none (EX5_CALL_TIMEOUT_S, default 60 s). */
  callTimeoutMs: number;
  /** EX5_CALL_TIMEOUT_S was given: it overrides every test's own limit (rubric.json's callSeconds). */
  callTimeoutFixed?: boolean;
  /** CPU seconds the candidate may use in all. */
  cpuSeconds: number;
  /** Where to append this candidate's timings (one JSON line), if anywhere. */
  timingsFile?: string;
  /** Where to append the facts the status is made of (JSON lines, grader/status.ts), if anywhere. */
  factsFile?: string;
}

/** The options the grading runner passes to the suites. */
export function candidateOptionsFromEnv(): CandidateOptions {
  const submissionDir = process.env.EX5_SUBMISSION;
  if (!submissionDir) throw new Error('EX5_SUBMISSION is not set: run the grader through `npm run grade`');
  const callTimeoutMs = Number(process.env.EX5_CALL_TIMEOUT_S || 60) * 1000;
  return {
    submissionDir,
    projectRoot: PROJECT_ROOT,
    mode: (process.env.EX5_SANDBOX as SandboxMode | undefined) || chooseSandbox(),
    memoryMb: Number(process.env.EX5_CANDIDATE_MEMORY_MB || 2048),
    callTimeoutMs,
    callTimeoutFixed: Boolean(process.env.EX5_CALL_TIMEOUT_S),
    cpuSeconds: Number(process.env.EX5_CANDIDATE_CPU_S || 600),
    timingsFile: process.env.EX5_TIMINGS_FILE || undefined,
    factsFile: process.env.EX5_FACTS_FILE || undefined,
  };
}

export interface Timings {
  starts: number;
  startMs: number;
  calls: number;
  callMs: number;
  /** The tensor backend the candidate said it runs. */
  backend?: string;
}

/** The candidate's first line, naming its tensor backend (for the footer only: the candidate may lie). */
const READY_LINE = new RegExp(`^\\{"ready":"${READY}","backend":"(wasm|cpu|tensorflow)"\\}$`);

type Outcome =
  | { reply: { ok: true; value: unknown } | { ok: false; error: string; load?: LoadFailureReport } }
  | { ended: CandidateEnd };

/** One running candidate process. */
class Running {
  readonly child: ChildProcess;
  readonly ended: Promise<CandidateEnd>;
  private end?: CandidateEnd;
  private finished?: CandidateEnd;
  private replies = '';
  private stderrTail = '';
  private stdoutTail = '';
  private readonly waiters = new Map<number | typeof READY, (reply: Outcome) => void>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly scratchDir?: string;

  constructor(private readonly options: CandidateOptions) {
    const uid = options.mode === 'uid' ? sandboxUid() : undefined;
    if (uid !== undefined) {
      // in /tmp itself: the judge's own TMPDIR may be a folder the candidate cannot enter
      this.scratchDir = mkdtempSync(path.join('/tmp', 'ex5-candidate-'));
      chownSync(this.scratchDir, uid, uid);
    }
    const launch = candidateLaunch({ ...options, uid, scratchDir: this.scratchDir });
    this.child = spawn(launch.file, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      uid: launch.uid,
      gid: launch.gid,
      // unsandboxed, it stays in Jest's process group, so that the runner's time limit stops it too;
      // sandboxed, it dies with Jest (bwrap) or with every process of its uid (uid)
      detached: options.mode !== 'none',
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    // a flood costs nothing: only the last lines are kept, for a crash's reason
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdoutTail = (this.stdoutTail + chunk.toString()).slice(-TAIL_CHARS);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-TAIL_CHARS);
    });
    (this.child.stdin as Writable).on('error', () => undefined); // a dead candidate shows in `ended`
    (this.child.stdio[3] as Readable).on('data', (chunk: Buffer) => this.receive(chunk));
    this.watchdog = setInterval(() => this.watchMemory(), WATCH_INTERVAL_MS);
    this.ended = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.end ??= { kind: 'ended', reason: `the submission's process cannot start: ${error.message}` };
      });
      // on exit, not close: a straggler holding the candidate's pipes must not delay its own end
      this.child.on('exit', () => this.sweep());
      this.child.on('close', (code, signal) => {
        clearInterval(this.watchdog);
        this.sweep();
        if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
        resolve(this.end ?? this.describeEnd(code, signal));
      });
    });
    void this.ended.then((reason) => {
      this.finished = reason;
      for (const waiter of this.waiters.values()) waiter({ ended: reason });
    });
  }

  /** What ended the process on its own: its signal or exit code, and its last lines of output. */
  private describeEnd(code: number | null, signal: NodeJS.Signals | null): CandidateEnd {
    if (heapExhausted(this.stderrTail))
      return { kind: 'out-of-memory', reason: `${OUT_OF_MEMORY} (JavaScript heap out of memory)` };
    const ending = describeEnding(code, signal, [this.stderrTail, this.stdoutTail]);
    return { kind: 'ended', reason: `the submission's process ended (${ending})` };
  }

  private receive(chunk: Buffer): void {
    this.replies += chunk.toString('utf8');
    for (let end = this.replies.indexOf('\n'); end >= 0; end = this.replies.indexOf('\n')) {
      const line = this.replies.slice(0, end);
      this.replies = this.replies.slice(end + 1);
      this.deliver(line);
    }
    if (this.replies.length > MAX_REPLY_BYTES)
      this.kill('ended', `the submission sent a reply of more than ${MAX_REPLY_BYTES >> 20} MB`);
  }

  private deliver(line: string): void {
    const ready = READY_LINE.exec(line);
    if (ready) {
      this.waiters.get(READY)?.({ reply: { ok: true, value: ready[1] } });
      return;
    }
    let reply;
    try {
      reply = parseReply(line);
    } catch {
      return; // not a well-formed reply: ignored, like anything else the candidate writes
    }
    if (reply !== undefined) this.waiters.get(reply.id)?.({ reply });
  }

  private watchMemory(): void {
    if (this.child.pid === undefined) return;
    const rssMb = processTree(this.child.pid).reduce((sum, pid) => sum + residentMb(pid), 0);
    if (rssMb > this.options.memoryMb)
      this.kill('out-of-memory', `${OUT_OF_MEMORY} (more than ${this.options.memoryMb} MB)`);
  }

  /** Waits for the reply to `id` (or the ready line), the end of the process, or the time limit. */
  wait(id: number | typeof READY, timeoutMs: number, what = 'starting'): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.kill('no-answer', `${NO_ANSWER} ${timeoutMs / 1000} s: ${what} (an endless loop?)`),
        timeoutMs,
      );
      const done = (outcome: Outcome) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(outcome);
      };
      this.waiters.set(id, done);
      if (this.finished !== undefined) done({ ended: this.finished });
    });
  }

  send(line: string): void {
    (this.child.stdin as Writable).write(`${line}\n`);
  }

  kill(kind: CandidateEnd['kind'], reason: string): void {
    this.end ??= { kind, reason };
    if (this.child.pid === undefined) return;
    killTree(this.child.pid, processTree(this.child.pid));
  }

  /** Whatever the candidate started goes with it (in the uid mode: every process of that uid). */
  private sweep(): void {
    if (this.options.mode === 'uid') killAllOf(sandboxUid());
    else if (this.child.pid !== undefined) killTree(this.child.pid, processTree(this.child.pid));
  }
}

/**
 * What the suite files of one Jest run share: the candidate process and its timings. Jest runs the
 * files one after another in one process (in band) but gives each its own module registry, so this
 * lives on a Node core module, the one object the files share: one candidate start per grade.
 */
interface Shared {
  running?: Running;
  nextId: number;
  timings: Timings;
}

const SHARED_KEY = Symbol.for('ex5.candidate');

function shared(): Shared {
  const holder = childProcess as unknown as Record<symbol, Shared | undefined>;
  holder[SHARED_KEY] ??= { nextId: 0, timings: { starts: 0, startMs: 0, calls: 0, callMs: 0 } };
  return holder[SHARED_KEY];
}

/**
 * A suite file's view of the candidate: started on the first call, restarted after a crash. A hang or
 * a memory hog costs the rest of this file; the next file starts a fresh candidate.
 */
export class Candidate {
  private deadReason?: string;
  private crashes = 0;

  constructor(private readonly options: CandidateOptions) {}

  /**
   * Runs a procedure in the candidate; its error, or why the candidate gave no answer, fails the test.
   * `limit`: the running test and its per-call seconds (rubric.json), named in a timeout's message.
   */
  async call(procedure: string, args: unknown, limit?: { test: string; seconds: number }): Promise<unknown> {
    if (this.deadReason !== undefined) throw new CandidateFailure(this.deadReason);
    const state = shared();
    const running = await this.started(state);
    const id = ++state.nextId;
    const begun = performance.now();
    running.send(JSON.stringify({ id, procedure, args }));
    const timeoutMs =
      limit && !this.options.callTimeoutFixed ? limit.seconds * 1000 : this.options.callTimeoutMs;
    const what = `${limit ? `[${limit.test}] ` : ''}${procedure}`;
    const outcome = await running.wait(id, timeoutMs, what);
    state.timings.calls++;
    state.timings.callMs += performance.now() - begun;
    if ('ended' in outcome) throw new CandidateFailure(this.lost(state, outcome.ended));
    if (!outcome.reply.ok) {
      const reason = this.named(outcome.reply.error);
      if (outcome.reply.load) this.record({ loadFailure: { ...outcome.reply.load, reason } });
      throw new CandidateFailure(reason);
    }
    return outcome.reply.value;
  }

  private async started(state: Shared): Promise<Running> {
    if (state.running) return state.running;
    const begun = performance.now();
    const running = new Running(this.options);
    state.running = running;
    state.timings.starts++;
    const outcome = await running.wait(READY, this.options.callTimeoutMs);
    state.timings.startMs += performance.now() - begun;
    if ('ended' in outcome) throw new CandidateFailure(this.lost(state, outcome.ended));
    if (outcome.reply.ok) state.timings.backend = String(outcome.reply.value);
    return running;
  }

  /** The candidate ended: a hang or a memory hog costs the rest of the file, a crash a restart. */
  private lost(state: Shared, end: CandidateEnd): string {
    state.running = undefined;
    this.crashes++;
    if (end.kind !== 'ended') this.record({ candidateLimit: { kind: end.kind, reason: end.reason } });
    if (end.kind !== 'ended' || this.crashes > MAX_RESTARTS) this.deadReason = end.reason;
    return end.reason;
  }

  /** A fact for the grade's status, written as it happens (a later crash of Jest cannot lose it). */
  private record(fact: JudgeFact): void {
    if (this.options.factsFile) appendFileSync(this.options.factsFile, `${JSON.stringify(fact)}\n`);
  }

  /** Files named as the student knows them, not by the staging folder they were copied to. */
  private named(error: string): string {
    const dir = this.options.submissionDir;
    const folders = [dir, path.relative(this.options.projectRoot, dir)].map(
      (folder) => `${folder}${path.sep}`,
    );
    return folders
      .reduce((text, folder) => text.split(folder).join(''), error)
      .replace(/^SubmissionError: /, '')
      .replace('cannot be loaded: TSError: ', 'cannot be loaded: ');
  }

  /** At the end of a file: the run's timings so far. The candidate itself ends with Jest. */
  finish(): void {
    if (this.options.timingsFile)
      writeFileSync(this.options.timingsFile, `${JSON.stringify(shared().timings)}\n`);
  }
}

let forThisFile: Candidate | undefined;

/** This suite file's candidate. */
export function candidate(): Candidate {
  forThisFile ??= new Candidate(candidateOptionsFromEnv());
  return forThisFile;
}
