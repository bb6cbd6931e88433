/**
 * The contract between a submission (the reference, the skeleton, a student's copy) and everything else.
 * reference/ and skeleton/ implement these interfaces file by file; the grader, the experiments and the
 * fixtures use a submission only through them. Names and shapes are fixed so that the grader can load
 * fixture parameters and weights into any student's model.
 *
 * Conventions: points are rows [n, 2] of float32 (normalised longitude, latitude); token ids are int32;
 * every random draw comes from the `Rng` passed in, never from Math.random or tfjs's own samplers.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Rng } from './random.js';

// ---------------------------------------------------------------------------------------------------
// Mixture models (gmm.ts, umm.ts)

/** GMM parameters as plain numbers: logits [K], means [K][2], logVariances [K][2]. */
export interface GMMParameters {
  logits: number[];
  means: number[][];
  logVariances: number[][];
}

/** UMM parameters as plain numbers: logits [K], centers [K][2], logSizes [K][2] (log of the full side). */
export interface UMMParameters {
  logits: number[];
  centers: number[][];
  logSizes: number[][];
}

/** What the GMM and the UMM share. All returned tensors belong to the caller, who disposes them. */
export interface MixtureModel<Parameters> {
  /** Number of components. */
  readonly K: number;
  /** log p(x) for each row of x [n, 2] → [n]: logsumexp_k(log_softmax(logits)_k + log p(x | k)). */
  logLikelihood(x: tf.Tensor2D): tf.Tensor1D;
  /** The training loss of a batch: −mean(logLikelihood) → scalar. */
  loss(logLikelihood: tf.Tensor1D): tf.Scalar;
  /** n points [n, 2]: for each, k ~ Categorical(softmax(logits)), then a draw from component k. */
  sample(n: number, rng: Rng): tf.Tensor2D;
  /** n points [n, 2], all from component k (0 ≤ k < K). */
  conditionalSample(n: number, k: number, rng: Rng): tf.Tensor2D;
  /** The trainable variables, the ones an optimiser updates. */
  variables(): tf.Variable[];
  /** The current parameters, read back as numbers. */
  parameters(): Parameters;
  /** Frees the variables. */
  dispose(): void;
}

/**
 * Gaussian mixture with diagonal covariances:
 * log p(x | k) = −log 2π − ½ Σ_d (logVariances_kd + (x_d − means_kd)² / exp(logVariances_kd)).
 */
export interface GMM extends MixtureModel<GMMParameters> {
  readonly logits: tf.Variable; // [K]
  readonly means: tf.Variable; // [K, 2]
  readonly logVariances: tf.Variable; // [K, 2]
}

/** A GMM class: `new GMM(parameters)` from given values, `GMM.random(K, rng)` as the exercise initialises. */
export interface GMMClass {
  new (parameters: GMMParameters): GMM;
  /** logits ~ N(0,1) [K], means ~ N(0,1) [K,2], logVariances = 0 [K,2]. */
  random(K: number, rng: Rng): GMM;
}

/**
 * Uniform mixture of axis-aligned boxes, centre c_k and full side s_kd = exp(logSizes_kd):
 * log p(x | k) = −log s_k1 − log s_k2 when |x_d − c_kd| ≤ s_kd / 2 for both d (edges included),
 * and UMM_OUTSIDE_LOG_DENSITY otherwise (finite, so logsumexp and its gradient stay finite).
 */
export interface UMM extends MixtureModel<UMMParameters> {
  readonly logits: tf.Variable; // [K]
  readonly centers: tf.Variable; // [K, 2]
  readonly logSizes: tf.Variable; // [K, 2]
}

/** A UMM class: `new UMM(parameters)`, or `UMM.random(K, rng)` as the exercise initialises. */
export interface UMMClass {
  new (parameters: UMMParameters): UMM;
  /** logits ~ N(0,1) [K], centers ~ N(0,1) [K,2], logSizes = log(1 + 0.2·U[0,1)) [K,2]. */
  random(K: number, rng: Rng): UMM;
}

/** log p(x | k) of a UMM component for a point outside its box: very unlikely, never −∞. */
export const UMM_OUTSIDE_LOG_DENSITY = -1e6;

export interface GMMModule {
  GMM: GMMClass;
}
export interface UMMModule {
  UMM: UMMClass;
}

// ---------------------------------------------------------------------------------------------------
// Causal self-attention (attention.ts)

