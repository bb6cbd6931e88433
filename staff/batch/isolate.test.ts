import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IsolatedWorker, runIsolated } from './isolate.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ex5-isolate-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a small ES module as the isolated child. */
function run(source: string, limits = { timeoutMs: 10_000, memoryMb: 400 }, input: unknown = {}) {
  const file = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  return runIsolated<{ echo: unknown }>(
    { nodeArgs: [file], cwd: dir, env: { PATH: process.env.PATH } },
    input,
    limits,
  );
}

/** Running, not just a zombie waiting to be reaped (a container's init may never reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('runIsolated', () => {
  test('the job goes in and the answer comes back over IPC', async () => {
    const result = await run(
      "process.once('message', (job) => process.send({ echo: job }, () => process.disconnect()));",
      undefined,
      { n: 7 },
    );
    expect(result.message).toEqual({ echo: { n: 7 } });
    expect(result.exitCode).toBe(0);
    expect(result.killedFor).toBeUndefined();
  });

  test('an endless loop is killed at the time limit, with the grandchild it started', async () => {
    const result = await run(
      [
        "import { spawn } from 'node:child_process';",
        "const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        "console.log('grandchild', grandchild.pid);",
        'while (true) {}',
      ].join('\n'),
      { timeoutMs: 1500, memoryMb: 400 },
    );
    expect(result.killedFor).toBe('timeout');
    expect(result.signal).toBe('SIGKILL');
    expect(result.seconds).toBeGreaterThanOrEqual(1.5);
    expect(result.seconds).toBeLessThan(6);
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdoutTail)![1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(grandchild)).toBe(false);
  });

  test('memory outside the JavaScript heap is killed at the memory limit', async () => {
    const result = await run(
      'const hog = []; setInterval(() => hog.push(Buffer.alloc(50 * 2 ** 20, 1)), 20);',
      { timeoutMs: 20_000, memoryMb: 300 },
    );
    expect(result.killedFor).toBe('memory');
    expect(result.peakRssMb).toBeGreaterThan(300);
  });

  test('a JavaScript heap that grows without end stops at V8 limit from --memory', async () => {
    const result = await run('const hog = []; while (true) hog.push({ a: Math.random(), b: [1, 2, 3] });', {
      timeoutMs: 30_000,
      memoryMb: 200,
    });
    expect(result.killedFor === 'memory' || /heap out of memory/.test(result.stderrTail)).toBe(true);
    expect(result.exitCode).not.toBe(0);
  });

  test('a flood of output keeps only the tail', async () => {
    const result = await run(
      "for (let i = 0; i < 20000; i++) process.stdout.write('x'.repeat(999) + '\\n'); process.stdout.write('END');",
    );
    expect(result.stdoutTail.length).toBeLessThanOrEqual(64 * 1024);
    expect(result.stdoutTail.endsWith('END')).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  test('the environment is only what is given', async () => {
    process.env.EX5_SECRET_FOR_TEST = 'leak';
    try {
      const result = await run(
        "process.once('message', () => process.send({ echo: process.env.EX5_SECRET_FOR_TEST ?? null }, () => process.disconnect()));",
      );
      expect(result.message).toEqual({ echo: null });
    } finally {
      delete process.env.EX5_SECRET_FOR_TEST;
    }
  });
});

describe('IsolatedWorker', () => {
  /** A worker that answers each job with its pid; `crash` exits after writing to stderr, `spin` loops. */
  const source = [
    "process.on('message', (job) => {",
    "  if (job.crash) { process.stderr.write('crashed on ' + job.n); process.exit(3); }",
    '  if (job.spin) for (;;) {}',
    "  process.stderr.write('job ' + job.n + ';');",
    '  process.send({ echo: job.n, pid: process.pid });',
    '});',
    "process.on('disconnect', () => process.exit(0));",
  ].join('\n');
  const limits = { timeoutMs: 10_000, memoryMb: 400 };
  let worker: IsolatedWorker<{ echo: number; pid: number }>;
  beforeEach(() => {
    const file = path.join(dir, `worker-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, source);
    worker = new IsolatedWorker({ nodeArgs: [file], cwd: dir, env: { PATH: process.env.PATH } }, 400);
  });
  afterEach(() => worker.close());

  test('one child takes the jobs in turn', async () => {
    const first = await worker.run({ n: 1 }, limits);
    const second = await worker.run({ n: 2 }, limits);
    expect([first.message?.echo, second.message?.echo]).toEqual([1, 2]);
    expect(second.message?.pid).toBe(first.message?.pid);
    expect(second.killedFor).toBeUndefined();
  });

  test('a job that ends the child reports how; the next job gets a fresh child', async () => {
    const first = await worker.run({ n: 1 }, limits);
    const crashed = await worker.run({ n: 2, crash: true }, limits);
    expect(crashed.message).toBeUndefined();
    expect(crashed.exitCode).toBe(3);
    expect(crashed.stderrTail).toMatch(/crashed on 2$/);
    const after = await worker.run({ n: 3 }, limits);
    expect(after.message?.echo).toBe(3);
    expect(after.message?.pid).not.toBe(first.message?.pid);
  });

  test('a child that left between jobs is replaced before the next job', async () => {
    const first = await worker.run({ n: 1 }, limits);
    process.kill(first.message!.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await worker.run({ n: 2 }, limits);
    expect(next.message?.echo).toBe(2);
    expect(next.message?.pid).not.toBe(first.message?.pid);
  });

  test('the time limit is per job: a hung job is killed, with the child, and the next one runs', async () => {
    await worker.run({ n: 1 }, limits);
    const hung = await worker.run({ n: 2, spin: true }, { timeoutMs: 1500, memoryMb: 400 });
    expect(hung.killedFor).toBe('timeout');
    expect(hung.seconds).toBeLessThan(6);
    const pid = hung.message?.pid;
    expect(pid).toBeUndefined();
    expect((await worker.run({ n: 3 }, limits)).message?.echo).toBe(3);
  });
});
