/**
 * The GPT's building blocks as tensor functions with hand-written gradients. Autograd's own gradients are
 * slow on the wasm backend for two reasons (staff/bench/gpt.ts measures the result): matMul's gradient multiplies transposed
 * operands, which wasm runs about 10× slower than an explicit transpose plus a plain product, and every
 * kernel costs a fixed 30–45 µs, so formulas autograd splits into many small kernels add up. Each function
 * here computes the same values as the plain formula in its comment; the tests check values and gradients
 * against autograd on the plain formula.
 */
import * as tf from '@tensorflow/tfjs';
import type { LinearWeights } from '../contract.js';
import { fusedKernels, runFused } from '../kernels.js';
import type { Rng } from '../random.js';

type Save = (tensors: tf.Tensor[]) => void;
interface Gradient {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/** tf.customGrad with typed inputs: `save` comes first, then the tensors. */
function withGradient<Inputs extends tf.Tensor[]>(
  forward: (save: Save, ...inputs: Inputs) => Gradient,
): (...inputs: Inputs) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const save = args.pop() as Save;
    return forward(save, ...(args as Inputs));
  });
  return (...inputs) => op(...inputs);
}

/** Swaps the last two axes. */
function transposeLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, axis) => axis);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
}

/** Sums over the rows of x [N, C] → [C]: on wasm one kernel of ours (lib/kernels.ts), else tf.sum. */
function columnSums(x: tf.Tensor): tf.Tensor {
  return fusedKernels('columnSums') ? runFused('Ex5ColumnSums', [x])[0] : tf.sum(x, 0);
}

/**
 * A linear layer's kernel gradient xᵀ · dy for rows x [N, in], dy [N, out]. wasm transposes a [640, 192]
 * matrix in ~0.36 ms, so there (when in > out) it is computed as (dyᵀ · x)ᵀ, transposing the smaller
 * operand and the small result instead (lib/kernels.ts's 'kernelGradient' path).
 */
function kernelGradient(rows: tf.Tensor, dRows: tf.Tensor): tf.Tensor {
  const [inFeatures, outFeatures] = [rows.shape[1] ?? 0, dRows.shape[1] ?? 0];
  if (inFeatures > outFeatures && fusedKernels('kernelGradient'))
    return tf.transpose(product(tf.transpose(dRows), rows));
  return product(tf.transpose(rows), dRows);
}

/** A plain product of untransposed operands; rank > 2 multiplies batch by batch. */
function product(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D);
}

const denseWithBias = withGradient((save: Save, x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor) => {
  const [inFeatures, outFeatures] = kernel.shape;
  const rows = x.reshape([-1, inFeatures]) as tf.Tensor2D;
  save([rows, kernel]);
  // The kernel itself, not tf.fused.matMul: that op adds three reshapes and its own gradient bookkeeping.
  const y = tf
    .engine()
    .runKernel(
      '_FusedMatMul',
      { a: rows.reshape([1, -1, inFeatures]), b: kernel.reshape([1, inFeatures, outFeatures]), bias },
      { transposeA: false, transposeB: false, activation: 'linear' },
    ) as tf.Tensor;
  return {
    value: y.reshape([...x.shape.slice(0, -1), outFeatures]),
    gradFunc: (dy, [savedRows, savedKernel]) => {
      const dRows = dy.reshape([-1, outFeatures]);
      return [
        product(dRows, tf.transpose(savedKernel)).reshape(x.shape),
        kernelGradient(savedRows, dRows),
        columnSums(dRows),
      ];
    },
  };
});

const denseWithoutBias = withGradient((save: Save, x: tf.Tensor, kernel: tf.Tensor) => {
  const [inFeatures, outFeatures] = kernel.shape;
  const rows = x.reshape([-1, inFeatures]);
  save([rows, kernel]);
  return {
    value: product(rows, kernel).reshape([...x.shape.slice(0, -1), outFeatures]),
    gradFunc: (dy, [savedRows, savedKernel]) => {
      const dRows = dy.reshape([-1, outFeatures]);
      return [product(dRows, tf.transpose(savedKernel)).reshape(x.shape), kernelGradient(savedRows, dRows)];
    },
  };
});

