/**
 * Hand-written implementations of the submission's methods, several per method, written to differ the
 * way students' solutions differ (method chains or tf.* calls, one tidy or several, gather or one-hot,
 * loops or tensors). corpus.ts combines them into "independent" submissions.
 *
 * Honest limits: two generated submissions that pick the same variant of a method share that method
 * verbatim (up to renaming), so the corpus's independent pairs are MORE alike than real independent
 * work — a harder test for the ranking, not an easier one. Short methods (variables, dispose, loss)
 * have one version: students write those identically anyway.
 */

/** A file: its handed-out shell and its methods' alternative bodies. */
export interface FileTemplate {
  file: string;
  /** The handed-out shell; `@name@` marks where method `name`'s body goes. */
  shell: string;
  /** Method name → alternative bodies (with braces). A body ending in `//helpers: NAME` needs that helper. */
  methods: Record<string, string[]>;
}

/** The skeleton's body of a method: what students replace. */
export const todo = (what: string) => `{\n    throw new Error('TODO: ${what}');\n  }`;

export const GMM_TEMPLATE: FileTemplate = {
  file: 'gmm.ts',
  shell: `import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';
/** Gaussian mixture with diagonal covariances. Fill in every TODO. */
export class GMM implements contract.GMM {
  readonly K: number;
  readonly logits: tf.Variable; // [K]
  readonly means: tf.Variable; // [K, 2]
  readonly logVariances: tf.Variable; // [K, 2]

  constructor(parameters: GMMParameters) @constructor@

  static random(K: number, rng: Rng): GMM @random@

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D @logLikelihood@

  loss(logLikelihood: tf.Tensor1D): tf.Scalar @loss@

  sample(n: number, rng: Rng): tf.Tensor2D @sample@

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D @conditionalSample@

  variables(): tf.Variable[] @variables@

  parameters(): GMMParameters @parameters@

  dispose(): void @dispose@
}
`,
  methods: {
    constructor: [
      `{
    this.K = parameters.logits.length;
    this.logits = tf.variable(tf.tensor1d(parameters.logits));
    this.means = tf.variable(tf.tensor2d(parameters.means));
    this.logVariances = tf.variable(tf.tensor2d(parameters.logVariances));
  }`,
      `{
    const { logits, means, logVariances } = parameters;
    if (means.length !== logits.length || logVariances.length !== logits.length) {
      throw new Error(\`GMM: \${logits.length} logits but \${means.length} means\`);
    }
    this.K = logits.length;
    this.logits = tf.variable(tf.tensor(logits, [this.K]), true, 'logits');
    this.means = tf.variable(tf.tensor(means.flat(), [this.K, 2]), true, 'means');
    this.logVariances = tf.variable(tf.tensor(logVariances.flat(), [this.K, 2]), true, 'logVariances');
  }`,
    ],
    random: [
      `{
    const logits = Array.from(rng.normals(K));
    const means = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    const logVariances = Array.from({ length: K }, () => [0, 0]);
    return new GMM({ logits, means, logVariances });
  }`,
      `{
    const logits: number[] = [];
    const means: number[][] = [];
    const logVariances: number[][] = [];
    for (let k = 0; k < K; k++) logits.push(rng.normal());
    for (let k = 0; k < K; k++) {
      means.push([rng.normal(), rng.normal()]);
      logVariances.push([0, 0]);
    }
    return new GMM({ logits, means, logVariances });
  }`,
    ],
    logLikelihood: [
      `{
    return tf.tidy(() => {
      const logWeights = tf.logSoftmax(this.logits);
      const diff = x.expandDims(1).sub(this.means);
      const mahalanobis = diff.square().div(this.logVariances.exp()).sum(2);
      const logDensity = mahalanobis.add(this.logVariances.sum(1)).mul(-0.5).sub(Math.log(2 * Math.PI));
      return tf.logSumExp(logDensity.add(logWeights), 1) as tf.Tensor1D;
    });
  }`,
      `{
    return tf.tidy(() => {
      const n = x.shape[0];
      const xs = tf.tile(tf.reshape(x, [n, 1, 2]), [1, this.K, 1]);
      const mu = tf.tile(tf.reshape(this.means, [1, this.K, 2]), [n, 1, 1]);
      const variance = tf.exp(this.logVariances);
      const z = tf.div(tf.square(tf.sub(xs, mu)), variance);
      const perDim = tf.add(z, tf.add(this.logVariances, Math.log(2 * Math.PI)));
      const logComponent = tf.mul(-0.5, tf.sum(perDim, -1));
      const logPrior = tf.sub(this.logits, tf.logSumExp(this.logits));
      return tf.logSumExp(tf.add(logComponent, logPrior), -1) as tf.Tensor1D;
    });
  }`,
      `{
    const logNormalizer = -Math.log(2 * Math.PI);
    return tf.tidy(() => {
      const precision = tf.exp(tf.neg(this.logVariances));
      const columns: tf.Tensor1D[] = [];
      for (let k = 0; k < this.K; k++) {
        const centred = x.sub(this.means.slice([k, 0], [1, 2]));
        const quad = centred.square().mul(precision.slice([k, 0], [1, 2])).sum(1);
        const logDet = this.logVariances.slice([k, 0], [1, 2]).sum();
        columns.push(quad.add(logDet).mul(-0.5).add(logNormalizer) as tf.Tensor1D);
      }
      const joint = tf.stack(columns, 1).add(tf.logSoftmax(this.logits));
      const top = joint.max(1, true);
      return joint.sub(top).exp().sum(1).log().add(top.squeeze([1])) as tf.Tensor1D;
    });
  }`,
    ],
    loss: [
      `{
    return tf.tidy(() => tf.neg(tf.mean(logLikelihood)) as tf.Scalar);
  }`,
    ],
    sample: [
      `{
    const probabilities = tf.tidy(() => tf.softmax(this.logits)).dataSync();
    const components = Int32Array.from({ length: n }, () => rng.categorical(probabilities));
    return this.draw(components, rng);
  }
  //helpers: draw`,
      `{
    const weights = tf.softmax(this.logits);
    const p = Array.from(weights.dataSync());
    weights.dispose();
    const mus = this.means.arraySync() as number[][];
    const sigmas = (tf.tidy(() => this.logVariances.div(2).exp()).arraySync() as number[][]);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const k = rng.categorical(p);
      out.push([mus[k][0] + sigmas[k][0] * rng.normal(), mus[k][1] + sigmas[k][1] * rng.normal()]);
    }
    return tf.tensor2d(out, [n, 2]);
  }`,
      `{
    const counts = new Array<number>(this.K).fill(0);
    const p = tf.tidy(() => tf.softmax(this.logits).dataSync());
    for (let i = 0; i < n; i++) counts[rng.categorical(p)] += 1;
    const blocks = counts.map((count, k) => this.conditionalSample(count, k, rng));
    const result = tf.concat(blocks, 0) as tf.Tensor2D;
    tf.dispose(blocks);
    return result;
  }`,
    ],
    conditionalSample: [
      `{
    if (k < 0 || k >= this.K) throw new RangeError(\`component \${k} out of range\`);
    return this.draw(new Int32Array(n).fill(k), rng);
  }
  //helpers: draw`,
      `{
    if (!Number.isInteger(k) || k < 0 || k >= this.K) throw new Error('bad component ' + k);
    const noise = rng.normals(2 * n);
    return tf.tidy(() => {
      const std = this.logVariances.slice([k, 0], [1, 2]).mul(0.5).exp();
      const mean = this.means.slice([k, 0], [1, 2]);
      return tf.tensor2d(noise, [n, 2]).mul(std).add(mean) as tf.Tensor2D;
    });
  }`,
    ],
    variables: [
      `{
    return [this.logits, this.means, this.logVariances];
  }`,
    ],
    parameters: [
      `{
    return {
      logits: this.logits.arraySync() as number[],
      means: this.means.arraySync() as number[][],
      logVariances: this.logVariances.arraySync() as number[][],
    };
  }`,
      `{
    const [logits, means, logVariances] = [this.logits, this.means, this.logVariances].map((v) => v.arraySync());
    return { logits, means, logVariances } as GMMParameters;
  }`,
    ],
    dispose: [
      `{
    tf.dispose([this.logits, this.means, this.logVariances]);
  }`,
    ],
  },
};

