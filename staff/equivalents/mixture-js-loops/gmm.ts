import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import { checkMixtureParameters } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

/** Two independent N(0, 1) values from two uniforms (Box–Muller, both outputs). */
function normalPair(rng: Rng): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.uniform()));
  const angle = 2 * Math.PI * rng.uniform();
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

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
    this.logits = tf.variable(tf.tensor(parameters.logits));
    this.means = tf.variable(tf.tensor(parameters.means));
    this.logVariances = tf.variable(tf.tensor(parameters.logVariances));
  }

  static random(K: number, rng: Rng): GMM {
    const logits: number[] = [];
    for (let k = 0; k < K; k++) logits.push(rng.normal());
    const means: number[][] = [];
    for (let k = 0; k < K; k++) {
      const x = rng.normal();
      const y = rng.normal();
      means.push([x, y]);
    }
    const logVariances: number[][] = [];
    for (let k = 0; k < K; k++) logVariances.push([0, 0]);
    return new GMM({ logits, means, logVariances });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const variances = tf.exp(this.logVariances);
      const diff = tf.sub(tf.expandDims(x, 1), this.means);
      const mahalanobis = tf.sum(tf.div(tf.square(diff), variances), 2);
      const logDet = tf.sum(this.logVariances, 1);
      const logN = tf.mul(-0.5, tf.add(tf.add(mahalanobis, logDet), 2 * Math.log(2 * Math.PI)));
      return tf.logSumExp(tf.add(logN, tf.logSoftmax(this.logits)), 1) as tf.Tensor1D;
    });
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => tf.div(tf.sum(logLikelihood), -logLikelihood.shape[0]) as tf.Scalar);
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    const logits = this.logits.dataSync();
    const max = Math.max(...logits);
    const weights = Array.from(logits, (logit) => Math.exp(logit - max));
    const means = this.means.dataSync();
    const logVariances = this.logVariances.dataSync();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const k = rng.categorical(weights);
      const [z0, z1] = normalPair(rng);
      out[2 * i] = means[2 * k] + Math.exp(logVariances[2 * k] / 2) * z0;
      out[2 * i + 1] = means[2 * k + 1] + Math.exp(logVariances[2 * k + 1] / 2) * z1;
    }
    return tf.tensor2d(out, [n, 2]);
  }

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    const means = this.means.dataSync();
    const logVariances = this.logVariances.dataSync();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [z0, z1] = normalPair(rng);
      out[2 * i] = means[2 * k] + Math.exp(logVariances[2 * k] / 2) * z0;
      out[2 * i + 1] = means[2 * k + 1] + Math.exp(logVariances[2 * k + 1] / 2) * z1;
    }
    return tf.tensor2d(out, [n, 2]);
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
    for (const variable of this.variables()) variable.dispose();
  }
}
