/**
 * The candidate's ready-made procedures: each builds tensors from the plain numbers of a request, calls
 * the submission through the contract, and returns plain numbers or `Returned` values. They decide
 * nothing: every comparison with an expected value happens in the judge. Runs in the candidate only.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  AttentionWeights,
  CausalSelfAttention,
  GenerationModule,
  GPT as GPTInterface,
  GPTConfig,
  MixtureModel,
  SubmissionModules,
  SubmissionPart,
} from '../../lib/contract.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import { loadPart, SubmissionError } from '../../harness/submission.js';
import type { LoadFailureReport, Returned } from './protocol.js';

/** A one-line failure the judge shows as it is (a method threw, a part cannot be loaded). */
export class Failure extends Error {
  override name = 'Failure';
  /** Set when a part cannot be loaded: which, and why, as the loader found it. */
  constructor(
    message: string,
    readonly load?: LoadFailureReport,
  ) {
    super(message);
  }
}

function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  return text.split('\n')[0];
}

/** Runs submission code; anything it throws becomes `what threw: <first line>`. */
function call<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Failure) throw error;
    const line = firstLine(error);
    // the skeleton's own "Method: not implemented" already names the method
    throw new Failure(line.startsWith(`${what.split(/[ (]/)[0]}:`) ? line : `${what} threw: ${line}`);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}`
    : `a ${typeof value}`;
}

function base64(array: Float32Array | Int32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** What a submission method returned, as plain data; a tensor is read and freed. */
function encode(value: unknown): Returned {
  if (value instanceof tf.Tensor) {
    const data = value.dataSync() as ArrayLike<number>;
    const typed = value.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
    const returned: Returned = {
      kind: 'tensor',
      shape: [...value.shape],
      dtype: value.dtype,
      base64: base64(typed),
    };
    value.dispose();
    return returned;
  }
  if (value instanceof Int32Array) return { kind: 'int32array', base64: base64(value) };
  return { kind: 'other', description: describe(value) };
}

/** Frees what submission code made; dispose is not graded, so its errors are dropped. */
function release(...models: ({ dispose(): void } | undefined)[]): void {
  for (const model of models) {
    try {
      model?.dispose();
    } catch {
      // not graded
    }
  }
}

const loaded = new Map<SubmissionPart, Promise<unknown>>();

/** The part's module, loaded on first use, so that a broken file costs only the calls that need it. */
async function part<P extends SubmissionPart>(name: P): Promise<SubmissionModules[P]> {
  const submissionDir = process.argv[2];
  if (!loaded.has(name)) loaded.set(name, loadPart(submissionDir, name));
  try {
    return (await loaded.get(name)) as SubmissionModules[P];
  } catch (error) {
    const kind = error instanceof SubmissionError ? error.loadFailure : undefined;
    throw new Failure(firstLine(error), kind && { part: name, kind });
  }
}

type Model = 'GMM' | 'UMM';
type Parameters = Record<string, number[] | number[][]>;
type Args = Record<string, unknown>;

const SECOND_KEYS: Record<Model, [string, string]> = {
  GMM: ['means', 'logVariances'],
  UMM: ['centers', 'logSizes'],
};

async function mixture(model: Model, parameters: unknown): Promise<MixtureModel<unknown>> {
  const Class = model === 'GMM' ? (await part('gmm')).GMM : (await part('umm')).UMM;
  return call(`new ${model}(parameters)`, () => new Class(parameters as never) as MixtureModel<unknown>);
}

async function mixtureClass(model: Model): Promise<{ random(K: number, rng: Rng): MixtureModel<unknown> }> {
  return model === 'GMM' ? (await part('gmm')).GMM : (await part('umm')).UMM;
}

/** Parameters as nested arrays of numbers (non-finite as null), whatever the submission returned. */
function plainParameters(model: Model, value: unknown): Parameters {
  const numbers = (entry: unknown): number[] =>
    Array.isArray(entry) ? entry.map((v) => (typeof v === 'number' ? v : Number.NaN)) : [];
  const record = (value ?? {}) as Record<string, unknown>;
  const result: Parameters = { logits: numbers(record.logits) };
  for (const key of SECOND_KEYS[model])
    result[key] = Array.isArray(record[key]) ? (record[key] as unknown[]).map(numbers) : [];
  return result;
}

async function withMixture<T>(args: Args, run: (instance: MixtureModel<unknown>) => T): Promise<T> {
  const model = args.model as Model;
  const instance = await mixture(model, args.parameters);
  try {
    return run(instance);
  } finally {
    release(instance);
  }
}

function points(x: number[][]): tf.Tensor2D {
  return tf.tensor2d(x, [x.length, 2]);
}

function linear(weights: { kernel: number[][]; bias: number[] }) {
  return { kernel: tf.tensor2d(weights.kernel), bias: tf.tensor1d(weights.bias) };
}

interface PlainAttentionWeights {
  cAttn: { kernel: number[][]; bias: number[] };
  cProj: { kernel: number[][]; bias: number[] };
}

/**
 * A stand-in GPT whose logits say which token comes next: at the last position all weight on
 * (sum of the context) mod V, at the other positions on token 0. It records every context it sees.
 */
class CountingGPT implements GPTInterface {
  readonly contexts: number[][] = [];
  constructor(readonly config: GPTConfig) {}
  logits(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    const { vocabSize: V, blockSize } = this.config;
    if (B !== 1 || T < 1 || T > blockSize || idx.dtype !== 'int32')
      throw new Failure(
        `generate: called model.logits with ${idx.dtype} [${idx.shape}], expected int32 [1, T] with 1 ≤ T ≤ blockSize = ${blockSize}`,
      );
    const context = Array.from(idx.dataSync());
    this.contexts.push(context);
    const next = context.reduce((a, b) => a + b, 0) % V;
    const logits = new Float32Array(T * V).fill(-50);
    for (let t = 0; t < T; t++) logits[t * V + (t === T - 1 ? next : 0)] = 50;
    return tf.tensor3d(logits, [1, T, V]);
  }
  weightNames = () => [];
  getWeights = () => ({});
  setWeights = () => {};
  variables = () => [];
  dispose = () => {};
}

/**
 * A stand-in GPT whose next-token distribution is spread: the logits at each position are
 * table[token at that position], so generate() draws a Markov chain whose transitions the judge counts.
 * It records every context it sees and refuses contexts longer than blockSize, as CountingGPT does.
 */
class MarkovGPT extends CountingGPT {
  constructor(
    config: GPTConfig,
    private readonly table: number[][],
  ) {
    super(config);
  }
  override logits(idx: tf.Tensor2D): tf.Tensor3D {
    tf.dispose(super.logits(idx));
    const context = this.contexts[this.contexts.length - 1];
    return tf.tensor3d([context.map((token) => this.table[token])]);
  }
}

async function generation(): Promise<GenerationModule> {
  return part('generation');
}

export const PROCEDURES: Record<string, (args: Args) => Promise<unknown>> = {
  'mixture.logLikelihood': (args) =>
    withMixture(args, (m) =>
      encode(call(`${args.model}.logLikelihood`, () => m.logLikelihood(points(args.x as number[][])))),
    ),

  'mixture.loss': (args) =>
    withMixture(args, (m) =>
      encode(call(`${args.model}.loss`, () => m.loss(tf.tensor1d(args.logLikelihood as number[])))),
    ),

  'mixture.shapes': (args) =>
    withMixture(args, (m) => {
      const K = args.K as number;
      const model = args.model as Model;
      return {
        K: String(m.K).slice(0, 40),
        logLikelihood: encode(
          call(`${model}.logLikelihood`, () => m.logLikelihood(tf.tensor2d(new Rng(K).normals(14), [7, 2]))),
        ),
        loss: encode(call(`${model}.loss`, () => m.loss(tf.zeros([7]) as tf.Tensor1D))),
        sample: encode(call(`${model}.sample`, () => m.sample(5, new Rng(1)))),
        conditionalSample: encode(
          call(`${model}.conditionalSample`, () => m.conditionalSample(4, K - 1, new Rng(1))),
        ),
        variables: call(`${model}.variables`, () => m.variables()).map((v) => `[${v.shape}]`),
      };
    }),

  'mixture.parameters': (args) =>
    withMixture(args, (m) =>
      plainParameters(
        args.model as Model,
        call(`${args.model}.parameters`, () => m.parameters()),
      ),
    ),

  'mixture.random': async (args) => {
    const model = args.model as Model;
    const Class = await mixtureClass(model);
    const random = call(`${model}.random`, () =>
      Class.random(args.K as number, new Rng(args.seed as number)),
    );
    try {
      return plainParameters(
        model,
        call(`${model}.parameters`, () => random.parameters()),
      );
    } finally {
      release(random);
    }
  },

  /** Draws from one model, in order: `sample` or `conditionalSample`, each with its own seed. */
  'mixture.draws': (args) =>
    withMixture(args, (m) =>
      (args.draws as { what: string; n: number; k?: number; seed: number }[]).map(({ what, n, k, seed }) =>
        encode(
          call(what, () =>
            k === undefined ? m.sample(n, new Rng(seed)) : m.conditionalSample(n, k, new Rng(seed)),
          ),
        ),
      ),
    ),

  /** log p(x) before and after `steps` Adam steps on the submission's own loss. */
  'mixture.train': (args) =>
    withMixture(args, (m) => {
      const model = args.model as Model;
      const x = points(args.data as number[][]);
      const logLikelihood = () => encode(call(`${model}.logLikelihood`, () => m.logLikelihood(x)));
      const before = logLikelihood();
      const optimizer = tf.train.adam(args.learningRate as number);
      const variables = call(`${model}.variables`, () => m.variables());
      try {
        for (let step = 0; step < (args.steps as number); step++)
          call(`${model}.loss`, () => optimizer.minimize(() => m.loss(m.logLikelihood(x)), false, variables));
      } finally {
        optimizer.dispose();
      }
      return { before, after: logLikelihood() };
    }),

  'mixture.lossGradients': (args) =>
    withMixture(args, (m) => {
      const x = points(args.x as number[][]);
      const { value, grads } = call(`${args.model}.loss gradient`, () =>
        tf.variableGrads(() => m.loss(m.logLikelihood(x)), m.variables()),
      );
      value.dispose();
      return { names: Object.keys(grads), gradients: Object.values(grads).map(encode) };
    }),

  /**
   * The gradient of the submission's loss(logLikelihood(x)) with respect to each of the model's own
   * variables, by the contract's names (logits and means/logVariances or centers/logSizes); a variable no
   * gradient reaches comes back as `other`.
   */
  'mixture.gradients': (args) =>
    withMixture(args, (m) => {
      const model = args.model as Model;
      const fields = ['logits', ...SECOND_KEYS[model]];
      const variables = fields.map((field) => {
        const variable = (m as unknown as Record<string, unknown>)[field];
        if (!(variable instanceof tf.Variable)) throw new Failure(`${model}.${field} is not a tf.Variable`);
        return variable;
      });
      const x = points(args.x as number[][]);
      const { value, grads } = call(`${model}.loss gradient`, () =>
        tf.variableGrads(() => m.loss(m.logLikelihood(x)), variables),
      );
      value.dispose();
      return Object.fromEntries(fields.map((field, i) => [field, encode(grads[variables[i].name])]));
    }),

  /** One attention layer, optionally with given weights, applied to each input in turn. */
  'attention.apply': async (args) => {
    const { CausalSelfAttention } = await part('attention');
    const [nEmbd, nHead, blockSize] = [args.nEmbd, args.nHead, args.blockSize] as number[];
    const attention: CausalSelfAttention = call(
      args.label as string,
      () => new CausalSelfAttention(nEmbd, nHead, blockSize, new Rng(args.seed as number)),
    );
    try {
      const weights = args.weights as PlainAttentionWeights | undefined;
      if (weights) {
        const given: AttentionWeights = { cAttn: linear(weights.cAttn), cProj: linear(weights.cProj) };
        call('CausalSelfAttention.setWeights', () => attention.setWeights(given));
      }
      return {
        properties: [attention.nEmbd, attention.nHead, attention.blockSize].map((v) =>
          String(v).slice(0, 40),
        ),
        outputs: (args.inputs as number[][][][]).map((x) =>
          encode(call('CausalSelfAttention.apply', () => attention.apply(tf.tensor3d(x)))),
        ),
      };
    } finally {
      release(attention);
    }
  },

  /**
   * Gradients of Σ apply(x) · projection with respect to x and to each trainable variable, the latter
   * in the order variables() lists them, each with its shape (the judge tells them apart by shape).
   */
  'attention.gradients': async (args) => {
    const { CausalSelfAttention } = await part('attention');
    const [nEmbd, nHead, blockSize] = [args.nEmbd, args.nHead, args.blockSize] as number[];
    const attention: CausalSelfAttention = call(
      'new CausalSelfAttention',
      () => new CausalSelfAttention(nEmbd, nHead, blockSize, new Rng(0)),
    );
    try {
      const weights = args.weights as PlainAttentionWeights;
      const given: AttentionWeights = { cAttn: linear(weights.cAttn), cProj: linear(weights.cProj) };
      call('CausalSelfAttention.setWeights', () => attention.setWeights(given));
      const x = tf.tensor3d(args.x as number[][][]);
      const projection = tf.tensor3d(args.projection as number[][][]);
      const objective = (input: tf.Tensor) =>
        tf.sum(tf.mul(attention.apply(input as tf.Tensor3D), projection));
      const dx = call('gradient of CausalSelfAttention.apply with respect to x', () => tf.grad(objective)(x));
      const variables = call('CausalSelfAttention.variables', () => attention.variables());
      const { value, grads } = call(
        'gradient of CausalSelfAttention.apply with respect to its variables',
        () => tf.variableGrads(() => objective(x) as tf.Scalar, variables),
      );
      value.dispose();
      return {
        x: encode(dx),
        variables: variables
          .filter((variable) => grads[variable.name] !== undefined)
          .map((variable) => encode(grads[variable.name])),
      };
    } finally {
      release(attention);
    }
  },

  /** lib/gpt's GPT around the submission's attention, with given weights: logits of idx. */
  'attention.gpt': async (args) => {
    const { CausalSelfAttention } = await part('attention');
    const config = args.config as GPTConfig;
    const model = call(
      'new GPT(config, CausalSelfAttention, rng)',
      () => new GPT(config, CausalSelfAttention, new Rng(0)),
    );
    try {
      const weights = Object.fromEntries(
        Object.entries(args.weights as Record<string, { shape: number[]; values: number[] }>).map(
          ([name, w]) => [name, tf.tensor(w.values, w.shape)],
        ),
      );
      call('GPT.setWeights (through CausalSelfAttention.setWeights)', () => model.setWeights(weights));
      const idx = args.idx as number[][];
      return encode(
        call('GPT.logits', () => model.logits(tf.tensor2d(idx, [idx.length, idx[0].length], 'int32'))),
      );
    } finally {
      release(model);
    }
  },

  'training.gptLoss': async (args) => {
    const training = await part('training');
    const [logits, targets] = stepInputs(args);
    return encode(call('gptLoss', () => training.gptLoss(logits, targets)));
  },

  /** d gptLoss / d logits, through the submission's own loss. */
  'training.gptLossGradient': async (args) => {
    const training = await part('training');
    const [logits, targets] = stepInputs(args);
    return encode(
      call('gradient of gptLoss with respect to the logits', () =>
        tf.grad((input: tf.Tensor) => training.gptLoss(input as tf.Tensor3D, targets))(logits),
      ),
    );
  },

  'training.lastCharacterAccuracy': async (args) => {
    const training = await part('training');
    const [logits, targets] = stepInputs(args);
    return encode(call('lastCharacterAccuracy', () => training.lastCharacterAccuracy(logits, targets)));
  },

  /** A tiny GPT learns to continue "abcdefg…" cyclically: gptLoss before and after `steps` Adam steps. */
  'training.gptTraining': async (args) => {
    const { CausalSelfAttention } = await part('attention');
    const training = await part('training');
    const config = args.config as GPTConfig;
    const model = call(
      'new GPT(config, CausalSelfAttention, rng)',
      () => new GPT(config, CausalSelfAttention, new Rng(args.modelSeed as number)),
    );
    const optimizer = tf.train.adam(args.learningRate as number);
    try {
      const rng = new Rng(args.windowSeed as number);
      const B = args.batch as number;
      const starts = Array.from({ length: B }, () => rng.int(config.vocabSize));
      const window = (shift: number) =>
        starts.map((start) =>
          Array.from({ length: config.blockSize }, (_, t) => (start + t + shift) % config.vocabSize),
        );
      const idx = tf.tensor2d(window(0), [B, config.blockSize], 'int32');
      const targets = tf.tensor2d(window(1), [B, config.blockSize], 'int32');
      const lossOf = () => call('gptLoss', () => training.gptLoss(model.logits(idx), targets));
      const before = encode(lossOf());
      const variables = model.variables();
      for (let step = 0; step < (args.steps as number); step++)
        call('a training step', () => optimizer.minimize(lossOf, false, variables));
      return { before, after: encode(lossOf()) };
    } finally {
      optimizer.dispose();
      release(model);
    }
  },

  'generation.topKProbabilities': async (args) => {
    const { topKProbabilities } = await generation();
    return encode(
      call('topKProbabilities', () =>
        topKProbabilities(tf.tensor2d(args.logits as number[][]), args.k as number),
      ),
    );
  },

  /** One call on a batch of n copies of the given rows, interleaved: batch row i is rows[i mod R]. */
  'generation.sampleNextTokens': async (args) => {
    const { sampleNextTokens } = await generation();
    const rows = args.rows as number[][];
    const logits = tf.tensor2d(rows).tile([args.n as number, 1]) as tf.Tensor2D;
    const topK = args.topK as number | undefined;
    return encode(
      call('sampleNextTokens', () => sampleNextTokens(logits, new Rng(args.seed as number), topK)),
    );
  },

  /** generate() with a stand-in model (counting, or Markov with `table`): the tokens, every context seen. */
  'generation.generate': async (args) => {
    const { generate } = await generation();
    const config = args.config as GPTConfig;
    const table = args.table as number[][] | undefined;
    const model = table ? new MarkovGPT(config, table) : new CountingGPT(config);
    const tokens = call(args.label as string, () =>
      generate(
        model,
        Int32Array.from(args.prompt as number[]),
        args.length as number,
        new Rng(args.seed as number),
        args.topK as number | undefined,
      ),
    );
    return { tokens: encode(tokens), contexts: model.contexts };
  },
};

function stepInputs(args: Args): [tf.Tensor3D, tf.Tensor2D] {
  const targets = args.targets as number[][];
  return [
    tf.tensor3d(args.logits as number[][][]),
    tf.tensor2d(targets, [targets.length, targets[0].length], 'int32'),
  ];
}