/** Private methods some variants call, added once after the first method that needs them. */
export const GMM_HELPERS: Record<string, string> = {
  draw: `
  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    const z = rng.normals(2 * components.length);
    return tf.tidy(() => {
      const index = tf.tensor1d(components, 'int32');
      const sigma = tf.gather(this.logVariances, index).mul(0.5).exp();
      return tf.gather(this.means, index).add(tf.tensor2d(z, [components.length, 2]).mul(sigma)) as tf.Tensor2D;
    });
  }`,
};

export const UMM_TEMPLATE: FileTemplate = {
  file: 'umm.ts',
  shell: `import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import { UMM_OUTSIDE_LOG_DENSITY, type UMMParameters } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';
/** Uniform mixture of axis-aligned boxes. Fill in every TODO. */
export class UMM implements contract.UMM {
  readonly K: number;
  readonly logits: tf.Variable; // [K]
  readonly centers: tf.Variable; // [K, 2]
  readonly logSizes: tf.Variable; // [K, 2]

  constructor(parameters: UMMParameters) @constructor@

  static random(K: number, rng: Rng): UMM @random@

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D @logLikelihood@

  loss(logLikelihood: tf.Tensor1D): tf.Scalar @loss@

  sample(n: number, rng: Rng): tf.Tensor2D @sample@

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D @conditionalSample@

  variables(): tf.Variable[] @variables@

  parameters(): UMMParameters @parameters@

  dispose(): void @dispose@
}
`,
  methods: {
    constructor: [
      `{
    this.K = parameters.logits.length;
    this.logits = tf.variable(tf.tensor1d(parameters.logits));
    this.centers = tf.variable(tf.tensor2d(parameters.centers));
    this.logSizes = tf.variable(tf.tensor2d(parameters.logSizes));
  }`,
      `{
    const K = parameters.logits.length;
    for (const [name, rows] of [['centers', parameters.centers], ['logSizes', parameters.logSizes]] as const) {
      if (rows.length !== K || rows.some((row) => row.length !== 2)) throw new Error(\`UMM: \${name} must be [\${K}, 2]\`);
    }
    this.K = K;
    this.logits = tf.variable(tf.tensor(parameters.logits));
    this.centers = tf.variable(tf.tensor(parameters.centers));
    this.logSizes = tf.variable(tf.tensor(parameters.logSizes));
  }`,
    ],
    random: [
      `{
    const logits = Array.from(rng.normals(K));
    const centers = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    const logSizes = Array.from({ length: K }, () => [Math.log(1 + 0.2 * rng.uniform()), Math.log(1 + 0.2 * rng.uniform())]);
    return new UMM({ logits, centers, logSizes });
  }`,
      `{
    const logits = [];
    for (let i = 0; i < K; i++) logits.push(rng.normal());
    const centers = [];
    for (let i = 0; i < K; i++) centers.push([rng.normal(), rng.normal()]);
    const logSizes = [];
    for (let i = 0; i < K; i++) {
      const a = rng.uniform();
      const b = rng.uniform();
      logSizes.push([Math.log1p(0.2 * a), Math.log1p(0.2 * b)]);
    }
    return new UMM({ logits, centers, logSizes });
  }`,
    ],
    logLikelihood: [
      `{
    return tf.tidy(() => {
      const halfSize = this.logSizes.exp().div(2);
      const distance = x.expandDims(1).sub(this.centers).abs();
      const inside = distance.lessEqual(halfSize).all(2);
      const logDensity = this.logSizes.sum(1).neg().expandDims(0).tile([x.shape[0], 1]);
      const outside = tf.fill(logDensity.shape, UMM_OUTSIDE_LOG_DENSITY);
      const logComponent = tf.where(inside, logDensity, outside);
      return tf.logSumExp(logComponent.add(tf.logSoftmax(this.logits)), 1) as tf.Tensor1D;
    });
  }`,
      `{
    return tf.tidy(() => {
      const sizes = tf.exp(this.logSizes);
      const low = tf.sub(this.centers, tf.div(sizes, 2));
      const high = tf.add(this.centers, tf.div(sizes, 2));
      const px = tf.reshape(x, [-1, 1, 2]);
      const ok = tf.logicalAnd(tf.greaterEqual(px, low), tf.lessEqual(px, high));
      const both = tf.cast(tf.min(tf.cast(ok, 'int32'), -1), 'bool');
      const area = tf.neg(tf.sum(this.logSizes, -1));
      const logP = tf.where(both, tf.add(tf.zerosLike(tf.cast(both, 'float32')), area), tf.fill(both.shape, -1e6));
      const logPi = tf.sub(this.logits, tf.logSumExp(this.logits));
      return tf.logSumExp(tf.add(logP, logPi), -1) as tf.Tensor1D;
    });
  }`,
      `{
    return tf.tidy(() => {
      const n = x.shape[0];
      const logPrior = tf.logSoftmax(this.logits);
      const parts: tf.Tensor[] = [];
      for (let k = 0; k < this.K; k++) {
        const c = this.centers.slice([k, 0], [1, 2]);
        const s = this.logSizes.slice([k, 0], [1, 2]);
        const within = x.sub(c).abs().mul(2).lessEqual(s.exp());
        const both = within.cast('float32').min(1).cast('bool');
        const value = s.sum().neg().add(logPrior.slice([k], [1])).reshape([1]).tile([n]);
        parts.push(tf.where(both, value, tf.fill([n], UMM_OUTSIDE_LOG_DENSITY).add(logPrior.slice([k], [1]))));
      }
      return tf.logSumExp(tf.stack(parts, 1), 1) as tf.Tensor1D;
    });
  }`,
    ],
    loss: [
      `{
    return tf.tidy(() => tf.neg(tf.mean(logLikelihood)) as tf.Scalar);
  }`,
    ],
    sample: [
      `{
    const weights = tf.tidy(() => tf.softmax(this.logits).dataSync());
    const components = Int32Array.from({ length: n }, () => rng.categorical(weights));
    return this.drawBoxes(components, rng);
  }
  //helpers: drawBoxes`,
      `{
    const p = tf.tidy(() => tf.softmax(this.logits)).dataSync();
    const c = this.centers.arraySync() as number[][];
    const s = tf.tidy(() => this.logSizes.exp()).arraySync() as number[][];
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const k = rng.categorical(p);
      rows.push([c[k][0] + (rng.uniform() - 0.5) * s[k][0], c[k][1] + (rng.uniform() - 0.5) * s[k][1]]);
    }
    return tf.tensor2d(rows, [n, 2]);
  }`,
    ],
    conditionalSample: [
      `{
    if (k < 0 || k >= this.K || !Number.isInteger(k)) throw new RangeError(\`no component \${k}\`);
    return this.drawBoxes(new Int32Array(n).fill(k), rng);
  }
  //helpers: drawBoxes`,
      `{
    if (k < 0 || k >= this.K) throw new Error('component out of range');
    const u = rng.uniforms(2 * n);
    return tf.tidy(() => {
      const side = this.logSizes.slice([k, 0], [1, 2]).exp();
      const corner = this.centers.slice([k, 0], [1, 2]).sub(side.div(2));
      return tf.tensor2d(u, [n, 2]).mul(side).add(corner) as tf.Tensor2D;
    });
  }`,
    ],
    variables: [
      `{
    return [this.logits, this.centers, this.logSizes];
  }`,
    ],
    parameters: [
      `{
    return {
      logits: this.logits.arraySync() as number[],
      centers: this.centers.arraySync() as number[][],
      logSizes: this.logSizes.arraySync() as number[][],
    };
  }`,
    ],
    dispose: [
      `{
    tf.dispose(this.variables());
  }`,
    ],
  },
};

