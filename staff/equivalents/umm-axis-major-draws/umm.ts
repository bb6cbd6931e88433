/**
 * Uniform mixture model: component k is the axis-aligned box with centre c_k and sides s_k = exp(logSizes_k).
 * log p(x) = logsumexp_k( log_softmax(logits)_k + log p(x | k) ),
 * log p(x | k) = −log s_k1 − log s_k2 inside the box (edges included), UMM_OUTSIDE_LOG_DENSITY outside.
 */
import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import { UMM_OUTSIDE_LOG_DENSITY, type UMMParameters } from '../lib/contract.js';
import { checkMixtureParameters, logSumExp, scaledDifferences, withoutGradient } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

export class UMM implements contract.UMM {
  readonly K: number;
  readonly logits: tf.Variable; // [K]
  readonly centers: tf.Variable; // [K, 2]
  readonly logSizes: tf.Variable; // [K, 2]

  constructor(parameters: UMMParameters) {
    const { logits, centers, logSizes } = parameters;
    this.K = checkMixtureParameters('UMM', logits, { centers, logSizes });
    // in a tidy, so that the tensors the variables are made from are freed
    [this.logits, this.centers, this.logSizes] = tf.tidy(() => [
      tf.variable(tf.tensor1d(logits)),
      tf.variable(tf.tensor2d(centers, [this.K, 2])),
      tf.variable(tf.tensor2d(logSizes, [this.K, 2])),
    ]);
  }

  /** The exercise's initialisation: logits ~ N(0,1), centers ~ N(0,1), logSizes = log(1 + 0.2·U[0,1)). */
  static random(K: number, rng: Rng): UMM {
    const logits = Array.from(rng.normals(K));
    const centers = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    const logSizes = Array.from({ length: K }, () => [
      Math.log(1 + 0.2 * rng.uniform()),
      Math.log(1 + 0.2 * rng.uniform()),
    ]);
    return new UMM({ logits, centers, logSizes });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const logWeights = tf.logSoftmax(this.logits); // log π [K]
      const halfSizes = this.logSizes.exp().mul(0.5); // [K, 2]
      // 1 inside box k (|x_d − c_kd| ≤ s_kd/2 for both d, edges included), 0 outside: a step, so no gradient
      const inside = withoutGradient(
        (centers, half) => scaledDifferences(x, centers).abs().lessEqual(half).all(2).cast('float32'),
        this.centers,
        halfSizes,
      ); // [n, K]
      const logDensities = inside
        .mul(this.logSizes.sum(1).neg())
        .add(tf.sub(1, inside).mul(UMM_OUTSIDE_LOG_DENSITY)); // −log s_k1 − log s_k2 inside, OUTSIDE outside [n, K]
      return logSumExp(logDensities, logWeights); // logsumexp_k(log π_k + log p(x | k)) [n]
    });
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => logLikelihood.mean().neg() as tf.Scalar);
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    const weights = tf.tidy(() => tf.softmax(this.logits));
    const probabilities = weights.dataSync();
    weights.dispose();
    const components = Int32Array.from({ length: n }, () => rng.categorical(probabilities));
    return this.draw(components, rng);
  }

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    if (!Number.isInteger(k) || k < 0 || k >= this.K)
      throw new RangeError(`UMM.conditionalSample: component ${k} is outside 0–${this.K - 1}`);
    return this.draw(new Int32Array(n).fill(k), rng);
  }

  /** x = c_k + (u − ½)·s_k, u ~ U[0,1)², for each component index given. */
  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    const u = rng.uniforms(2 * components.length);
    return tf.tidy(() => {
      const k = tf.tensor1d(components, 'int32');
      const sizes = tf.gather(this.logSizes, k).exp(); // [n, 2]
      const offsets = tf.tensor2d(u, [2, components.length]).transpose().sub(0.5).mul(sizes); // [n, 2]
      return tf.gather(this.centers, k).add(offsets);
    });
  }

  variables(): tf.Variable[] {
    return [this.logits, this.centers, this.logSizes];
  }

  parameters(): UMMParameters {
    return {
      logits: this.logits.arraySync() as number[],
      centers: this.centers.arraySync() as number[][],
      logSizes: this.logSizes.arraySync() as number[][],
    };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
