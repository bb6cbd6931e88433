/**
 * Adam as PyTorch's torch.optim.Adam computes it (ε added to the bias-corrected √v), with the moments and
 * the update in plain JavaScript over Float32Arrays. On the backends this project runs (wasm, cpu,
 * tfjs-node) reading a tensor is a memory copy, and the update of the GPT's ~92k weights costs well under a
 * millisecond this way; as tfjs ops it would be ~14 small kernels per variable (tf.train.adam's way) at
 * a fixed 30–45 µs each on wasm, and one flat vector instead would need slices that copy it whole.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  private readonly firstMoments: Float32Array[];
  private readonly secondMoments: Float32Array[];
  private readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private steps = 0;

  constructor(
    private readonly variables: tf.Variable[],
    { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }: AdamOptions,
  ) {
    if (!(learningRate > 0))
      throw new RangeError(`Adam: learning rate must be positive, got ${learningRate}`);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoments = variables.map((variable) => new Float32Array(variable.size));
    this.secondMoments = variables.map((variable) => new Float32Array(variable.size));
  }

  /** One update from the gradients by variable name (as tf.variableGrads returns them). */
  applyGradients(gradients: tf.NamedTensorMap): void {
    this.steps++;
    const { beta1, beta2, epsilon } = this;
    // p −= lr · m̂ / (√v̂ + ε), with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t)
    const stepSize = this.learningRate / (1 - beta1 ** this.steps);
    const correction2 = 1 / Math.sqrt(1 - beta2 ** this.steps);
    this.variables.forEach((variable, i) => {
      const gradient = gradients[variable.name];
      if (!gradient) throw new Error(`Adam: no gradient for variable ${variable.name}`);
      const g = gradient.dataSync();
      const p = Float32Array.from(variable.dataSync());
      const m = this.firstMoments[i];
      const v = this.secondMoments[i];
      for (let j = 0; j < p.length; j++) {
        m[j] = beta1 * m[j] + (1 - beta1) * g[j];
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
        p[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) * correction2 + epsilon);
      }
      const updated = tf.tensor(p, variable.shape, 'float32');
      variable.assign(updated);
      updated.dispose();
    });
  }
}
