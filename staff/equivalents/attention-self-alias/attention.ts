/**
 * Multi-head causal self-attention, as in nanoGPT's model.py: one linear layer computes query, key and
 * value for all heads, each head attends to the positions up to its own, and a second linear layer mixes
 * the heads' outputs. `dense` and `matMul` (lib/gpt/ops.ts) are x·W + b and the batched product with
 * gradients that run fast on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { AttentionWeights, LinearWeights } from '../lib/contract.js';
import { assignLinear, causalMask, copyLinear, dense, initLinear, matMul } from '../lib/gpt/ops.js';
import type { Rng } from '../lib/random.js';

export class CausalSelfAttention implements contract.CausalSelfAttention {
  readonly cAttn: LinearWeights; // C → 3C: query, key, value projections for all heads
  readonly cProj: LinearWeights; // C → C: output projection
  private readonly masks: tf.Tensor2D[]; // masks[T − 1]: the causal mask [T, T], built once

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    readonly blockSize: number,
    rng: Rng,
  ) {
    if (nEmbd % nHead !== 0) {
      throw new Error(`CausalSelfAttention: nEmbd ${nEmbd} is not divisible by nHead ${nHead}`);
    }
    this.cAttn = initLinear(nEmbd, 3 * nEmbd, rng);
    this.cProj = initLinear(nEmbd, nEmbd, rng);
    this.masks = Array.from({ length: blockSize }, (_, i) => causalMask(i + 1));
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [B, T, C] = x.shape;
    if (x.rank !== 3 || C !== this.nEmbd || T < 1 || T > this.blockSize) {
      throw new Error(
        `CausalSelfAttention.apply: x must be [B, T ≤ ${this.blockSize}, ${this.nEmbd}], got [${x.shape}]`,
      );
    }
    const hd = C / this.nHead;

    const self = this;
    return tf.tidy(() => {
      // query, key, value for all heads, then the heads moved next to the batch
      const toHeads = (t: tf.Tensor) => t.reshape([B, T, self.nHead, hd]).transpose([0, 2, 1, 3]);
      const [q, k, v] = tf.split(dense(x, this.cAttn), 3, 2).map(toHeads); // (B, nh, T, hd)
      // causal attention: (B, nh, T, hd) x (B, nh, hd, T) -> (B, nh, T, T)
      let att = tf.mul(matMul(q, k.transpose([0, 1, 3, 2])), 1 / Math.sqrt(hd));
      att = tf.add(att, self.masks[T - 1]);
      att = tf.softmax(att);
      const y = matMul(att, v); // (B, nh, T, T) x (B, nh, T, hd) -> (B, nh, T, hd)
      // heads side by side again, then the output projection
      return dense(y.transpose([0, 2, 1, 3]).reshape([B, T, C]), self.cProj) as tf.Tensor3D;
    });
  }

  getWeights(): AttentionWeights {
    return { cAttn: copyLinear(this.cAttn), cProj: copyLinear(this.cProj) };
  }

  setWeights(weights: AttentionWeights): void {
    assignLinear(this.cAttn, weights.cAttn, 'CausalSelfAttention.setWeights: cAttn');
    assignLinear(this.cProj, weights.cProj, 'CausalSelfAttention.setWeights: cProj');
  }

  variables(): tf.Variable[] {
    return [this.cAttn.kernel, this.cAttn.bias, this.cProj.kernel, this.cProj.bias] as tf.Variable[];
  }

  dispose(): void {
    tf.dispose([...this.variables(), ...this.masks]);
  }
}