export const UMM_HELPERS: Record<string, string> = {
  drawBoxes: `
  private drawBoxes(components: Int32Array, rng: Rng): tf.Tensor2D {
    const u = rng.uniforms(2 * components.length);
    return tf.tidy(() => {
      const index = tf.tensor1d(components, 'int32');
      const size = tf.gather(this.logSizes, index).exp();
      const offset = tf.tensor2d(u, [components.length, 2]).sub(0.5).mul(size);
      return tf.gather(this.centers, index).add(offset) as tf.Tensor2D;
    });
  }`,
};

export const ATTENTION_TEMPLATE: FileTemplate = {
  file: 'attention.ts',
  shell: `import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { AttentionWeights } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';
import { linearInit } from '../lib/gpt/init.js';
/** Multi-head causal self-attention. Fill in every TODO. */
export class CausalSelfAttention implements contract.CausalSelfAttention {
  readonly cAttnKernel: tf.Variable;
  readonly cAttnBias: tf.Variable;
  readonly cProjKernel: tf.Variable;
  readonly cProjBias: tf.Variable;

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    readonly blockSize: number,
    rng: Rng,
  ) {
    if (nEmbd % nHead !== 0) throw new Error(\`nEmbd \${nEmbd} is not a multiple of nHead \${nHead}\`);
    this.cAttnKernel = tf.variable(linearInit(nEmbd, 3 * nEmbd, rng).kernel);
    this.cAttnBias = tf.variable(linearInit(nEmbd, 3 * nEmbd, rng).bias);
    this.cProjKernel = tf.variable(linearInit(nEmbd, nEmbd, rng).kernel);
    this.cProjBias = tf.variable(linearInit(nEmbd, nEmbd, rng).bias);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D @apply@

  getWeights(): AttentionWeights @getWeights@

  setWeights(weights: AttentionWeights): void @setWeights@

  variables(): tf.Variable[] @variables@

  dispose(): void @dispose@
}
`,
  methods: {
    apply: [
      `{
    return tf.tidy(() => {
      const [B, T, C] = x.shape;
      const hs = C / this.nHead;
      const qkv = x.reshape([B * T, C]).matMul(this.cAttnKernel).add(this.cAttnBias).reshape([B, T, 3 * C]);
      const [q, k, v] = tf.split(qkv, 3, 2).map((t) => t.reshape([B, T, this.nHead, hs]).transpose([0, 2, 1, 3]));
      const scores = tf.matMul(q, k, false, true).div(Math.sqrt(hs));
      const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
      const masked = tf.where(mask.cast('bool'), scores, tf.fill(scores.shape, -1e9));
      const y = tf.matMul(tf.softmax(masked, -1), v).transpose([0, 2, 1, 3]).reshape([B * T, C]);
      return y.matMul(this.cProjKernel).add(this.cProjBias).reshape([B, T, C]) as tf.Tensor3D;
    });
  }`,
      `{
    const [batch, time, channels] = x.shape;
    const headSize = channels / this.nHead;
    return tf.tidy(() => {
      const flat = tf.reshape(x, [-1, channels]);
      const projected = tf.add(tf.matMul(flat, this.cAttnKernel), this.cAttnBias);
      const heads = (start: number) =>
        tf.transpose(tf.reshape(tf.slice(projected, [0, start], [-1, channels]), [batch, time, this.nHead, headSize]), [0, 2, 1, 3]);
      const query = heads(0);
      const key = heads(channels);
      const value = heads(2 * channels);
      const logits = tf.mul(tf.matMul(query, tf.transpose(key, [0, 1, 3, 2])), 1 / Math.sqrt(headSize));
      const future = tf.sub(1, tf.linalg.bandPart(tf.ones([time, time]), -1, 0));
      const attention = tf.softmax(tf.add(logits, tf.mul(future, -1e9)));
      const merged = tf.reshape(tf.transpose(tf.matMul(attention, value), [0, 2, 1, 3]), [-1, channels]);
      return tf.reshape(tf.add(tf.matMul(merged, this.cProjKernel), this.cProjBias), [batch, time, channels]) as tf.Tensor3D;
    });
  }`,
      `{
    return tf.tidy(() => {
      const [B, T, C] = x.shape;
      const d = C / this.nHead;
      const qkv = tf.einsum('btc,cd->btd', x, this.cAttnKernel).add(this.cAttnBias);
      const outputs: tf.Tensor[] = [];
      const causal = tf.tensor2d(Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -Infinity : 0)), [T, T]);
      for (let h = 0; h < this.nHead; h++) {
        const q = qkv.slice([0, 0, h * d], [B, T, d]);
        const k = qkv.slice([0, 0, C + h * d], [B, T, d]);
        const v = qkv.slice([0, 0, 2 * C + h * d], [B, T, d]);
        const weights = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(d)).add(causal));
        outputs.push(tf.matMul(weights, v));
      }
      return tf.einsum('btc,cd->btd', tf.concat(outputs, 2), this.cProjKernel).add(this.cProjBias) as tf.Tensor3D;
    });
  }`,
    ],
    getWeights: [
      `{
    return {
      cAttn: { kernel: this.cAttnKernel.clone() as tf.Tensor2D, bias: this.cAttnBias.clone() as tf.Tensor1D },
      cProj: { kernel: this.cProjKernel.clone() as tf.Tensor2D, bias: this.cProjBias.clone() as tf.Tensor1D },
    };
  }`,
      `{
    const copy = <T extends tf.Tensor>(t: tf.Variable) => tf.clone(t) as unknown as T;
    const cAttn = { kernel: copy<tf.Tensor2D>(this.cAttnKernel), bias: copy<tf.Tensor1D>(this.cAttnBias) };
    const cProj = { kernel: copy<tf.Tensor2D>(this.cProjKernel), bias: copy<tf.Tensor1D>(this.cProjBias) };
    return { cAttn, cProj };
  }`,
    ],
    setWeights: [
      `{
    const pairs: [tf.Variable, tf.Tensor][] = [
      [this.cAttnKernel, weights.cAttn.kernel],
      [this.cAttnBias, weights.cAttn.bias],
      [this.cProjKernel, weights.cProj.kernel],
      [this.cProjBias, weights.cProj.bias],
    ];
    for (const [variable, value] of pairs) {
      if (!tf.util.arraysEqual(variable.shape, value.shape)) throw new Error(\`shape \${value.shape} != \${variable.shape}\`);
      variable.assign(value);
    }
  }`,
      `{
    const check = (name: string, got: number[], want: number[]) => {
      if (got.join() !== want.join()) throw new Error(name + ': expected [' + want + '], got [' + got + ']');
    };
    check('cAttn.kernel', weights.cAttn.kernel.shape, this.cAttnKernel.shape);
    check('cAttn.bias', weights.cAttn.bias.shape, this.cAttnBias.shape);
    check('cProj.kernel', weights.cProj.kernel.shape, this.cProjKernel.shape);
    check('cProj.bias', weights.cProj.bias.shape, this.cProjBias.shape);
    this.cAttnKernel.assign(weights.cAttn.kernel);
    this.cAttnBias.assign(weights.cAttn.bias);
    this.cProjKernel.assign(weights.cProj.kernel);
    this.cProjBias.assign(weights.cProj.bias);
  }`,
    ],
    variables: [
      `{
    return [this.cAttnKernel, this.cAttnBias, this.cProjKernel, this.cProjBias];
  }`,
    ],
    dispose: [
      `{
    tf.dispose(this.variables());
  }`,
    ],
  },
};

