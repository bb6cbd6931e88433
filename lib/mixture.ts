/**
 * Helpers any submission's GMM and UMM may use: parameter checks, and two tensor operations that are
 * plain maths (no model inside) written for speed on wasm, where each kernel costs ~30–45 µs of overhead
 * and broadcasting between [n, 1, D] and [K, D] takes a slow generic path. Both give the same values as
 * the obvious tfjs expressions named in their comments; their gradients are written out by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernels, runFused } from './kernels.js';

/**
 * Checks logits [K] and each [K, 2] table (means, logVariances, centers, logSizes), naming the model and
 * the entry that is wrong; returns K.
 */
export function checkMixtureParameters(
  model: string,
  logits: readonly number[],
  tables: Record<string, readonly (readonly number[])[]>,
): number {
  const K = logits.length;
  if (K < 1) throw new RangeError(`${model}: logits is empty, need at least one component`);
  checkFinite(model, 'logits', logits);
  for (const [name, table] of Object.entries(tables)) {
    if (table.length !== K)
      throw new RangeError(`${model}: ${name} has ${table.length} rows, expected K = ${K}`);
    table.forEach((row, k) => {
      if (row.length !== 2)
        throw new RangeError(`${model}: ${name}[${k}] has ${row.length} values, expected 2`);
      checkFinite(model, `${name}[${k}]`, row);
    });
  }
  return K;
}

function checkFinite(model: string, name: string, values: readonly number[]): void {
  values.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new RangeError(`${model}: ${name}[${i}] is ${value}, expected a finite number`);
  });
}

/**
 * Σ_d ((x_nd − c_kd) · s_kd)² for every point n and centre k: x [n, D], centers [K, D], scales [K, D]
 * → [n, K]. The values of `x.expandDims(1).sub(centers).mul(scales).square().sum(2)` without any
 * [n, K, D] tensor: each dimension is an outer product x_d · s_dᵀ − c_d ⊙ s_d (one fused matMul), and the
 * gradient is written out with plain products (autograd would broadcast and transpose, slow on wasm).
 * x is data: no gradient flows to it.
 */
export function scaledSquaredDistances(x: tf.Tensor, centers: tf.Tensor, scales: tf.Tensor): tf.Tensor2D {
  const [n, D, K] = checkPointsAndCentres('scaledSquaredDistances', x, centers, scales);
  if (n * K <= FUSED_FORWARD_MAX && fusedKernels('mixtureForward'))
    return fusedScaledSquaredDistances(x, centers, scales);
  // Slicing x into columns runs in JavaScript on wasm; products with a basis vector do not.
  const column = (t: tf.Tensor, d: number) => t.slice([0, d], [t.shape[0], 1]); // [rows, 1]
  return tf.tidy(() => {
    const basis = tf.eye(D);
    const distances = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [c, s, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
      // z_d = x · (e_d s_dᵀ) − c_d ⊙ s_d = (x_d − c_d) s_d for every point and centre [n, K]
      const z = Array.from({ length: D }, (_, d) => {
        const sd = column(s, d);
        const offsets = column(c, d).mul(sd).reshape([K]).neg(); // a new rank-1 tensor: the bias must be one
        return tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: column(basis, d).matMul(sd, false, true),
          bias: offsets,
        });
      });
      save([c, s, x, ...z]);
      return {
        value: tf.addN(z.map((zd) => zd.square())),
        gradFunc: (dy: tf.Tensor, [savedC, savedS, savedX, ...savedZ]: tf.Tensor[]) => {
          if (fusedKernels('mixtureGradient'))
            return runFused('Ex5ScaledSquaredDistancesGrad', [dy, savedX, savedC, savedS]);
          const xT = savedX.transpose(); // [D, n]
          const ones = tf.ones([1, n]);
          const sums: tf.Tensor[] = [];
          const weightedSums: tf.Tensor[] = [];
          savedZ.forEach((zd, d) => {
            const g = zd.mul(dy).mul(2); // d distance / d z_d [n, K]
            sums.push(tf.matMul(ones, g)); // Σ_n g [1, K]
            weightedSums.push(tf.matMul(xT, g).slice([d, 0], [1, K])); // Σ_n x_nd g [1, K]
          });
          const sum = tf.concat(sums, 0).transpose(); // [K, D]
          const weightedSum = tf.concat(weightedSums, 0).transpose(); // [K, D]
          // z = (x − c) s: dz/dc = −s, dz/ds = x − c
          return [sum.mul(savedS).neg(), weightedSum.sub(savedC.mul(sum))];
        },
      };
    });
    return distances(centers, scales) as tf.Tensor2D;
  });
}

/**
 * Up to this many distances (n·K) one JavaScript loop is faster than wasm's ~15 kernels (measured: 1.9× at
 * n = 4096, K = 1; 1.3× at K = 10; 0.8× at K = 33 or n = 32,768, K = 5); above, the kernels' SIMD wins.
 */
const FUSED_FORWARD_MAX = 65_536;

/** The same on wasm, as one kernel of ours each way (lib/kernels.ts). */
function fusedScaledSquaredDistances(x: tf.Tensor, centers: tf.Tensor, scales: tf.Tensor): tf.Tensor2D {
  const distances = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [c, s, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, c, s]);
    return {
      value: runFused('Ex5ScaledSquaredDistances', [x, c, s])[0],
      gradFunc: (dy: tf.Tensor, [savedX, savedC, savedS]: tf.Tensor[]) =>
        runFused('Ex5ScaledSquaredDistancesGrad', [dy, savedX, savedC, savedS]),
    };
  });
  return distances(centers, scales) as tf.Tensor2D;
}

