/**
 * Runs a child process under a wall-clock and a memory limit: once (runIsolated), or as a worker that
 * takes one job after another, each under its own limits (IsolatedWorker: the batch's judge per slot,
 * which pays Node's, tsx's and the grader's start-up once). The child gets its own process group; a
 * watchdog sums the resident memory of the child and all its descendants (Jest and its workers) and
 * kills the whole tree with SIGKILL past either limit, so nothing the submission does can outlive it.
 * V8's --max-old-space-size (via NODE_OPTIONS, inherited by every node descendant) stops a JavaScript
 * heap early; the watchdog catches what lives outside it (Buffers, WebAssembly memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuSeconds, killTree, processTree, residentMb } from '../../grader/sandbox/process-tree.js';

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
  /**
   * CPU seconds the tree used, sampled with the memory: a lower bound that misses at most the last
   * sampling interval of each process.
   */
  cpuSeconds: number;
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
  child.once('message', (received) => {
    message = received as Message;
  });
  child.on('error', () => undefined); // a failed spawn also ends in 'close', with the reason on stderr
  if (child.connected) child.send(input as object);

  const watch = new TreeWatch(child, limits, started);
  const watchdog = setInterval(() => watch.check(), WATCH_INTERVAL_MS);

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
        stdoutTail: stdout.text(),
        stderrTail: stderr.text(),
        seconds: (performance.now() - started) / 1000,
        ...watch.figures(),
      });
    });
  });
}

/** One job's watch on a child's tree: its limits, its peak memory, its CPU time. */
class TreeWatch {
  killedFor?: 'timeout' | 'memory';
  private peakRssMb = 0;
  private lastRssMb = 0;
  /** CPU seconds per process: when the job began (the worker's own past) and when last seen. */
  private readonly cpuAtStart = new Map<number, number>();
  private readonly cpuLastSeen = new Map<number, number>();

  constructor(
    private readonly child: ChildProcess,
    private readonly limits: Limits,
    private readonly started: number,
  ) {
    if (child.pid !== undefined) this.cpuAtStart.set(child.pid, cpuSeconds(child.pid));
  }

  check(): void {
    const tree = this.sample();
    if (tree === undefined) return;
    if (performance.now() - this.started > this.limits.timeoutMs) this.killedFor ??= 'timeout';
    else if (this.lastRssMb > this.limits.memoryMb) this.killedFor ??= 'memory';
    if (this.killedFor) killTree(this.child.pid!, tree);
  }

  /** Memory and CPU of the tree now; the tree, or undefined before the child has a pid. */
  sample(): number[] | undefined {
    if (this.child.pid === undefined) return undefined;
    const tree = processTree(this.child.pid);
    const rssMb = tree.reduce((sum, pid) => sum + residentMb(pid), 0);
    this.peakRssMb = Math.max(this.peakRssMb, rssMb);
    this.lastRssMb = rssMb;
    for (const pid of tree) {
      const cpu = cpuSeconds(pid);
      if (cpu > 0) this.cpuLastSeen.set(pid, cpu);
    }
    return tree;
  }

  figures(): Pick<IsolatedRun<unknown>, 'killedFor' | 'peakRssMb' | 'cpuSeconds'> {
    let cpu = 0;
    for (const [pid, seen] of this.cpuLastSeen) cpu += seen - (this.cpuAtStart.get(pid) ?? 0);
    return {
      killedFor: this.killedFor,
      peakRssMb: Math.ceil(this.peakRssMb),
      cpuSeconds: Math.round(cpu * 100) / 100,
    };
  }
}

/**
 * A child that grades one job after another (each job one IPC message in, one message back), so that
 * its start-up is paid once per slot, not once per submission. Each job has its own limits, tails and
 * figures; a job that ends the child (a crash, or the watchdog at a limit) reports as runIsolated
 * does, and the next job starts a fresh child. Each job's output tails start empty.
 */
export class IsolatedWorker<Message> {
  private child?: ChildProcess;
  private stdout = new Tail(TAIL_BYTES);
  private stderr = new Tail(TAIL_BYTES);
  /** The child's end, once its output is all read (the 'close' event). */
  private exited?: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  /** The child's exit: a child whose channel the parent closed never emits 'close'. */
  private gone?: Promise<void>;
  /** Jobs done by the current child; it is replaced after `maxJobs`, so that no slow leak builds up. */
  private jobs = 0;

  constructor(
    private readonly command: IsolatedCommand,
    private readonly memoryMb: number,
    private readonly maxJobs = 50,
  ) {}

  private start(): ChildProcess {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${this.memoryMb}`, ...this.command.nodeArgs],
      {
        cwd: this.command.cwd,
        env: { ...this.command.env, NODE_OPTIONS: `--max-old-space-size=${this.memoryMb}` },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        detached: true,
        uid: this.command.user?.uid,
        gid: this.command.user?.gid,
      },
    );
    if (child.pid !== undefined) running.add(child.pid);
    child.stdout!.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    child.on('error', () => undefined); // a failed spawn also ends in 'close', with the reason on stderr
    // once the child is gone, so is everything it started
    this.gone = new Promise((resolve) =>
      child.on('exit', () => {
        if (child.pid !== undefined) {
          killTree(child.pid, processTree(child.pid));
          running.delete(child.pid);
        }
        resolve();
      }),
    );
    this.exited = new Promise((resolve) =>
      child.on('close', (exitCode, signal) => {
        if (child.pid !== undefined) running.delete(child.pid);
        if (this.child === child) this.child = undefined;
        resolve({ exitCode, signal });
      }),
    );
    this.jobs = 0;
    return child;
  }

  /** Runs one job: its message, or how the child ended if it ended first. */
  async run(input: unknown, limits: Limits): Promise<IsolatedRun<Message>> {
    // a child that left between jobs (or has done its share) is replaced, not handed a job it cannot take
    const stale = this.child && (!this.child.connected || this.child.exitCode !== null);
    if (this.child && (stale || this.jobs >= this.maxJobs)) await this.close();
    const started = performance.now();
    const child = this.child ?? (this.child = this.start());
    const exited = this.exited!;
    this.jobs++;
    this.stdout = new Tail(TAIL_BYTES);
    this.stderr = new Tail(TAIL_BYTES);
    const watch = new TreeWatch(child, limits, started);
    const watchdog = setInterval(() => watch.check(), WATCH_INTERVAL_MS);
    try {
      const answer = new Promise<Message>((resolve) => child.once('message', resolve));
      if (child.connected) child.send(input as object);
      let ended = await Promise.race([
        answer.then((message): { message?: Message } & Awaited<typeof exited> => ({
          message,
          exitCode: null,
          signal: null,
        })),
        exited.then((end) => ({ message: undefined, ...end })),
      ]);
      watch.sample(); // the last figures, while the child's tree is still there
      // a child the watchdog is killing takes no next job: wait until it is gone
      if (watch.killedFor) ended = { ...ended, ...(await exited) };
      return {
        ...ended,
        stdoutTail: this.stdout.text(),
        stderrTail: this.stderr.text(),
        seconds: (performance.now() - started) / 1000,
        ...watch.figures(),
      };
    } finally {
      clearInterval(watchdog);
    }
  }

  /** Ends the child: it leaves when its channel closes; one that does not is killed. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = this.gone!;
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killTree(child.pid, processTree(child.pid));
    }, 5000);
    await gone;
    clearTimeout(timer);
  }
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