/** A dense layer y = x · kernel + bias, kernel [in, out], bias [out] (PyTorch's weight transposed). */
export interface LinearWeights {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** cAttn maps C → 3C (q, k, v in that order along the last axis); cProj maps C → C. */
export interface AttentionWeights {
  cAttn: LinearWeights;
  cProj: LinearWeights;
}

/**
 * Multi-head causal self-attention, C = nEmbd, nh = nHead, hd = C / nh:
 * q, k, v = split(x · cAttn), each reshaped to (B, nh, T, hd);
 * y = softmax(q kᵀ / √hd + mask) v with −∞ (or a large negative) above the diagonal;
 * heads merged back to (B, T, C), then y · cProj.
 */
export interface CausalSelfAttention {
  readonly nEmbd: number;
  readonly nHead: number;
  readonly blockSize: number;
  /** x [B, T, C] → [B, T, C], for every 1 ≤ T ≤ blockSize. */
  apply(x: tf.Tensor3D): tf.Tensor3D;
  /** Copies of the current weights (the caller disposes them). */
  getWeights(): AttentionWeights;
  /** Overwrites the weights with the given values (shapes checked; the arguments stay the caller's). */
  setWeights(weights: AttentionWeights): void;
  /** The trainable variables. */
  variables(): tf.Variable[];
  dispose(): void;
}

/** `new CausalSelfAttention(nEmbd, nHead, blockSize, rng)`, linears initialised as PyTorch does. */
export interface CausalSelfAttentionClass {
  new (nEmbd: number, nHead: number, blockSize: number, rng: Rng): CausalSelfAttention;
}

export interface AttentionModule {
  CausalSelfAttention: CausalSelfAttentionClass;
}

// ---------------------------------------------------------------------------------------------------
// The GPT around the attention (ready-made, lib/gpt), its training step (training.ts) and generation
// (generation.ts)

export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** The exercise's configuration; vocabSize is the size of the training text's vocabulary (65). */
export const EXERCISE_GPT_CONFIG: Omit<GPTConfig, 'vocabSize'> = {
  blockSize: 10,
  nLayer: 3,
  nHead: 3,
  nEmbd: 48,
};

/** A character-level GPT with named weights (names as listed by `weightNames()`). */
export interface GPT {
  readonly config: GPTConfig;
  /** idx [B, T] int32, 1 ≤ T ≤ blockSize → logits [B, T, vocabSize]. */
  logits(idx: tf.Tensor2D): tf.Tensor3D;
  /** Every weight's name, in a fixed order. */
  weightNames(): string[];
  /** Copies of the named weights (the caller disposes them). */
  getWeights(): Record<string, tf.Tensor>;
  /** Overwrites the named weights given (unknown names and wrong shapes are errors). */
  setWeights(weights: Record<string, tf.Tensor>): void;
  variables(): tf.Variable[];
  dispose(): void;
}

/** The student's part of a training/evaluation step. Inputs stay the caller's; outputs are new tensors. */
export interface TrainingModule {
  /** Mean cross-entropy over all B·T positions: logits [B, T, V], targets [B, T] int32 → scalar. */
  gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar;
  /** Share of the B windows whose argmax at the last position equals the last target → scalar in [0, 1]. */
  lastCharacterAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar;
}

/** The student's part of generation. */
export interface GenerationModule {
  /**
   * logits [B, V] → probabilities [B, V]: softmax over each row's k largest logits, 0 elsewhere
   * (renormalised). k ≥ V keeps every token; k < 1 is an error.
   */
  topKProbabilities(logits: tf.Tensor2D, k: number): tf.Tensor2D;
  /** One token per row of logits [B, V], drawn from softmax(row) — or from topKProbabilities when topK is given. */
  sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array;
  /**
   * Autoregressive sampling: appends `length` tokens to `prompt`, each from the logits at the last
   * position of the context cropped to its last blockSize tokens. Returns prompt and new tokens.
   */
  generate(model: GPT, prompt: Int32Array, length: number, rng: Rng, topK?: number): Int32Array;
}

// ---------------------------------------------------------------------------------------------------
// Files of a submission

/** The files a submission consists of, each with what it must export. */
export const SUBMISSION_FILES = {
  gmm: 'gmm.ts',
  umm: 'umm.ts',
  attention: 'attention.ts',
  training: 'training.ts',
  generation: 'generation.ts',
} as const;

export type SubmissionPart = keyof typeof SUBMISSION_FILES;

export interface SubmissionModules {
  gmm: GMMModule;
  umm: UMMModule;
  attention: AttentionModule;
  training: TrainingModule;
  generation: GenerationModule;
}
