/* eslint-disable @typescript-eslint/no-unused-vars -- the blanks leave their parameters and helpers for you to use */
/**
 * Gaussian mixture model with diagonal covariances, trained by gradient descent on −mean log p(x).
 * log p(x) = logsumexp_k( log_softmax(logits)_k + log N(x; μ_k, diag σ²_k) ),  σ²_k = exp(logVariances_k).
 * Fill in every method that throws "not implemented"; `npm run grade` tells you how far you are.
 * lib/mixture.ts has helpers: `logSumExp(x, offsets)` is tf.logSumExp(x + offsets, 1), and
 * `scaledDifferences(x, centers, scales)` is (x_n − c_k) ⊙ s_k as [n, K, D], both fast on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import { checkMixtureParameters, logSumExp, scaledDifferences } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

const LOG_2PI = Math.log(2 * Math.PI);

export class GMM implements contract.GMM {
  readonly K: number;
  readonly logits: tf.Variable; // [K]
  readonly means: tf.Variable; // [K, 2]
  readonly logVariances: tf.Variable; // [K, 2]

  /**
   * Given: one tf.variable per parameter table, logits [K], means [K, 2], logVariances [K, 2], so that each
   * method below can be filled in and graded on its own.
   * checkMixtureParameters('GMM', logits, { means, logVariances }) checks the numbers and returns K.
   */
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

  /** The exercise's initialisation: logits ~ N(0,1) [K], means ~ N(0,1) [K, 2], logVariances = 0. */
  static random(K: number, rng: Rng): GMM {
    throw new Error('GMM.random: not implemented: draw logits and means with rng.normal(), logVariances = 0');
  }

  /**
   * log p(x) for each row of x [n, 2] → [n]:
   *   log p(x) = logsumexp_k( log_softmax(logits)_k + log N(x; μ_k, diag σ²_k) )
   *   log N(x; μ, diag σ²) = −log 2π − ½ Σ_d ( log σ²_d + (x_d − μ_d)² / σ²_d )
   * Use tf.logSoftmax and a logsumexp, never log(sum(exp(...))), so that far points give no −∞.
   */
  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    throw new Error(
      'GMM.logLikelihood: not implemented: return logsumexp over k of log weight + log density',
    );
  }

  /** The training loss: −mean(logLikelihood) → scalar. */
  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    throw new Error('GMM.loss: not implemented: return minus the mean of the log-likelihoods');
  }

  /** n points: for each, a component k ~ Categorical(softmax(logits)) from rng.categorical, then this.draw. */
  sample(n: number, rng: Rng): tf.Tensor2D {
    throw new Error(
      'GMM.sample: not implemented: draw a component per point with rng.categorical, then draw',
    );
  }

  /** n points, all from component k (0 ≤ k < K). */
  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    throw new Error('GMM.conditionalSample: not implemented: draw n points from component k');
  }

  /** x = μ_k + σ_k·z, z ~ N(0, I) from rng.normals, for each component index given; σ_k = exp(logVariances_k / 2). */
  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    throw new Error('GMM.draw: not implemented: return μ_k + σ_k·z for each component index');
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
