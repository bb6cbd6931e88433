/* eslint-disable @typescript-eslint/no-unused-vars -- the blanks leave their parameters and helpers for you to use */
/**
 * Uniform mixture model: component k is the axis-aligned box with centre c_k and sides s_k = exp(logSizes_k).
 * log p(x) = logsumexp_k( log_softmax(logits)_k + log p(x | k) ),
 * log p(x | k) = −log s_k1 − log s_k2 inside the box (edges included), UMM_OUTSIDE_LOG_DENSITY outside.
 * Fill in every method that throws "not implemented". lib/mixture.ts has helpers: `logSumExp`,
 * `scaledDifferences` (x_n − c_k as [n, K, D]) and `withoutGradient`, which computes the inside/outside
 * mask as a constant (tfjs's comparisons have no gradient, so tf.grads fails on them otherwise).
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

  /**
   * Given: one tf.variable per parameter table, logits [K], centers [K, 2], logSizes [K, 2], so that each
   * method below can be filled in and graded on its own.
   * checkMixtureParameters('UMM', logits, { centers, logSizes }) checks the numbers and returns K.
   */
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
    throw new Error(
      'UMM.random: not implemented: draw logits, centers with rng.normal(), sides 1 + 0.2·rng.uniform()',
    );
  }

  /**
   * log p(x) for each row of x [n, 2] → [n]:
   *   log p(x) = logsumexp_k( log_softmax(logits)_k + log p(x | k) )
   *   log p(x | k) = −log s_k1 − log s_k2 if |x_d − c_kd| ≤ s_kd / 2 for both d (edges count as inside),
   *                  UMM_OUTSIDE_LOG_DENSITY (−1e6, not −∞) otherwise.
   */
  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    throw new Error(
      'UMM.logLikelihood: not implemented: return logsumexp over k of log weight + log density',
    );
  }

  /** The training loss: −mean(logLikelihood) → scalar. */
  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    throw new Error('UMM.loss: not implemented: return minus the mean of the log-likelihoods');
  }

  /** n points: for each, a component k ~ Categorical(softmax(logits)) from rng.categorical, then this.draw. */
  sample(n: number, rng: Rng): tf.Tensor2D {
    throw new Error(
      'UMM.sample: not implemented: draw a component per point with rng.categorical, then draw',
    );
  }

  /** n points, all from box k (0 ≤ k < K). */
  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    throw new Error('UMM.conditionalSample: not implemented: draw n points from box k');
  }

  /** x = c_k + (u − ½)·s_k, u ~ U[0,1)² from rng.uniforms, for each component index given. */
  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    throw new Error('UMM.draw: not implemented: return c_k + (u − 1/2)·s_k for each component index');
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
