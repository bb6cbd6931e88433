/**
 * Where a training step's time goes on our side: tf.profile over a few steps, kernel by kernel, grouped
 * by kernel name. Only registered kernels are counted (the scopes tf.customGrad opens around them would
 * count their inner kernels twice); what is left of the wall time is the framework's own work (engine,
 * gradient tape, JavaScript between kernels).
 */
import * as tf from '@tensorflow/tfjs';

export interface ProfileRow {
  name: string;
  /** Calls per step. */
  count: number;
  /** Milliseconds per step. */
  ms: number;
}

export async function profileSteps(
  step: () => void,
  steps: number,
): Promise<{ rows: ProfileRow[]; kernels: number; wallMs: number }> {
  const byName = new Map<string, { count: number; ms: number }>();
  let kernels = 0;
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(step);
    for (const kernel of info.kernels) {
      if (!tf.getKernel(kernel.name, tf.getBackend())) continue; // a scope, not a kernel
      const entry = byName.get(kernel.name) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      byName.set(kernel.name, entry);
      kernels++;
    }
  }
  const wallMs = (performance.now() - started) / steps;
  const rows = [...byName]
    .map(([name, { count, ms }]) => ({ name, count: count / steps, ms: ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  return { rows, kernels: kernels / steps, wallMs };
}
