/**
 * Runs one child process under a wall-clock and a memory limit. The child gets its own process group;
 * a watchdog sums the resident memory of the child and all its descendants (Jest and its workers) and
 * kills the whole tree with SIGKILL past either limit, so nothing the submission does can outlive it.
 * V8's --max-old-space-size (via NODE_OPTIONS, inherited by every node descendant) stops a JavaScript
 * heap early; the watchdog catches what lives outside it (Buffers, WebAssembly memory).
 */
import { spawn } from 'node:child_process';
import { killTree, processTree, residentMb } from '../../grader/sandbox/process-tree.js';

export interface Limits {
  timeoutMs: number;
  memoryMb: number;
}

export interface IsolatedRun<Message> {
  /** The first message the child sent over IPC, if any. */
  message?: Message;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the watchdog killed the tree. */
  killedFor?: 'timeout' | 'memory';
  /** The last bytes of the child's stdout and stderr (a flood of output costs no memory). */
  stdoutTail: string;
  stderrTail: string;
  seconds: number;
  /** Rounded up, so a tree killed for memory always reports more than the limit. */
  peakRssMb: number;
}

export interface IsolatedCommand {
  /** Arguments to node (flags, then the script). */
  nodeArgs: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  user?: { uid: number; gid: number };
}

const TAIL_BYTES = 64 * 1024;
const WATCH_INTERVAL_MS = 200;

/** The children running now, so that an interrupted batch can stop them all. */
const running = new Set<number>();

/** Kills every isolated child still running, and all it started (Ctrl-C in a batch). */
export function stopAllIsolated(): void {
  for (const pid of running) killTree(pid, processTree(pid));
}

export function runIsolated<Message>(
  command: IsolatedCommand,
  input: unknown,
  limits: Limits,
): Promise<IsolatedRun<Message>> {
  const started = performance.now();
  const child = spawn(process.execPath, [`--max-old-space-size=${limits.memoryMb}`, ...command.nodeArgs], {
    cwd: command.cwd,
    env: { ...command.env, NODE_OPTIONS: `--max-old-space-size=${limits.memoryMb}` },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
    uid: command.user?.uid,
    gid: command.user?.gid,
  });
  if (child.pid !== undefined) running.add(child.pid);
  const stdout = new Tail(TAIL_BYTES);
  const stderr = new Tail(TAIL_BYTES);
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));

  let message: Message | undefined;
  let killedFor: IsolatedRun<Message>['killedFor'];
  let peakRssMb = 0;
  child.once('message', (received) => {
    message = received as Message;
  });
  child.on('error', () => undefined); // a failed spawn also ends in 'close', with the reason on stderr
  if (child.connected) child.send(input as object);

  const watchdog = setInterval(() => {
    if (child.pid === undefined) return;
    const tree = processTree(child.pid);
    const rssMb = tree.reduce((sum, pid) => sum + residentMb(pid), 0);
    peakRssMb = Math.max(peakRssMb, rssMb);
    if (performance.now() - started > limits.timeoutMs) killedFor ??= 'timeout';
    else if (rssMb > limits.memoryMb) killedFor ??= 'memory';
    if (killedFor) killTree(child.pid, tree);
  }, WATCH_INTERVAL_MS);

  // Once the child is gone, so is everything it started (a stray holding its pipes would stall 'close').
  child.on('exit', () => {
    if (child.pid !== undefined) killTree(child.pid, processTree(child.pid));
  });
  return new Promise((resolve) => {
    child.on('close', (exitCode, signal) => {
      clearInterval(watchdog);
      if (child.pid !== undefined) running.delete(child.pid);
      resolve({
        message,
        exitCode,
        signal,
        killedFor,
        stdoutTail: stdout.text(),
        stderrTail: stderr.text(),
        seconds: (performance.now() - started) / 1000,
        peakRssMb: Math.ceil(peakRssMb),
      });
    });
  });
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0].length >= this.limit) this.bytes -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}
