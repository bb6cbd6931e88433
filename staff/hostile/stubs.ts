/**
 * The shape-correct stubs: a submission whose constructors work and whose every method returns zeros of
 * the contract's shapes. It scores what shapes alone are worth; the hostile cases start from it, so that
 * their attacks really run, and none may score more than it does.
 */
import type { SUBMISSION_FILES } from '../../lib/contract.js';

type SubmissionFile = (typeof SUBMISSION_FILES)[keyof typeof SUBMISSION_FILES];

const mixture = (
  name: string,
  parameters: string,
  second: string,
  third: string,
) => `import * as tf from '@tensorflow/tfjs';
import type { ${parameters} } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

export class ${name} {
  readonly K: number;
  readonly logits: tf.Variable;
  readonly ${second}: tf.Variable;
  readonly ${third}: tf.Variable;

  constructor(parameters: ${parameters}) {
    this.K = parameters.logits.length;
    this.logits = tf.variable(tf.zeros([this.K]));
    this.${second} = tf.variable(tf.zeros([this.K, 2]));
    this.${third} = tf.variable(tf.zeros([this.K, 2]));
  }

  static random(K: number, rng: Rng): ${name} {
    const zeros = Array.from({ length: K }, () => [0, 0]);
    return new ${name}({ logits: new Array<number>(K).fill(rng.uniform() * 0), ${second}: zeros, ${third}: zeros });
  }

  logLikelihood(x: tf.Tensor2D): tf.Tensor1D {
    return tf.zeros([x.shape[0]]);
  }

  loss(logLikelihood: tf.Tensor1D): tf.Scalar {
    return tf.mul(tf.sum(logLikelihood), 0) as tf.Scalar;
  }

  sample(n: number): tf.Tensor2D {
    return tf.zeros([n, 2]);
  }

  conditionalSample(n: number): tf.Tensor2D {
    return tf.zeros([n, 2]);
  }

  variables(): tf.Variable[] {
    return [this.logits, this.${second}, this.${third}];
  }

  parameters(): ${parameters} {
    const zeros = Array.from({ length: this.K }, () => [0, 0]);
    return { logits: new Array<number>(this.K).fill(0), ${second}: zeros, ${third}: zeros };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
`;

export const STUB_FILES: Record<SubmissionFile, string> = {
  'gmm.ts': mixture('GMM', 'GMMParameters', 'means', 'logVariances'),
  'umm.ts': mixture('UMM', 'UMMParameters', 'centers', 'logSizes'),
  'attention.ts': `import * as tf from '@tensorflow/tfjs';
import type { AttentionWeights } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

export class CausalSelfAttention {
  private readonly weights: tf.Variable[];

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    readonly blockSize: number,
    rng: Rng,
  ) {
    rng.uniform();
    this.weights = [
      tf.variable(tf.zeros([nEmbd, 3 * nEmbd])),
      tf.variable(tf.zeros([3 * nEmbd])),
      tf.variable(tf.zeros([nEmbd, nEmbd])),
      tf.variable(tf.zeros([nEmbd])),
    ];
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.mul(x, 0) as tf.Tensor3D;
  }

  getWeights(): AttentionWeights {
    const [kernel, bias, projKernel, projBias] = this.weights.map((w) => w.clone());
    return {
      cAttn: { kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D },
      cProj: { kernel: projKernel as tf.Tensor2D, bias: projBias as tf.Tensor1D },
    };
  }

  setWeights(weights: AttentionWeights): void {
    const given = [weights.cAttn.kernel, weights.cAttn.bias, weights.cProj.kernel, weights.cProj.bias];
    this.weights.forEach((w, i) => w.assign(given[i]));
  }

  variables(): tf.Variable[] {
    return this.weights;
  }

  dispose(): void {
    tf.dispose(this.weights);
  }
}
`,
  'training.ts': `import * as tf from '@tensorflow/tfjs';

export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  return tf.mul(tf.sum(logits), targets.size * 0) as tf.Scalar;
}

export function lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  return tf.mul(tf.sum(logits), targets.size * 0) as tf.Scalar;
}
`,
  'generation.ts': `import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../lib/contract.js';
import type { Rng } from '../lib/random.js';

export function topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  if (k < 1) throw new Error('k must be at least 1');
  return tf.zerosLike(logits);
}

export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng): Int32Array {
  rng.uniform();
  return new Int32Array(logits.shape[0]);
}

export function generate(model: GPT, prompt: Int32Array, length: number): Int32Array {
  void model;
  return Int32Array.from([...prompt, ...new Array<number>(length).fill(0)]);
}
`,
};
