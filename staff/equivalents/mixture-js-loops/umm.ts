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
    this.logits = tf.variable(tf.tensor(parameters.logits));
    this.centers = tf.variable(tf.tensor(parameters.centers));
    this.logSizes = tf.variable(tf.tensor(parameters.logSizes));
  }

  static random(K: number, rng: Rng): UMM {
    const logits: number[] = [];
    for (let k = 0; k < K; k++) logits.push(rng.normal());
    const centers: number[][] = [];
    for (let k = 0; k < K; k++) {
      const x = rng.normal();
      const y = rng.normal();
      centers.push([x, y]);
    }
    const logSizes: number[][] = [];
    for (let k = 0; k < K; k++) {
      const width = 1 + 0.2 * rng.uniform();
      const height = 1 + 0.2 * rng.uniform();
      logSizes.push([Math.log(width), Math.log(height)]);
    }
    return new UMM({ logits, centers, logSizes });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    const n = x.shape[0];
    const points = x.dataSync();
    const centers = this.centers.dataSync();
    const logSizes = this.logSizes.dataSync();
    const inside = new Float32Array(n * this.K);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < this.K; k++) {
        let isInside = true;
        for (let d = 0; d < 2; d++)
          if (Math.abs(points[2 * i + d] - centers[2 * k + d]) > Math.exp(logSizes[2 * k + d]) / 2)
            isInside = false;
        inside[i * this.K + k] = isInside ? 1 : 0;
      }
    return tf.tidy(() => {
      const mask = tf.tensor2d(inside, [n, this.K]);
      const logDensity = tf.neg(tf.sum(this.logSizes, 1)); // [K]
      const logP = tf.add(tf.mul(mask, logDensity), tf.mul(tf.sub(1, mask), UMM_OUTSIDE_LOG_DENSITY));
      return tf.logSumExp(tf.add(logP, tf.logSoftmax(this.logits)), 1) as tf.Tensor1D;
    });
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => tf.div(tf.sum(logLikelihood), -logLikelihood.shape[0]) as tf.Scalar);
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    const logits = this.logits.dataSync();
    const max = Math.max(...logits);
    const weights = Array.from(logits, (logit) => Math.exp(logit - max));
    const centers = this.centers.dataSync();
    const logSizes = this.logSizes.dataSync();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const k = rng.categorical(weights);
      for (let d = 0; d < 2; d++)
        out[2 * i + d] = centers[2 * k + d] + (rng.uniform() - 0.5) * Math.exp(logSizes[2 * k + d]);
    }
    return tf.tensor2d(out, [n, 2]);
  }

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    const centers = this.centers.dataSync();
    const logSizes = this.logSizes.dataSync();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < 2; d++)
        out[2 * i + d] = centers[2 * k + d] + (rng.uniform() - 0.5) * Math.exp(logSizes[2 * k + d]);
    return tf.tensor2d(out, [n, 2]);
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
    for (const variable of this.variables()) variable.dispose();
  }
}
