/**
 * Chooses the TensorFlow.js backend once per process: tfjs-node if it loads, else wasm, else cpu.
 * EX5_BACKEND=node|wasm|cpu forces one; an unknown value or a forced backend that cannot load is an error.
 * EX5_WASM_THREADS=N (N ≥ 2) runs the wasm backend's threaded build on N threads (see startWasmThreads).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export const BACKENDS = ['node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** tfjs's own registry names for ours. */
const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

// PROD silences tfjs's console warnings (the "install tfjs-node" banner among them) and its debug checks.
tf.env().set('PROD', true);

let chosen: Promise<BackendName> | undefined;

export class BackendError extends Error {
  override name = 'BackendError';
}

/** Loads tfjs-node on demand: it is an optional dependency that is often absent. */
async function registerNode(): Promise<void> {
  const specifier = '@tensorflow/tfjs-node';
  await import(specifier);
}

/**
 * The threaded wasm build under Node. tfjs-backend-wasm turns threads off on Node, and where they are
 * forced on, its pthread workers start from a blob: URL, which Node's workers cannot load. Here a Worker
 * class stands in for the global one that Emscripten's start-up installs: a blob: worker runs the worker
 * code the package ships (wasm-out/*.worker.js) as an eval'd script, and the main script the workers
 * import is the package's file instead of a Blob. The backend sizes its thread pool as half the logical
 * cores it sees (it assumes two hyper-threads per core), so os.cpus() reports each core twice while it
 * starts. The workers never hold the process open (the main thread waits for them inside each kernel
 * anyway). Threads pay off only on idle cores: on a busy 2-core machine one thread is faster (measured in
 * the README), hence opt-in.
 */
function startWasmThreads(count: number): void {
  const require = createRequire(import.meta.url);
  const folder = path.join(
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  );
  const { wasmWorkerContents } = require(path.join(folder, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const workerCode = wasmWorkerContents.replace(/\n/g, '\\n'); // as tfjs escapes it for its Blob
  const mainScript = path.join(folder, 'tfjs-backend-wasm-threaded-simd.js');
  class FileWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      // a plain script (execArgv: []), whatever flags started this process
      if (typeof url === 'string' && url.startsWith('blob:'))
        super(workerCode, { ...options, eval: true, execArgv: [] });
      else super(url, options);
      super.unref();
    }
    /** The pool's threads live as long as the process and must not keep it from exiting. */
    override ref(): void {}
    override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
      if (load?.cmd === 'load' && typeof load.urlOrBlob !== 'string')
        message = { ...load, urlOrBlob: mainScript };
      super.postMessage(message, transfer);
    }
  }
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => FileWorker, set: () => {} });
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(count);
}

let wasmThreadsStarted = false;

/** EX5_WASM_THREADS as a thread count (1 when unset). */
function wasmThreads(): number {
  const value = process.env.EX5_WASM_THREADS;
  if (value === undefined || value === '') return 1;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 8)
    throw new BackendError(`EX5_WASM_THREADS='${value}' must be a whole number of threads from 1 to 8`);
  return count;
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'node') await registerNode();
    const threads = name === 'wasm' ? wasmThreads() : 1;
    if (threads > 1 && !wasmThreadsStarted) {
      wasmThreadsStarted = true;
      startWasmThreads(threads);
      const cpus = os.cpus;
      os.cpus = () => [...cpus(), ...cpus()];
      try {
        if (!(await tf.setBackend('wasm'))) return "tf.setBackend('wasm') returned false";
        await tf.ready();
      } finally {
        os.cpus = cpus;
      }
      return undefined;
    }
    if (await tf.setBackend(TFJS_NAME[name])) {
      await tf.ready();
      return undefined;
    }
    return `tf.setBackend('${TFJS_NAME[name]}') returned false`;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendError(`EX5_BACKEND='${value}' is not a backend: use one of ${BACKENDS.join(', ')}`);
}

async function choose(forced: BackendName | undefined, announce: boolean): Promise<BackendName> {
  const candidates = forced ? [forced] : BACKENDS;
  wasmThreads(); // an invalid EX5_WASM_THREADS is an error, not a reason to fall back to cpu
  const failures: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      const threads = name === 'wasm' && wasmThreads() > 1 ? ` (${getThreadsCount()} threads)` : '';
      if (announce) process.stderr.write(`ex5: TensorFlow.js backend: ${name}${threads}\n`);
      return name;
    }
    failures.push(`${name}: ${failure}`);
  }
  throw new BackendError(
    forced
      ? `EX5_BACKEND=${forced} was requested but cannot load (${failures.join('; ')})`
      : `no TensorFlow.js backend could load (${failures.join('; ')})`,
  );
}

/**
 * Initialises the backend once and says on stderr which one runs (set EX5_QUIET_BACKEND=1 to keep
 * stderr clean, as the test setup does). Later calls return the same choice.
 */
export function initBackend(): Promise<BackendName> {
  chosen ??= Promise.resolve().then(() =>
    choose(parseBackendName(process.env.EX5_BACKEND), process.env.EX5_QUIET_BACKEND !== '1'),
  );
  return chosen;
}

/** Switches to a named backend for a side-by-side comparison (tests and benchmarks only). */
export async function useBackend(name: BackendName): Promise<void> {
  const failure = await tryBackend(name);
  if (failure !== undefined) throw new BackendError(`backend ${name} cannot load: ${failure}`);
}

/** The backend running now, in our names. */
export function currentBackend(): BackendName {
  const active = tf.getBackend();
  const entry = Object.entries(TFJS_NAME).find(([, tfjsName]) => tfjsName === active);
  if (!entry) throw new BackendError(`unexpected tfjs backend '${active}'`);
  return entry[0] as BackendName;
}
