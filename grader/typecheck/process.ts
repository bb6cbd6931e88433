/**
 * The grader's side of the type checker (server.ts): start it, ask it to check a submission's files,
 * close it. A check has a time limit; a checker that crashes or runs past it is ended, the check fails
 * with how it ended (signal or exit code, last lines of output), and the next check starts a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { describeEnding } from '../sandbox/process-tree.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import type { SourceTexts } from './checker.js';

export interface TypeCheckRequest {
  id: number;
  texts: SourceTexts;
}

export type TypeCheckReply = { id: number; errors: string[] } | { id: number; failed: string };

export class TypeCheckError extends Error {
  override name = 'TypeCheckError';
}

const SERVER = path.join(PROJECT_ROOT, 'grader', 'typecheck', 'server.ts');
/** A submission's check takes about a second; much longer means types built to stall the checker. */
const DEFAULT_CHECK_TIMEOUT_MS = 120_000;
const HEAP_MB = 2048;
const TAIL_CHARS = 4000;

/** The submission's files as handed in (those it has of the five), read before anything runs. */
export function readSubmissionTexts(dir: string): SourceTexts {
  const texts: SourceTexts = {};
  for (const name of Object.values(SUBMISSION_FILES)) {
    const file = path.join(dir, name);
    if (existsSync(file)) texts[name] = readFileSync(file, 'utf8');
  }
  return texts;
}

interface Waiting {
  child: ChildProcess;
  resolve: (errors: string[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One checker process, started on the first check and kept for the next ones. */
export class TypeCheckProcess {
  private child?: ChildProcess;
  private output = '';
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly projectRoot: string = PROJECT_ROOT,
    private readonly timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
  ) {}

  /** The type errors in these files, `file:line:col TScode: message` each. */
  check(texts: SourceTexts): Promise<string[]> {
    const child = this.started();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(child, `the type check did not finish within ${this.timeoutMs / 1000} s`);
      }, this.timeoutMs);
      this.waiting.set(id, { child, resolve, reject, timer });
      child.send({ id, texts } satisfies TypeCheckRequest);
    });
  }

  /** Ends the checker; a check still waiting fails. */
  close(): void {
    if (this.child) this.fail(this.child, 'the type check was cancelled');
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', SERVER, this.projectRoot],
      // tsx is found from this project, whichever project's files are checked
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    this.child = child;
    this.output = '';
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-TAIL_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (reply: TypeCheckReply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      clearTimeout(waiting.timer);
      if ('errors' in reply) waiting.resolve(reply.errors);
      else waiting.reject(new TypeCheckError(`the type check failed: ${reply.failed}`));
    });
    child.on('error', (error) => this.fail(child, `the type checker cannot start: ${error.message}`));
    child.on('close', (code, signal) => {
      this.fail(child, `the type checker ended (${describeEnding(code, signal, [this.output])})`);
    });
    // an idle checker must not keep the grader's process alive
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }

  /** The checks waiting on `child` fail with `reason`; it goes, and the next check starts another. */
  private fail(child: ChildProcess, reason: string): void {
    if (this.child === child) this.child = undefined;
    for (const [id, waiting] of this.waiting) {
      if (waiting.child !== child) continue;
      clearTimeout(waiting.timer);
      waiting.reject(new TypeCheckError(reason));
      this.waiting.delete(id);
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A check's outcome: the type errors, or why there are none to give. */
export type TypeCheckResult = { errors: string[] } | { failed: string };

/**
 * A submission's check as `npm run grade` and `npm run pack` run it: in a checker of its own, started
 * now, beside the judge, and closed by `close` (which a finished grade calls either way). Nothing is
 * cached: a cache would be written into the project by every grade, and a stale entry could decide a
 * status; the check costs about a second, alongside the grade.
 */
export function typeCheckSubmission(dir: string): { result: Promise<TypeCheckResult>; close(): void } {
  const checker = new TypeCheckProcess();
  const result = checker.check(readSubmissionTexts(dir)).then(
    (errors): TypeCheckResult => ({ errors }),
    (error: Error): TypeCheckResult => ({ failed: error.message }),
  );
  return { result, close: () => checker.close() };
}
