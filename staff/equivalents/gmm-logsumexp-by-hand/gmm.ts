/**
 * Gaussian mixture model with diagonal covariances, trained by gradient descent on −mean log p(x).
 * log p(x) = logsumexp_k( log_softmax(logits)_k + log N(x; μ_k, diag σ²_k) ),  σ²_k = exp(logVariances_k).
 */
import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import { checkMixtureParameters, scaledSquaredDistances } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

const LOG_2PI = Math.log(2 * Math.PI);

export class GMM implements contract.GMM {
  readonly K: number;
  readonly logits: tf.Variable; // [K]
  readonly means: tf.Variable; // [K, 2]
  readonly logVariances: tf.Variable; // [K, 2]

  constructor(parameters: GMMParameters) {
    const { logits, means, logVariances } = parameters;
    this.K = checkMixtureParameters('GMM', logits, { means, logVariances });
    // in a tidy, so that the tensors the variables are made from are freed
    [this.logits, this.means, this.logVariances] = tf.tidy(() => [
      tf.variable(tf.tensor1d(logits)),
      tf.variable(tf.tensor2d(means, [this.K, 2])),
      tf.variable(tf.tensor2d(logVariances, [this.K, 2])),
    ]);
  }

  /** The exercise's initialisation: logits ~ N(0,1), means ~ N(0,1), logVariances = 0. */
  static random(K: number, rng: Rng): GMM {
    const logits = Array.from(rng.normals(K));
    const means = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    const logVariances = Array.from({ length: K }, () => [0, 0]);
    return new GMM({ logits, means, logVariances });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const logWeights = tf.logSoftmax(this.logits); // log π [K]
      const inverseDeviations = this.logVariances.mul(-0.5).exp(); // 1/σ [K, 2]
      const squaredDistances = scaledSquaredDistances(x, this.means, inverseDeviations); // Σ_d ((x_d − μ_kd)/σ_kd)² [n, K]
      const logNormalisers = this.logVariances.sum(1).mul(-0.5).sub(LOG_2PI); // −log 2π − ½ Σ_d log σ²_kd [K]
      const exponents = squaredDistances.mul(-0.5); // [n, K]
      const z = exponents.add(logNormalisers.add(logWeights));
      const m = z.max(1, true);
      return z
        .sub(m)
        .exp()
        .sum(1)
        .log()
        .add(m.reshape([-1])) as tf.Tensor1D; // logsumexp_k(log π_k + log N(x; μ_k, σ²_k)) [n]
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
      throw new RangeError(`GMM.conditionalSample: component ${k} is outside 0–${this.K - 1}`);
    return this.draw(new Int32Array(n).fill(k), rng);
  }

  /** x = μ_k + z·σ_k, z ~ N(0, I), for each component index given. */
  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    const z = rng.normals(2 * components.length);
    return tf.tidy(() => {
      const k = tf.tensor1d(components, 'int32');
      const sigma = tf.gather(this.logVariances, k).mul(0.5).exp(); // [n, 2]
      return tf.gather(this.means, k).add(tf.tensor2d(z, [components.length, 2]).mul(sigma));
    });
  }

  variables(): tf.Variable[] {
    return [this.logits, this.means, this.logVariances];
  }

  parameters(): GMMParameters {
    return {
      logits: this.logits.arraySync() as number[],
      means: this.means.arraySync() as number[][],
      logVariances: this.logVariances.arraySync() as number[][],
    };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
