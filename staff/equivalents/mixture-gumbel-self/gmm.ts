import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import type { GMMParameters } from '../lib/contract.js';
import { checkMixtureParameters } from '../lib/mixture.js';
import type { Rng } from '../lib/random.js';

/** k = argmax_k(logit_k + G_k), G_k Gumbel(0, 1): k is drawn with probability softmax(logits)_k. */
function gumbelMax(logits: ArrayLike<number>, rng: Rng): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < logits.length; k++) {
    const score = logits[k] - Math.log(-Math.log(rng.uniform()));
    if (score > bestScore) [best, bestScore] = [k, score];
  }
  return best;
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
    this.logits = tf.variable(tf.tensor1d(parameters.logits));
    this.means = tf.variable(tf.tensor2d(parameters.means, [this.K, 2]));
    this.logVariances = tf.variable(tf.tensor2d(parameters.logVariances, [this.K, 2]));
  }

  static random(K: number, rng: Rng): GMM {
    const logits = Array.from({ length: K }, () => rng.normal());
    const means = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    return new GMM({ logits, means, logVariances: means.map(() => [0, 0]) });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    const self = this;
    return tf.tidy(() => {
      const diff = x.expandDims(1).sub(self.means); // [n, K, 2]
      const logDensities = diff
        .square()
        .div(self.logVariances.exp())
        .add(self.logVariances)
        .sum(2)
        .mul(-0.5)
        .sub(Math.log(2 * Math.PI)); // [n, K]
      return tf.logSumExp(logDensities.add(tf.logSoftmax(self.logits)), 1) as tf.Tensor1D;
    });
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return logLikelihood.mean().mul(-1) as tf.Scalar;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    const self = this;
    const logits = self.logits.dataSync();
    const components = Int32Array.from({ length: n }, () => gumbelMax(logits, rng));
    return self.draw(components, rng);
  }

  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D {
    const self = this;
    if (k < 0 || k >= self.K) throw new RangeError(`no component ${k}`);
    return self.draw(new Int32Array(n).fill(k), rng);
  }

  private draw(components: Int32Array, rng: Rng): tf.Tensor2D {
    const self = this;
    const n = components.length;
    const z = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) z[i] = rng.normal();
    return tf.tidy(() => {
      const k = tf.tensor1d(components, 'int32');
      const sigma = tf.sqrt(tf.exp(tf.gather(self.logVariances, k)));
      return tf.add(tf.gather(self.means, k), tf.mul(tf.tensor2d(z, [n, 2]), sigma)) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    const self = this;
    return [self.logits, self.means, self.logVariances];
  }

  parameters(): GMMParameters {
    const self = this;
    return {
      logits: Array.from(self.logits.dataSync()),
      means: self.means.arraySync() as number[][],
      logVariances: self.logVariances.arraySync() as number[][],
    };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
