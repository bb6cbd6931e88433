/**
 * Float64 oracle for the GPT: causal self-attention, the full GPT's logits, the loss, the last-character
 * accuracy and top-k probabilities, written as plain loops over numbers, no tfjs, so that it shares no
 * code (and no float32 rounding) with the models it checks. The reference's tests and the grader's
 * fixture checks compare against it.
 *
 * Weights are given as numbers, row-major: a typed array or plain array (flat), or nested arrays (rows).
 * A linear layer's kernel is [in, out] and y = x · kernel + bias, as in lib/contract.ts. GPT weights use
 * the names of lib/gpt/weights.ts.
 */
import type { GPTConfig } from '../../lib/contract.js';
import { gptWeightShapes } from '../../lib/gpt/weights.js';

/** Numbers of one weight, row-major: flat, or nested rows of any depth. */
export type Numbers = ArrayLike<number> | readonly Numbers[];

export interface OracleLinear {
  kernel: Numbers;
  bias?: Numbers;
}

export interface OracleAttentionWeights {
  cAttn: OracleLinear;
  cProj: OracleLinear;
}

/** A sequence of vectors [T][C]; a batch of them is [B][T][C]. */
type Sequence = number[][];

const LAYER_NORM_EPSILON = 1e-5;

/** Flattens nested rows and checks the count of numbers. */
export function flatten(values: Numbers, expectedLength: number, what: string): Float64Array {
  const out: number[] = [];
  const walk = (v: Numbers): void => {
    if (typeof (v as ArrayLike<unknown>)[0] === 'number' || v.length === 0) {
      for (let i = 0; i < v.length; i++) out.push((v as ArrayLike<number>)[i]);
    } else {
      for (let i = 0; i < v.length; i++) walk((v as readonly Numbers[])[i]);
    }
  };
  walk(values);
  if (out.length !== expectedLength) {
    throw new RangeError(`oracle: ${what} has ${out.length} numbers, expected ${expectedLength}`);
  }
  return Float64Array.from(out);
}

/** x [T][in] → x · kernel + bias [T][out]. */
function linear(
  x: Sequence,
  layer: OracleLinear,
  inFeatures: number,
  outFeatures: number,
  what: string,
): Sequence {
  const kernel = flatten(layer.kernel, inFeatures * outFeatures, `${what}.kernel`);
  const bias = layer.bias === undefined ? undefined : flatten(layer.bias, outFeatures, `${what}.bias`);
  return x.map((row) => {
    if (row.length !== inFeatures)
      throw new RangeError(`oracle: ${what} input has ${row.length} features, expected ${inFeatures}`);
    const out = new Array<number>(outFeatures).fill(0);
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) sum += row[i] * kernel[i * outFeatures + o];
      out[o] = sum;
    }
    return out;
  });
}

export function softmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((value) => Math.exp(value - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

function logSoftmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const logTotal = Math.log(row.reduce((sum, value) => sum + Math.exp(value - max), 0));
  return row.map((value) => value - max - logTotal);
}

/** Causal self-attention of one sequence x [T][C]. */
function attendSequence(x: Sequence, weights: OracleAttentionWeights, nHead: number): Sequence {
  const T = x.length;
  const C = x[0].length;
  const hd = C / nHead;
  const qkv = linear(x, weights.cAttn, C, 3 * C, 'cAttn');
  const merged: Sequence = Array.from({ length: T }, () => new Array<number>(C).fill(0));
  for (let h = 0; h < nHead; h++) {
    const q = (t: number, d: number) => qkv[t][h * hd + d];
    const k = (t: number, d: number) => qkv[t][C + h * hd + d];
    const v = (t: number, d: number) => qkv[t][2 * C + h * hd + d];
    for (let t = 0; t < T; t++) {
      // position t attends to positions 0..t only
      const scores: number[] = [];
      for (let s = 0; s <= t; s++) {
        let dot = 0;
        for (let d = 0; d < hd; d++) dot += q(t, d) * k(s, d);
        scores.push(dot / Math.sqrt(hd));
      }
      const weightsOfT = softmax(scores);
      for (let d = 0; d < hd; d++) {
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += weightsOfT[s] * v(s, d);
        merged[t][h * hd + d] = sum;
      }
    }
  }
  return linear(merged, weights.cProj, C, C, 'cProj');
}

/** Multi-head causal self-attention: x [B][T][C] → [B][T][C]. */
export function attentionOracle(
  x: readonly Sequence[],
  weights: OracleAttentionWeights,
  nHead: number,
): number[][][] {
  const C = x[0]?.[0]?.length;
  if (!C || C % nHead !== 0)
    throw new RangeError(`oracle: nEmbd ${C} is not a positive multiple of nHead ${nHead}`);
  return x.map((sequence) => attendSequence(sequence, weights, nHead));
}

function layerNorm(x: Sequence, weight: Float64Array, bias: Float64Array): Sequence {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0) / row.length;
    const inverseStd = 1 / Math.sqrt(variance + LAYER_NORM_EPSILON);
    return row.map((value, i) => (value - mean) * inverseStd * weight[i] + bias[i]);
  });
}