export const TRAINING_TEMPLATE: FileTemplate = {
  file: 'training.ts',
  shell: `import * as tf from '@tensorflow/tfjs';
/** Mean cross-entropy over all B·T positions. */
export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar @gptLoss@

/** Share of the windows whose last prediction is right. */
export function lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar @lastCharacterAccuracy@
`,
  methods: {
    gptLoss: [
      `{
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const flat = logits.reshape([B * T, V]);
    const labels = tf.oneHot(targets.reshape([B * T]).toInt(), V);
    return tf.losses.softmaxCrossEntropy(labels, flat) as tf.Scalar;
  });
}`,
      `{
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits, -1);
    const vocab = logits.shape[2];
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(tf.cast(targets, 'int32'), vocab)), -1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}`,
      `{
  return tf.tidy(() => {
    const [b, t, v] = logits.shape;
    const rows = logits.reshape([b * t, v]);
    const maxes = rows.max(1, true);
    const logZ = rows.sub(maxes).exp().sum(1).log().add(maxes.squeeze([1]));
    const index = tf.range(0, b * t, 1, 'int32').mul(v).add(targets.reshape([b * t]).cast('int32'));
    const correct = rows.reshape([b * t * v]).gather(index);
    return logZ.sub(correct).mean() as tf.Scalar;
  });
}`,
    ],
    lastCharacterAccuracy: [
      `{
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const last = logits.slice([0, T - 1, 0], [B, 1, V]).reshape([B, V]);
    const truth = targets.slice([0, T - 1], [B, 1]).reshape([B]);
    return last.argMax(1).equal(truth.toInt()).toFloat().mean() as tf.Scalar;
  });
}`,
      `{
  return tf.tidy(() => {
    const steps = logits.shape[1];
    const predicted = tf.argMax(tf.squeeze(tf.slice(logits, [0, steps - 1, 0], [-1, 1, -1]), [1]), -1);
    const expected = tf.squeeze(tf.slice(targets, [0, steps - 1], [-1, 1]), [1]);
    return tf.mean(tf.cast(tf.equal(predicted, tf.cast(expected, 'int32')), 'float32')) as tf.Scalar;
  });
}`,
      `{
  const predictions = tf.tidy(() => logits.argMax(2).arraySync() as number[][]);
  const answers = targets.arraySync() as number[][];
  let hits = 0;
  for (let i = 0; i < answers.length; i++) {
    const t = answers[i].length - 1;
    if (predictions[i][t] === answers[i][t]) hits += 1;
  }
  return tf.scalar(hits / answers.length);
}`,
    ],
  },
};

