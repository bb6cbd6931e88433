/**
 * The PyTorch side of the side-by-side benchmarks: finds a Python with torch, starts a baseline from
 * pytorch/ as a long-lived process and asks it for one measurement at a time, so that our runs and its
 * runs alternate in one session (a ratio only holds between figures measured together: absolute times
 * differ from one machine, and one minute, to the next).
 *
 * The interpreter: EX5_PYTHON if set, else /usr/bin/python3, else python3 on PATH. The baselines run on
 * one thread (OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1, torch.set_num_threads(1)): PyTorch's fastest
 * setting on the 2-core machines this project runs on.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const INSTALL_HINT =
  'apt-get install -y python3-torch libopenblas0-pthread (Debian/Ubuntu), or set EX5_PYTHON to a Python that has torch';

const THREAD_SETTINGS = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const QUIET_PYTHON = { PYTHONDONTWRITEBYTECODE: '1' };

export type PyTorchLookup = { python: string; version: string } | { missing: string };

/** The first candidate interpreter that imports torch, or why none does. */
export function findPyTorch(env: NodeJS.ProcessEnv = process.env): PyTorchLookup {
  const candidates = env.EX5_PYTHON ? [env.EX5_PYTHON] : ['/usr/bin/python3', 'python3'];
  const failures: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      env: { ...env, ...THREAD_SETTINGS, ...QUIET_PYTHON },
      timeout: 60_000,
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
    const why = probe.error ? 'not found' : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    failures.push(`${python}: ${why}`);
  }
  return { missing: `PyTorch is not available (${failures.join('; ')})` };
}

/** The path of a baseline script in pytorch/, e.g. 'gpt.py'. */
export function baselineScript(name: string): string {
  return fileURLToPath(new URL(`./pytorch/${name}`, import.meta.url));
}

/** What a baseline reports about how it ran (torch version, threads, BLAS). */
export type BaselineSettings = Record<string, string | number | null>;

/** A running baseline (`python3 pytorch/NAME.py --serve …`): one JSON answer per request. */
export class PyTorchBaseline {
  private readonly lines: AsyncIterableIterator<string>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly reader: Interface,
    readonly command: string,
    public settings: BaselineSettings = {},
  ) {
    this.lines = reader[Symbol.asyncIterator]();
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
  }

  /** Starts the baseline and waits until it has built its model and data. */
  static async start(python: string, script: string, args: string[]): Promise<PyTorchBaseline> {
    const child = spawn(python, [baselineScript(script), '--serve', ...args], {
      env: { ...process.env, ...THREAD_SETTINGS, ...QUIET_PYTHON },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const command = `${Object.entries(THREAD_SETTINGS)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} ${python} ${script} ${args.join(' ')}`.trim();
    const baseline = new PyTorchBaseline(child, createInterface({ input: child.stdout }), command);
    const ready = await baseline.answer();
    baseline.settings = (ready.settings ?? {}) as BaselineSettings;
    return baseline;
  }

  /** One measurement (the baseline's `run`): its figures as JSON. */
  run(): Promise<Record<string, unknown>> {
    return this.request('run');
  }

  /** A per-operator profile of `steps` of the baseline's steps (the GPT baseline only). */
  profile(steps = 10): Promise<Record<string, unknown>> {
    return this.request(`profile ${steps}`);
  }

  private request(command: string): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${command}\n`);
    return this.answer();
  }

  private async answer(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done) {
      throw new Error(`the PyTorch baseline stopped (${this.command}): ${this.stderr.trim() || 'no output'}`);
    }
    const answer = JSON.parse(next.value) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`the PyTorch baseline: ${answer.error}`);
    return answer;
  }

  close(): void {
    this.child.stdin.end('quit\n');
    this.reader.close();
  }
}