/** GELU, tanh approximation. */
function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

function add(a: Sequence, b: Sequence): Sequence {
  return a.map((row, t) => row.map((value, i) => value + b[t][i]));
}

/** The GPT's logits [B][T][vocabSize] for token ids idx [B][T], from named weights (lib/gpt/weights.ts). */
export function gptLogitsOracle(
  config: GPTConfig,
  weights: Readonly<Record<string, Numbers>>,
  idx: readonly (readonly number[])[],
): number[][][] {
  const { vocabSize: V, blockSize, nLayer, nHead, nEmbd: C } = config;
  const w = new Map<string, Float64Array>();
  for (const [name, shape] of gptWeightShapes(config)) {
    if (!(name in weights)) throw new RangeError(`oracle: weight ${name} is missing`);
    w.set(
      name,
      flatten(
        weights[name],
        shape.reduce((a, b) => a * b, 1),
        name,
      ),
    );
  }
  const get = (name: string) => w.get(name)!;
  return idx.map((ids) => {
    if (ids.length < 1 || ids.length > blockSize)
      throw new RangeError(`oracle: T = ${ids.length} is outside 1..${blockSize}`);
    let x: Sequence = ids.map((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new RangeError(`oracle: token id ${id} is outside 0..${V - 1}`);
      return Array.from(
        { length: C },
        (_, i) => get('transformer.wte.weight')[id * C + i] + get('transformer.wpe.weight')[t * C + i],
      );
    });
    for (let layer = 0; layer < nLayer; layer++) {
      const h = `transformer.h.${layer}`;
      const attention: OracleAttentionWeights = {
        cAttn: { kernel: get(`${h}.attn.c_attn.kernel`), bias: get(`${h}.attn.c_attn.bias`) },
        cProj: { kernel: get(`${h}.attn.c_proj.kernel`), bias: get(`${h}.attn.c_proj.bias`) },
      };
      x = add(
        x,
        attendSequence(layerNorm(x, get(`${h}.ln_1.weight`), get(`${h}.ln_1.bias`)), attention, nHead),
      );
      const hidden = linear(
        layerNorm(x, get(`${h}.ln_2.weight`), get(`${h}.ln_2.bias`)),
        { kernel: get(`${h}.mlp.c_fc.kernel`), bias: get(`${h}.mlp.c_fc.bias`) },
        C,
        4 * C,
        'c_fc',
      ).map((row) => row.map(gelu));
      x = add(
        x,
        linear(
          hidden,
          { kernel: get(`${h}.mlp.c_proj.kernel`), bias: get(`${h}.mlp.c_proj.bias`) },
          4 * C,
          C,
          'mlp.c_proj',
        ),
      );
    }
    x = layerNorm(x, get('transformer.ln_f.weight'), get('transformer.ln_f.bias'));
    return linear(x, { kernel: get('lm_head.kernel') }, C, V, 'lm_head');
  });
}

/** Mean cross-entropy over all positions: logits [B][T][V], targets [B][T]. */
export function gptLossOracle(
  logits: readonly (readonly (readonly number[])[])[],
  targets: readonly (readonly number[])[],
): number {
  let total = 0;
  let count = 0;
  logits.forEach((sequence, b) =>
    sequence.forEach((row, t) => {
      total -= logSoftmax(row)[targets[b][t]];
      count++;
    }),
  );
  return total / count;
}