/** x (..., in) → x · kernel + bias (..., out); the bias is optional (the GPT's lm_head has none). */
export function dense<T extends tf.Tensor>(x: T, weights: { kernel: tf.Tensor2D; bias?: tf.Tensor1D }): T {
  const { kernel, bias } = weights;
  if (x.shape[x.rank - 1] !== kernel.shape[0]) {
    throw new Error(`dense: input (${x.shape}) does not fit kernel (${kernel.shape})`);
  }
  return (bias ? denseWithBias(x, kernel, bias) : denseWithoutBias(x, kernel)) as T;
}

/**
 * a (..., n, k) · b (..., k, m) → (..., n, m), batch by batch, with a gradient that multiplies only
 * untransposed operands: da = dy · bᵀ, db = aᵀ · dy.
 */
export const matMul = withGradient((save: Save, a: tf.Tensor, b: tf.Tensor) => {
  save([a, b]);
  return {
    value: product(a, b),
    gradFunc: (dy, [savedA, savedB]) => [
      product(dy, transposeLast(savedB)),
      product(transposeLast(savedA), dy),
    ],
  };
}) as <T extends tf.Tensor>(a: T, b: T) => T;

/**
 * Uniform(−1/√in, 1/√in) for kernel and bias, PyTorch's nn.Linear default; kernel first (row-major
 * [in, out]), then bias, all drawn from `rng`. `{ bias: false }` draws the kernel only.
 */
export function initLinear(inFeatures: number, outFeatures: number, rng: Rng): LinearWeights;
export function initLinear(
  inFeatures: number,
  outFeatures: number,
  rng: Rng,
  options: { bias: false },
): { kernel: tf.Tensor2D };
export function initLinear(
  inFeatures: number,
  outFeatures: number,
  rng: Rng,
  options = { bias: true },
): { kernel: tf.Tensor2D; bias?: tf.Tensor1D } {
  const bound = 1 / Math.sqrt(inFeatures);
  const draw = (n: number) => Float32Array.from(rng.uniforms(n), (u) => (2 * u - 1) * bound);
  return tf.tidy(() => {
    const kernel = tf.variable(tf.tensor2d(draw(inFeatures * outFeatures), [inFeatures, outFeatures]));
    return options.bias ? { kernel, bias: tf.variable(tf.tensor1d(draw(outFeatures))) } : { kernel };
  });
}

/** An additive causal mask [T, T]: 0 on and below the diagonal, −∞ above (position t sees 0..t). */
export function causalMask(T: number): tf.Tensor2D {
  const values = new Float32Array(T * T);
  for (let row = 0; row < T; row++) values.fill(-Infinity, row * T + row + 1, (row + 1) * T);
  return tf.tensor2d(values, [T, T]);
}

const LAYER_NORM_EPSILON = 1e-5; // PyTorch's nn.LayerNorm default

/** LayerNorm over the last axis: (x − mean) / √(var + ε) · gamma + beta, var the biased variance. */
export const layerNorm = withGradient((save: Save, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
  const axis = x.rank - 1;
  const centred = tf.sub(x, tf.mean(x, axis, true));
  const inverseStd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axis, true), LAYER_NORM_EPSILON));
  const normalised = tf.mul(centred, inverseStd);
  save([normalised, inverseStd, gamma]);
  return {
    value: tf.add(tf.mul(normalised, gamma), beta),
    gradFunc: (dy, [xHat, savedInverseStd, savedGamma]) => {
      const dyT = dy;
      const dxHat = tf.mul(dyT, savedGamma);
      const meanDxHat = tf.mean(dxHat, axis, true);
      const meanDxHatXHat = tf.mean(tf.mul(dxHat, xHat), axis, true);
      const dx = tf.mul(tf.sub(tf.sub(dxHat, meanDxHat), tf.mul(xHat, meanDxHatXHat)), savedInverseStd);
      const rows = xHat.size / xHat.shape[axis];
      const perFeature = (t: tf.Tensor) => columnSums(t.reshape([rows, -1]));
      return [dx, perFeature(tf.mul(dyT, xHat)), perFeature(dyT)];
    },
  };
}) as <T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D) => T;

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/**
 * GELU, tanh approximation (GPT-2's): ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))), computed as x · σ(2u)
 * with u the tanh's argument (the same function: ½ (1 + tanh u) = σ(2u)), because wasm's tanh kernel is
 * about 40× slower than its sigmoid.
 */