/**
 * (x_n − c_k) ⊙ s_k for every point n and centre k: x [n, D], centers [K, D], scales [K, D] (default 1)
 * → [n, K, D]. The values of `x.expandDims(1).sub(centers).mul(scales)` from one fused matMul,
 * x · [diag(s_k)] − c_k ⊙ s_k (exactly x − c when scales are 1), where broadcasting [n, 1, D] against
 * [K, D] takes a slow generic path on wasm.
 */
export function scaledDifferences(x: tf.Tensor, centers: tf.Tensor, scales?: tf.Tensor): tf.Tensor3D {
  const [n, D, K] = checkPointsAndCentres('scaledDifferences', x, centers, scales);
  return tf.tidy(() => {
    const s = scales ?? tf.onesLike(centers);
    const diagonals = tf
      .eye(D)
      .reshape([D, 1, D])
      .mul(s)
      .reshape([D, K * D]); // row d: s_kd at column (k, d)
    // reshape before the last op: the wasm kernel reads the bias's rank from its data, which reshape shares
    const offsets = centers
      .mul(s)
      .reshape([K * D])
      .neg();
    return tf.fused
      .matMul({ a: x as tf.Tensor2D, b: diagonals as tf.Tensor2D, bias: offsets })
      .reshape([n, K, D]);
  });
}

/** Checks x [n, D] against centers (and scales) [K, D]; returns [n, D, K]. */
function checkPointsAndCentres(what: string, x: tf.Tensor, centers: tf.Tensor, scales?: tf.Tensor): number[] {
  const [n, D] = x.shape;
  const [K] = centers.shape;
  const matching = (t: tf.Tensor) => t.rank === 2 && t.shape[0] === K && t.shape[1] === D;
  if (x.rank !== 2 || !matching(centers) || (scales && !matching(scales)))
    throw new RangeError(
      `${what}: x [${x.shape}], centers [${centers.shape}]` +
        (scales ? `, scales [${scales.shape}]` : '') +
        ' do not match',
    );
  return [n, D, K];
}

/**
 * log Σ_k exp(x_nk + b_k) over the last axis of x [n, K], with optional offsets b [K] → [n]. The values of
 * `tf.logSumExp(x.add(b), 1)`, stable (the row maximum is subtracted first). The gradient, softmax · dy,
 * reuses the forward pass's exponentials instead of differentiating through the maximum.
 */
export function logSumExp(x: tf.Tensor, offsets?: tf.Tensor): tf.Tensor1D {
  const [n, K] = x.shape;
  if (x.rank !== 2 || (offsets && (offsets.rank !== 1 || offsets.shape[0] !== K)))
    throw new RangeError(`logSumExp: x [${x.shape}] must be [n, K] and offsets [${offsets?.shape}] [K]`);
  return tf.tidy(() => {
    const withGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [values, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      const shifted = offsets ? values.add(b) : values; // [n, K]
      const max = shifted.max(1, true); // [n, 1]
      const exponentials = expOfNonPositive(shifted.sub(max)); // [n, K]
      const sums = exponentials.sum(1, true); // [n, 1]
      save([exponentials, sums]);
      return {
        value: sums.log().add(max).reshape([n]),
        gradFunc: (dy: tf.Tensor, [savedExponentials, savedSums]: tf.Tensor[]) => {
          if (fusedKernels('mixtureGradient'))
            return runFused('Ex5SoftmaxWeights', [dy, savedExponentials, savedSums]);
          const weighted = savedExponentials.mul(dy.reshape([n, 1]).div(savedSums)); // softmax · dy [n, K]
          // column sums as a product with a row of ones: a reduction over axis 0 transposes first on wasm
          return [weighted, tf.matMul(tf.ones([1, n]), weighted).reshape([K])];
        },
      };
    });
    return withGradient(x, offsets ?? tf.zeros([K])) as tf.Tensor1D;
  });
}

/**
 * exp(y) for y ≤ 0 (−∞ included). On wasm as σ(y) / (1 − σ(y)): wasm's Exp kernel is scalar and its
 * Sigmoid vectorised (XNNPACK), 5.9 ms against 1.4 ms for a million values, within 4e-7 relative
 * (1 − σ(y) ≥ ½ here, so the division loses nothing). Elsewhere plain exp.
 */
function expOfNonPositive(y: tf.Tensor): tf.Tensor {
  if (!fusedKernels('sigmoidExp')) return y.exp();
  const s = tf.sigmoid(y);
  return s.div(tf.sub(1, s));
}

/**
 * fn(...inputs) treated as a constant by autodiff: every input's gradient is zero, and the ops inside are
 * not recorded at all. tfjs has no tf.stopGradient, and its comparisons (lessEqual, all, …) have no
 * gradient, so a mask computed from trainable tensors fails inside tf.grads without this. Pass the
 * trainable tensors fn needs as `inputs`; data it closes over is fine.
 */
export function withoutGradient<T extends tf.Tensor>(
  fn: (...inputs: tf.Tensor[]) => T,
  ...inputs: tf.Tensor[]
): T {
  const constant = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return { value: fn(...tensors), gradFunc: () => tensors.map((tensor) => tf.zerosLike(tensor)) };
  });
  return constant(...inputs) as T;
}