/** Share of windows whose argmax at the last position equals the last target (first index wins ties). */
export function lastCharacterAccuracyOracle(
  logits: readonly (readonly (readonly number[])[])[],
  targets: readonly (readonly number[])[],
): number {
  let correct = 0;
  logits.forEach((sequence, b) => {
    const last = sequence[sequence.length - 1];
    const predicted = last.indexOf(Math.max(...last));
    if (predicted === targets[b][targets[b].length - 1]) correct++;
  });
  return correct / logits.length;
}

/** Softmax over each row's k largest logits (ties with the k-th largest kept), 0 elsewhere. */
export function topKProbabilitiesOracle(logits: readonly (readonly number[])[], k: number): number[][] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`oracle: k must be an integer ≥ 1, got ${k}`);
  return logits.map((row) => {
    const kth = [...row].sort((a, b) => b - a)[Math.min(k, row.length) - 1];
    const kept = row.map((value) => (value >= kth ? value : -Infinity));
    return softmax(kept);
  });
}

/** d gptLoss / d logits [B][T][V]: (softmax(row) − onehot(target)) / (B·T), exact. */
export function gptLossGradientOracle(
  logits: readonly (readonly (readonly number[])[])[],
  targets: readonly (readonly number[])[],
): number[][][] {
  const count = logits.length * logits[0].length;
  return logits.map((sequence, b) =>
    sequence.map((row, t) => softmax(row).map((p, v) => (p - (v === targets[b][t] ? 1 : 0)) / count)),
  );
}

export interface AttentionGradients {
  x: number[][][]; // [B][T][C]
  cAttn: { kernel: number[]; bias: number[] }; // flat, row-major
  cProj: { kernel: number[]; bias: number[] };
}

/**
 * Gradients of Σ attention(x) · projection with respect to x and to every weight, by central finite
 * differences of attentionOracle in float64: with step 1e-5 on an objective of order 10, truncation
 * (h² · f''') and rounding (ε · |f| / h) errors both stay near 1e-9, far below the grader's 1e-4.
 */
export function attentionGradientOracle(
  x: readonly Sequence[],
  weights: OracleAttentionWeights,
  nHead: number,
  projection: readonly Sequence[],
): AttentionGradients {
  const C = x[0][0].length;
  const flat = {
    cAttnKernel: flatten(weights.cAttn.kernel, C * 3 * C, 'cAttn.kernel'),
    cAttnBias: flatten(weights.cAttn.bias ?? new Array<number>(3 * C).fill(0), 3 * C, 'cAttn.bias'),
    cProjKernel: flatten(weights.cProj.kernel, C * C, 'cProj.kernel'),
    cProjBias: flatten(weights.cProj.bias ?? new Array<number>(C).fill(0), C, 'cProj.bias'),
  };
  const input = x.map((sequence) => sequence.map((row) => [...row]));
  const objective = () => {
    const y = attentionOracle(
      input,
      {
        cAttn: { kernel: flat.cAttnKernel, bias: flat.cAttnBias },
        cProj: { kernel: flat.cProjKernel, bias: flat.cProjBias },
      },
      nHead,
    );
    let sum = 0;
    y.forEach((sequence, b) =>
      sequence.forEach((row, t) => row.forEach((value, c) => (sum += value * projection[b][t][c]))),
    );
    return sum;
  };
  const h = 1e-5;
  /** The central difference in one number, read and written through get/set. */
  const derivative = (get: () => number, set: (value: number) => void) => {
    const value = get();
    set(value + h);
    const up = objective();
    set(value - h);
    const down = objective();
    set(value);
    return (up - down) / (2 * h);
  };
  const ofArray = (array: Float64Array) =>
    Array.from(array, (_, i) =>
      derivative(
        () => array[i],
        (value) => (array[i] = value),
      ),
    );
  return {
    x: input.map((sequence) =>
      sequence.map((row) =>
        row.map((_, c) =>
          derivative(
            () => row[c],
            (value) => (row[c] = value),
          ),
        ),
      ),
    ),
    cAttn: { kernel: ofArray(flat.cAttnKernel), bias: ofArray(flat.cAttnBias) },
    cProj: { kernel: ofArray(flat.cProjKernel), bias: ofArray(flat.cProjBias) },
  };
}
