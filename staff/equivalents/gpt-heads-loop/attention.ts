/**
 * Causal self-attention with one loop over the heads: each head's q, k, v sliced from x · cAttn, its
 * scores masked with tf.where on a lower-triangular band, the heads' outputs concatenated. Plain tf ops
 * (tf.matMul, tf.softmax), `const self = this;` inside the closures.
 */
import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { AttentionWeights, LinearWeights } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

function linear(inFeatures: number, outFeatures: number, rng: Rng): LinearWeights {
  const bound = 1 / Math.sqrt(inFeatures);
  const draw = (n: number) => Float32Array.from(rng.uniforms(n), (u) => (2 * u - 1) * bound);
  return {
    kernel: tf.variable(tf.tensor2d(draw(inFeatures * outFeatures), [inFeatures, outFeatures])),
    bias: tf.variable(tf.tensor1d(draw(outFeatures))),
  };
}

export class CausalSelfAttention implements contract.CausalSelfAttention {
  readonly cAttn: LinearWeights;
  readonly cProj: LinearWeights;

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    readonly blockSize: number,
    rng: Rng,
  ) {
    if (nEmbd % nHead !== 0) throw new Error(`nEmbd ${nEmbd} is not divisible by nHead ${nHead}`);
    this.cAttn = linear(nEmbd, 3 * nEmbd, rng);
    this.cProj = linear(nEmbd, nEmbd, rng);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const self = this;
    const [B, T, C] = x.shape;
    const hd = C / self.nHead;
    return tf.tidy(() => {
      const qkv = tf
        .add(tf.matMul(x.reshape([B * T, C]), self.cAttn.kernel), self.cAttn.bias)
        .reshape([B, T, 3 * C]);
      const allowed = tf.cast(tf.linalg.bandPart(tf.ones([T, T]), -1, 0), 'bool');
      const heads: tf.Tensor[] = [];
      for (let h = 0; h < self.nHead; h++) {
        const q = qkv.slice([0, 0, h * hd], [B, T, hd]);
        const k = qkv.slice([0, 0, C + h * hd], [B, T, hd]);
        const v = qkv.slice([0, 0, 2 * C + h * hd], [B, T, hd]);
        const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(hd)); // (B, T, T)
        const masked = tf.where(allowed.broadcastTo([B, T, T]), scores, tf.fill([B, T, T], -Infinity));
        heads.push(tf.matMul(tf.softmax(masked), v)); // (B, T, hd)
      }
      const y = tf.concat(heads, 2).reshape([B * T, C]);
      return tf.add(tf.matMul(y, self.cProj.kernel), self.cProj.bias).reshape([B, T, C]) as tf.Tensor3D;
    });
  }

  getWeights(): AttentionWeights {
    const copy = (l: LinearWeights) => ({ kernel: l.kernel.clone(), bias: l.bias.clone() });
    return { cAttn: copy(this.cAttn), cProj: copy(this.cProj) };
  }

  setWeights(weights: AttentionWeights): void {
    const self = this;
    for (const name of ['cAttn', 'cProj'] as const) {
      for (const part of ['kernel', 'bias'] as const) {
        const target = self[name][part] as tf.Variable;
        const source = weights[name][part];
        if (source.shape.join() !== target.shape.join())
          throw new Error(`setWeights: ${name}.${part} is [${source.shape}], expected [${target.shape}]`);
        target.assign(source);
      }
    }
  }

  variables(): tf.Variable[] {
    return [this.cAttn.kernel, this.cAttn.bias, this.cProj.kernel, this.cProj.bias] as tf.Variable[];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
