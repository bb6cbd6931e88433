import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import { checkMixtureParameters } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

export class GMM implements contract.GMM {
  readonly K: number;
  readonly logits: tf.Variable;
  readonly means: tf.Variable;
  readonly logVariances: tf.Variable;

  constructor(parameters: GMMParameters) {
    this.K = checkMixtureParameters('GMM', parameters.logits, {
      means: parameters.means,
      logVariances: parameters.logVariances,
    });
    this.logits = tf.variable(tf.tensor1d(parameters.logits));
    this.means = tf.variable(tf.tensor2d(parameters.means, [this.K, 2]));
    this.logVariances = tf.variable(tf.tensor2d(parameters.logVariances, [this.K, 2]));
  }

  static random(K: number, rng: Rng): GMM {
    const logits: number[] = [];
    const means: number[][] = [];
    const logVariances: number[][] = [];
    for (let k = 0; k < K; k++) {
      logits.push(rng.normal());
      means.push([rng.normal(), rng.normal()]);
      logVariances.push([0, 0]);
    }
    return new GMM({ logits, means, logVariances });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const logWeights = tf.logSoftmax(this.logits);
      const columns: tf.Tensor[] = [];
      for (let k = 0; k < this.K; k++) {
        const mean = this.means.slice([k, 0], [1, 2]); // [1, 2]
        const logVariance = this.logVariances.slice([k, 0], [1, 2]); // [1, 2]
        const squares = x.sub(mean).square().div(logVariance.exp()); // [n, 2]
        const logDensity = squares
          .add(logVariance)
          .sum(1)
          .mul(-0.5)
          .sub(Math.log(2 * Math.PI)); // [n]
        columns.push(logDensity.add(logWeights.slice([k], [1])));
      }
      return tf.logSumExp(tf.stack(columns, 1), 1) as tf.Tensor1D;
    });
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return tf.neg(tf.mean(logLikelihood)) as tf.Scalar;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    const probabilities = tf.tidy(() => tf.softmax(this.logits)).dataSync();
    const components = Array.from({ length: n }, () => rng.categorical(probabilities));
    const rows: number[][] = new Array(n);
    for (let k = 0; k < this.K; k++) {
      const mine = components.flatMap((c, i) => (c === k ? [i] : []));
      if (mine.length === 0) continue;
      const points = this.fromComponent(mine.length, k, rng).arraySync();
      mine.forEach((i, j) => (rows[i] = points[j]));
    }
    return tf.tensor2d(rows, [n, 2]);
  }

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    return this.fromComponent(n, k, rng);
  }

  private fromComponent(n: number, k: number, rng: Rng): tf.Tensor2D {
    const z = tf.tensor2d(rng.normals(2 * n), [n, 2]);
    return tf.tidy(() => {
      const sigma = this.logVariances.slice([k, 0], [1, 2]).div(2).exp();
      return this.means.slice([k, 0], [1, 2]).add(z.mul(sigma)) as tf.Tensor2D;
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
    this.logits.dispose();
    this.means.dispose();
    this.logVariances.dispose();
  }
}