export const gelu = withGradient((save: Save, x: tf.Tensor) => {
  const x2 = tf.square(x);
  const twoU = tf.mul(x, tf.add(tf.mul(x2, 2 * GELU_SCALE * GELU_CUBIC), 2 * GELU_SCALE));
  const s = tf.sigmoid(twoU);
  save([x, x2, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy, [savedX, savedX2, savedS]) => {
      // d/dx x·σ(2u) = σ + x · σ(1 − σ) · d(2u)/dx,  d(2u)/dx = 2√(2/π) (1 + 3·0.044715 x²)
      const dTwoU = tf.add(tf.mul(savedX2, 6 * GELU_SCALE * GELU_CUBIC), 2 * GELU_SCALE);
      const sigmoidSlope = tf.mul(savedS, tf.sub(1, savedS));
      const slope = tf.add(savedS, tf.mul(tf.mul(savedX, sigmoidSlope), dTwoU));
      return [tf.mul(dy, slope)];
    },
  };
}) as <T extends tf.Tensor>(x: T) => T;

/**
 * table[ids]: ids (...) int32, table [V, C] → (..., C). The gradient scatters rows back into [V, C]: on
 * wasm, which lacks UnsortedSegmentSum (the kernel behind tf.gather's own gradient), with one kernel of
 * ours (lib/kernels.ts), elsewhere as a one-hot product.
 */
export const embedding = withGradient((save: Save, table: tf.Tensor, ids: tf.Tensor) => {
  const [V, C] = table.shape;
  const flatIds = ids.reshape([-1]) as tf.Tensor1D;
  save([flatIds]);
  return {
    value: tf.gather(table, flatIds).reshape([...ids.shape, C]),
    gradFunc: (dy, [savedIds]) => {
      const rows = dy.reshape([-1, C]);
      if (fusedKernels('embedding'))
        return [runFused('Ex5ScatterRows', [rows, savedIds], { V })[0], tf.zerosLike(savedIds)];
      const oneHotT = tf.transpose(tf.oneHot(savedIds as tf.Tensor1D, V)); // [V, N]
      return [product(oneHotT, rows), tf.zerosLike(savedIds)];
    },
  };
}) as (table: tf.Tensor2D, ids: tf.Tensor) => tf.Tensor;

/**
 * values [N, V] → values[n, columns[n]] [N]: one entry per row, e.g. the log-probability of each target.
 * The gradient puts dy[n] at (n, columns[n]) and 0 elsewhere.
 */
export const pickColumns = withGradient((save: Save, values: tf.Tensor, columns: tf.Tensor) => {
  const [N, V] = values.shape;
  const flatIndex = tf.add(columns, tf.range(0, N * V, V, 'int32'));
  save([columns]);
  return {
    value: tf.gather(values.reshape([-1]), flatIndex),
    gradFunc: (dy, [savedColumns]) => [
      tf.mul(tf.oneHot(savedColumns as tf.Tensor1D, V), dy.reshape([N, 1])),
      tf.zerosLike(savedColumns),
    ],
  };
}) as (values: tf.Tensor2D, columns: tf.Tensor1D) => tf.Tensor1D;

/** Copies of a linear layer's weights (the caller disposes them). */
export function copyLinear(weights: LinearWeights): LinearWeights {
  return { kernel: weights.kernel.clone(), bias: weights.bias.clone() };
}

/** Overwrites the variables of `target` with the values of `source`; `what` names the layer in errors. */
export function assignLinear(target: LinearWeights, source: LinearWeights, what: string): void {
  for (const part of ['kernel', 'bias'] as const) {
    const [have, given] = [target[part], source[part]];
    if (!given || given.shape.join() !== have.shape.join()) {
      throw new Error(`${what}.${part}: expected shape [${have.shape}], got [${given?.shape ?? 'nothing'}]`);
    }
  }
  tf.tidy(() => {
    (target.kernel as tf.Variable).assign(tf.cast(source.kernel, 'float32'));
    (target.bias as tf.Variable).assign(tf.cast(source.bias, 'float32'));
  });
}
