/**
 * Fused kernels for the wasm backend, written in JavaScript over the backend's own memory. On wasm each
 * tfjs kernel costs a fixed 20–45 µs (engine, tape, the call into wasm), so a formula of ten small ops
 * costs more in overhead than in arithmetic; one pass of a plain loop over the same numbers is cheaper.
 * But JavaScript loops are scalar and wasm's own kernels are SIMD: a fused kernel pays off only where
 * it replaces a slow path (a product with a one-hot matrix, reductions that wasm transposes first, a
 * chain of small products and slices), not for elementwise chains, which wasm runs in ~1 ns per element
 * (measured: a JavaScript LayerNorm and GELU made the GPT step 2% slower, not faster, and JavaScript
 * batched products for attention 13% slower). No transcendental
 * functions here: V8's Math.exp is several times slower than wasm's Exp kernel.
 *
 * The callers (lib/gpt/ops.ts, lib/mixture.ts) use these only on the wasm backend (`fusedKernels()`); on
 * the other backends they keep the composed tfjs ops, so the cpu backend, which makes the fixtures,
 * computes exactly what it did. Each kernel's comment gives the formula; the ops' tests compare values and
 * gradients with autograd on both backends.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The fused paths of the callers, by name. */
export const FUSED_PATHS = [
  'embedding',
  'columnSums',
  'kernelGradient',
  'mixtureForward',
  'mixtureGradient',
  'sigmoidExp',
] as const;
export type FusedPath = (typeof FUSED_PATHS)[number];

let enabled = new Set<FusedPath>(process.env.EX5_FUSED_KERNELS === '0' ? [] : FUSED_PATHS);

/**
 * True where a fused path runs: on the wasm backend, unless turned off (EX5_FUSED_KERNELS=0 turns all
 * off, to measure what they buy).
 */
export function fusedKernels(path: FusedPath): boolean {
  return enabled.has(path) && tf.getBackend() === 'wasm';
}

/** Turns fused paths on (all, or the ones named) and the others off; benchmarks compare in one process. */
export function setFusedKernels(on: boolean | readonly FusedPath[]): void {
  enabled = new Set(on === true ? FUSED_PATHS : on === false ? [] : on);
}

type Views = Float32Array[];

/**
 * Registers a wasm kernel that allocates its outputs (all float32), then fills them from views of the
 * inputs. Outputs are allocated before any view is taken: an allocation may grow the wasm memory, which
 * detaches earlier views.
 */
function register(
  name: string,
  outputShapes: (inputs: tf.TensorInfo[], attrs: Record<string, unknown>) => number[][],
  compute: (inputs: Views, outputs: Views, shapes: number[][], attrs: Record<string, unknown>) => void,
): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const given = Object.values(inputs) as tf.TensorInfo[];
      const outputs = outputShapes(given, attrs as Record<string, unknown>).map((shape) =>
        wasm.makeOutput(shape, 'float32'),
      );
      const view = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
      compute(
        given.map(view),
        outputs.map(view),
        given.map((info) => info.shape),
        attrs as Record<string, unknown>,
      );
      return outputs.length === 1 ? outputs[0] : outputs;
    },
  });
}

/** Runs a registered kernel; returns its outputs as tensors. */
export function runFused(name: string, inputs: tf.Tensor[], attrs: Record<string, number> = {}): tf.Tensor[] {
  const named: tf.NamedTensorMap = {};
  inputs.forEach((tensor, i) => (named[`x${i}`] = tensor));
  const result = tf.engine().runKernel(name, named, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(result) ? result : [result];
}

const last = (shape: number[]) => shape[shape.length - 1];

/** Sums over rows: values (..., C) → [C]; wasm's Sum over axis 0 transposes first (measured 2× slower). */
register(
  'Ex5ColumnSums',
  ([values]) => [[last(values.shape)]],
  ([values], [sums], [shape]) => {
    const C = last(shape);
    sums.fill(0);
    for (let o = 0; o < values.length; o += C) for (let c = 0; c < C; c++) sums[c] += values[o + c];
  },
);

/**
 * The embedding's gradient: rows dy [N, C] added into a [V, C] table at rows ids [N] (int32), attr V.
 * (tf.gather's own gradient, UnsortedSegmentSum, is missing on wasm.)
 */
register(
  'Ex5ScatterRows',
  ([dy], { V }) => [[V as number, last(dy.shape)]],
  ([dy, ids], [table], [shape]) => {
    const C = last(shape);
    const rows = new Int32Array(ids.buffer, ids.byteOffset, ids.length);
    table.fill(0);
    for (let n = 0; n < rows.length; n++) {
      const from = n * C;
      const to = rows[n] * C;
      for (let c = 0; c < C; c++) table[to + c] += dy[from + c];
    }
  },
);

/** Σ_d ((x_nd − c_kd)·s_kd)²: x [n, D], centers [K, D], scales [K, D] → [n, K]. */
register(
  'Ex5ScaledSquaredDistances',
  ([x, centers]) => [[x.shape[0], centers.shape[0]]],
  ([x, c, s], [out], [[n, D], [K]]) => {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let total = 0;
        for (let d = 0; d < D; d++) {
          const z = (x[i * D + d] - c[k * D + d]) * s[k * D + d];
          total += z * z;
        }
        out[i * K + k] = total;
      }
    }
  },
);

/**
 * The gradient of the above for centers and scales: dy [n, K], x, c, s →
 * dc_kd = −Σ_n g·s_kd and ds_kd = Σ_n g·(x_nd − c_kd), with g = 2·dy_nk·(x_nd − c_kd)·s_kd.
 */
register(
  'Ex5ScaledSquaredDistancesGrad',
  ([, , c]) => [c.shape, c.shape],
  ([dy, x, c, s], [dc, ds], [[n, K], [, D]]) => {
    dc.fill(0);
    ds.fill(0);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        const g = 2 * dy[i * K + k];
        for (let d = 0; d < D; d++) {
          const difference = x[i * D + d] - c[k * D + d];
          const scale = s[k * D + d];
          const gz = g * difference * scale;
          dc[k * D + d] -= gz * scale;
          ds[k * D + d] += gz * difference;
        }
      }
    }
  },
);

/**
 * logSumExp's gradient from the forward pass's exponentials e [n, K] and their row sums [n, 1]:
 * w = e·dy/sums [n, K] (softmax · dy) and its column sums [K].
 */
register(
  'Ex5SoftmaxWeights',
  ([, exponentials]) => [exponentials.shape, [exponentials.shape[1]]],
  ([dy, exponentials, sums], [weighted, columns], [, [n, K]]) => {
    columns.fill(0);
    for (let i = 0; i < n; i++) {
      const factor = dy[i] / sums[i];
      for (let k = 0; k < K; k++) {
        const w = exponentials[i * K + k] * factor;
        weighted[i * K + k] = w;
        columns[k] += w;
      }
    }
  },
);
