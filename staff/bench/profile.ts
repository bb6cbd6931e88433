/**
 * Where a training step's time goes on our side, kernel by kernel: every kernel registered for the
 * running backend is wrapped in a timer for a few steps (and unwrapped after), so each kernel's own time
 * is measured with next to no overhead (tf.profile reads every output back and inflates the step
 * several times). What is left of the wall time is the framework's own work: engine, gradient tape,
 * tf.customGrad, the JavaScript between kernels and the optimiser's update.
 */
import * as tf from '@tensorflow/tfjs';

export interface ProfileRow {
  name: string;
  /** Calls per step. */
  count: number;
  /** Milliseconds per step. */
  ms: number;
}

export function profileSteps(
  step: () => void,
  steps: number,
  /** Kernels to list by input shapes as well as by name, e.g. ['BatchMatMul']. */
  byShape: readonly string[] = [],
): { rows: ProfileRow[]; kernels: number; wallMs: number } {
  const backendName = tf.getBackend();
  const originals = tf.getKernelsForBackend(backendName);
  const stats = new Map<string, { count: number; ms: number }>();
  for (const config of originals) {
    const detailed = byShape.includes(config.kernelName);
    const entryFor = (args: Parameters<tf.KernelFunc>[0]) => {
      const name = detailed
        ? `${config.kernelName} ${Object.values(args.inputs)
            .map((input) => `[${input?.shape}]`)
            .join('·')}`
        : config.kernelName;
      let entry = stats.get(name);
      if (!entry) stats.set(name, (entry = { count: 0, ms: 0 }));
      return entry;
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const started = performance.now();
        try {
          return config.kernelFunc(args);
        } finally {
          const entry = entryFor(args);
          entry.ms += performance.now() - started;
          entry.count++;
        }
      },
    });
  }
  let wallMs: number;
  try {
    step(); // the wrapped kernels' first calls
    for (const entry of stats.values()) Object.assign(entry, { count: 0, ms: 0 });
    const started = performance.now();
    for (let i = 0; i < steps; i++) step();
    wallMs = (performance.now() - started) / steps;
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const rows = [...stats]
    .filter(([, { count }]) => count > 0)
    .map(([name, { count, ms }]) => ({ name, count: count / steps, ms: ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  return { rows, kernels: rows.reduce((n, row) => n + row.count, 0), wallMs };
}
