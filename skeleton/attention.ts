/* eslint-disable @typescript-eslint/no-unused-vars -- the blanks leave their parameters and helpers for you to use */
/**
 * Multi-head causal self-attention, as in nanoGPT's model.py. Fill in `apply`. `dense` and `matMul`
 * (lib/gpt/ops.ts) are x·W + b and the batched matrix product, with gradients that run fast on wasm;
 * `causalMask(T)` is the additive mask [T, T] (0 on and below the diagonal, −∞ above).
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

  /**
   * x [B, T, C] → [B, T, C], with nh = nHead heads of size hd = C / nh:
   *   q, k, v = the three C-wide parts of dense(x, cAttn), each reshaped to (B, nh, T, hd)
   *   att = softmax(q · kᵀ / √hd + mask) over the last axis (the positions attended to)   (B, nh, T, T)
   *   y = att · v, heads put side by side again → (B, T, C), then dense(y, cProj)
   * Work inside tf.tidy so that the intermediate tensors are freed.
   */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    throw new Error(
      'CausalSelfAttention.apply: not implemented: split q, k, v into heads, mask, softmax, merge',
    );
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