export const GENERATION_TEMPLATE: FileTemplate = {
  file: 'generation.ts',
  shell: `import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';
/** Softmax over each row's k largest logits, 0 elsewhere. */
export function topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D @topKProbabilities@

/** One token per row, from softmax(row) or its top k. */
export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array @sampleNextTokens@

/** Appends length tokens to prompt, one at a time. */
export function generate(model: GPT, prompt: Int32Array, length: number, rng: Rng, topK?: number): Int32Array @generate@
`,
  methods: {
    topKProbabilities: [
      `{
  if (k < 1) throw new RangeError(\`topK must be at least 1, got \${k}\`);
  return tf.tidy(() => {
    const vocab = logits.shape[1];
    const kept = Math.min(k, vocab);
    const threshold = tf.topk(logits, kept).values.slice([0, kept - 1], [-1, 1]);
    const masked = tf.where(logits.less(threshold), tf.fill(logits.shape, -Infinity), logits);
    return tf.softmax(masked) as tf.Tensor2D;
  });
}`,
      `{
  if (!(k >= 1)) throw new Error('k must be >= 1');
  const [rows, vocab] = logits.shape;
  const values = logits.arraySync() as number[][];
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const order = values[r].map((_, i) => i).sort((a, b) => values[r][b] - values[r][a]).slice(0, Math.min(k, vocab));
    const top = Math.max(...order.map((i) => values[r][i]));
    const row = new Array<number>(vocab).fill(0);
    let total = 0;
    for (const i of order) total += row[i] = Math.exp(values[r][i] - top);
    out.push(row.map((p) => p / total));
  }
  return tf.tensor2d(out, [rows, vocab]);
}`,
      `{
  if (k < 1) throw new RangeError('k < 1');
  return tf.tidy(() => {
    const { values, indices } = tf.topk(logits, Math.min(k, logits.shape[1]));
    const probabilities = tf.softmax(values);
    const rows = logits.shape[0];
    const scattered = tf.oneHot(indices, logits.shape[1]).mul(probabilities.expandDims(2)).sum(1);
    return scattered.reshape([rows, logits.shape[1]]) as tf.Tensor2D;
  });
}`,
    ],
    sampleNextTokens: [
      `{
  const probabilities = topK === undefined ? tf.softmax(logits) : topKProbabilities(logits, topK);
  const rows = probabilities.arraySync() as number[][];
  probabilities.dispose();
  return Int32Array.from(rows, (row) => rng.categorical(row));
}`,
      `{
  const p = tf.tidy(() => (topK ? topKProbabilities(logits, topK) : tf.softmax(logits, -1)));
  const flat = p.dataSync();
  const [batch, vocab] = p.shape;
  p.dispose();
  const tokens = new Int32Array(batch);
  for (let b = 0; b < batch; b++) tokens[b] = rng.categorical(flat.subarray(b * vocab, (b + 1) * vocab));
  return tokens;
}`,
      `{
  const dist = tf.tidy(() => (topK !== undefined ? topKProbabilities(logits, topK) : logits.softmax()));
  const values = dist.arraySync() as number[][];
  tf.dispose(dist);
  const chosen: number[] = [];
  for (const row of values) {
    const u = rng.uniform();
    let cumulative = 0;
    let token = row.length - 1;
    for (let i = 0; i < row.length; i++) {
      cumulative += row[i];
      if (u < cumulative) {
        token = i;
        break;
      }
    }
    chosen.push(token);
  }
  return Int32Array.from(chosen);
}`,
    ],
    generate: [
      `{
  const tokens = Array.from(prompt);
  for (let step = 0; step < length; step++) {
    const context = tokens.slice(-model.config.blockSize);
    const last = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d([context], [1, context.length], 'int32'));
      return logits.slice([0, context.length - 1, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D;
    });
    tokens.push(sampleNextTokens(last, rng, topK)[0]);
    last.dispose();
  }
  return Int32Array.from(tokens);
}`,
      `{
  const out = new Int32Array(prompt.length + length);
  out.set(prompt);
  const block = model.config.blockSize;
  for (let i = prompt.length; i < out.length; i++) {
    const start = Math.max(0, i - block);
    const window = out.slice(start, i);
    const next = tf.tidy(() => {
      const idx = tf.tensor2d(window, [1, window.length], 'int32');
      const all = model.logits(idx);
      return tf.squeeze(tf.slice(all, [0, window.length - 1, 0], [1, 1, all.shape[2]]), [1]) as tf.Tensor2D;
    });
    out[i] = sampleNextTokens(next, rng, topK)[0];
    next.dispose();
  }
  return out;
}`,
      `{
  let context = prompt;
  while (context.length < prompt.length + length) {
    const cropped = context.length > model.config.blockSize ? context.subarray(context.length - model.config.blockSize) : context;
    const logits = tf.tidy(() => {
      const output = model.logits(tf.tensor(cropped, [1, cropped.length], 'int32') as tf.Tensor2D);
      return tf.gather(tf.squeeze(output, [0]), [cropped.length - 1]) as tf.Tensor2D;
    });
    const [token] = sampleNextTokens(logits, rng, topK);
    logits.dispose();
    const grown = new Int32Array(context.length + 1);
    grown.set(context);
    grown[context.length] = token;
    context = grown;
  }
  return context;
}`,
    ],
  },
};

export const TEMPLATES: { template: FileTemplate; helpers: Record<string, string> }[] = [
  { template: GMM_TEMPLATE, helpers: GMM_HELPERS },
  { template: UMM_TEMPLATE, helpers: UMM_HELPERS },
  { template: ATTENTION_TEMPLATE, helpers: {} },
  { template: TRAINING_TEMPLATE, helpers: {} },
  { template: GENERATION_TEMPLATE, helpers: {} },
];
