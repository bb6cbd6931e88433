/**
 * Chooses the TensorFlow.js backend once per process: tfjs-node if it loads, else wasm, else cpu.
 * EX5_BACKEND=node|wasm|cpu forces one; an unknown value or a forced backend that cannot load is an error.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

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

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'node') await registerNode();
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
  const failures: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      if (announce) process.stderr.write(`ex5: TensorFlow.js backend: ${name}\n`);
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
