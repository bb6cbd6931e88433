import * as tf from '@tensorflow/tfjs';
import type * as contract from '../lib/contract.js';
import { UMM_OUTSIDE_LOG_DENSITY, type UMMParameters } from '../lib/contract.js';
import { checkMixtureParameters, withoutGradient } from '../lib/mixture.js';
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
    const logits = Array.from({ length: K }, () => rng.normal());
    const centers = Array.from({ length: K }, () => [rng.normal(), rng.normal()]);
    const logSizes = Array.from({ length: K }, () => [0, 1].map(() => Math.log(1 + 0.2 * rng.uniform())));
    return new UMM({ logits, centers, logSizes });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    const self = this;
    return tf.tidy(() => {
      const inside = withoutGradient(
        (centers, logSizes) =>
          x.expandDims(1).sub(centers).abs().lessEqual(logSizes.exp().div(2)).all(2).cast('float32'),
        self.centers,
        self.logSizes,
      ); // [n, K]
      const logDensity = self.logSizes.sum(1).neg(); // [K]
      const logP = tf.where(
        inside.cast('bool'),
        inside.mul(logDensity),
        tf.fill(inside.shape, UMM_OUTSIDE_LOG_DENSITY),
      );
      return tf.logSumExp(logP.add(tf.logSoftmax(self.logits)), 1) as tf.Tensor1D;
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
    const u = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) u[i] = rng.uniform();
    return tf.tidy(() => {
      const k = tf.tensor1d(components, 'int32');
      const sizes = tf.exp(tf.gather(self.logSizes, k));
      const corner = tf.gather(self.centers, k).sub(sizes.div(2));
      return corner.add(tf.tensor2d(u, [n, 2]).mul(sizes)) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    const self = this;
    return [self.logits, self.centers, self.logSizes];
  }

  parameters(): UMMParameters {
    const self = this;
    return {
      logits: Array.from(self.logits.dataSync()),
      centers: self.centers.arraySync() as number[][],
      logSizes: self.logSizes.arraySync() as number[][],
    };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
