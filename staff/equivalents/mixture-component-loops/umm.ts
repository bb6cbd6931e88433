import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import { UMM_OUTSIDE_LOG_DENSITY, type UMMParameters } from '../lib/contract.js';
import { checkMixtureParameters } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

export class UMM implements contract.UMM {
  readonly K: number;
  readonly logits: tf.Variable;
  readonly centers: tf.Variable;
  readonly logSizes: tf.Variable;

  constructor(parameters: UMMParameters) {
    this.K = checkMixtureParameters('UMM', parameters.logits, {
      centers: parameters.centers,
      logSizes: parameters.logSizes,
    });
    this.logits = tf.variable(tf.tensor1d(parameters.logits));
    this.centers = tf.variable(tf.tensor2d(parameters.centers, [this.K, 2]));
    this.logSizes = tf.variable(tf.tensor2d(parameters.logSizes, [this.K, 2]));
  }

  static random(K: number, rng: Rng): UMM {
    const logits: number[] = [];
    const centers: number[][] = [];
    const logSizes: number[][] = [];
    for (let k = 0; k < K; k++) {
      logits.push(rng.normal());
      centers.push([rng.normal(), rng.normal()]);
      logSizes.push([Math.log(1 + 0.2 * rng.uniform()), Math.log(1 + 0.2 * rng.uniform())]);
    }
    return new UMM({ logits, centers, logSizes });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    // which box each point is in, from the values: a step, so no gradient is lost
    const points = x.dataSync();
    const centers = this.centers.dataSync();
    const sizes = this.logSizes.dataSync().map(Math.exp);
    const n = x.shape[0];
    return tf.tidy(() => {
      const logWeights = tf.logSoftmax(this.logits);
      const columns: tf.Tensor[] = [];
      for (let k = 0; k < this.K; k++) {
        const inside = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const inX = Math.abs(points[2 * i] - centers[2 * k]) <= sizes[2 * k] / 2;
          const inY = Math.abs(points[2 * i + 1] - centers[2 * k + 1]) <= sizes[2 * k + 1] / 2;
          inside[i] = inX && inY ? 1 : 0;
        }
        const mask = tf.tensor1d(inside);
        const logDensity = this.logSizes.slice([k, 0], [1, 2]).sum().neg(); // −log s_k1 − log s_k2
        const column = mask.mul(logDensity).add(tf.sub(1, mask).mul(UMM_OUTSIDE_LOG_DENSITY));
        columns.push(column.add(logWeights.slice([k], [1])));
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
    const u = tf.tensor2d(rng.uniforms(2 * n), [n, 2]);
    return tf.tidy(() => {
      const size = this.logSizes.slice([k, 0], [1, 2]).exp();
      return this.centers.slice([k, 0], [1, 2]).add(u.sub(0.5).mul(size)) as tf.Tensor2D;
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
    this.logits.dispose();
    this.centers.dispose();
    this.logSizes.dispose();
  }
}
