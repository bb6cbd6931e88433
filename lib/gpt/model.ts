/**
 * The ready-made character-level GPT around a submission's CausalSelfAttention (minGPT's layout):
 * token + position embedding, nLayer pre-LayerNorm blocks, a final LayerNorm and an untied lm_head without
 * bias. No dropout. Weight names and the order of initialisation: lib/gpt/weights.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  AttentionWeights,
  CausalSelfAttention,
  CausalSelfAttentionClass,
  GPT as GPTInterface,
  GPTConfig,
  LinearWeights,
} from '../contract.js';
import type { Rng } from '../random.js';
import { dense, embedding, gelu, initLinear, layerNorm } from './ops.js';
import { blockPrefix, checkGPTConfig, gptWeightShapes, sameShape } from './weights.js';

interface LayerNormWeights {
  weight: tf.Variable<tf.Rank.R1>;
  bias: tf.Variable<tf.Rank.R1>;
}

/** PyTorch's nn.LayerNorm init: weight 1, bias 0. */
function initLayerNorm(C: number): LayerNormWeights {
  return tf.tidy(() => ({
    weight: tf.variable(tf.ones<tf.Rank.R1>([C])),
    bias: tf.variable(tf.zeros<tf.Rank.R1>([C])),
  }));
}

function applyLayerNorm<T extends tf.Tensor>(x: T, ln: LayerNormWeights): T {
  return layerNorm(x, ln.weight, ln.bias);
}

/** nn.Embedding's init: N(0, 1). */
function initEmbedding(rows: number, C: number, rng: Rng): tf.Variable<tf.Rank.R2> {
  return tf.tidy(() => tf.variable(tf.tensor2d(rng.normals(rows * C), [rows, C])));
}

/** Linear C → 4C, tanh-GELU, linear 4C → C. */
class MLP {
  readonly cFc: LinearWeights;
  readonly cProj: LinearWeights;

  constructor(C: number, rng: Rng) {
    this.cFc = initLinear(C, 4 * C, rng);
    this.cProj = initLinear(4 * C, C, rng);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    return dense(gelu(dense(x, this.cFc)), this.cProj);
  }
}

/** x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
class Block {
  readonly ln1: LayerNormWeights;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNormWeights;
  readonly mlp: MLP;

  constructor(config: GPTConfig, Attention: CausalSelfAttentionClass, rng: Rng) {
    this.ln1 = initLayerNorm(config.nEmbd);
    this.attn = new Attention(config.nEmbd, config.nHead, config.blockSize, rng);
    this.ln2 = initLayerNorm(config.nEmbd);
    this.mlp = new MLP(config.nEmbd, rng);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    x = tf.add(x, this.attn.apply(applyLayerNorm(x, this.ln1)));
    return tf.add(x, this.mlp.apply(applyLayerNorm(x, this.ln2)));
  }
}

const ATTENTION_WEIGHT_PATHS: [suffix: string, get: (w: AttentionWeights) => tf.Tensor][] = [
  ['attn.c_attn.kernel', (w) => w.cAttn.kernel],
  ['attn.c_attn.bias', (w) => w.cAttn.bias],
  ['attn.c_proj.kernel', (w) => w.cProj.kernel],
  ['attn.c_proj.bias', (w) => w.cProj.bias],
];

export class GPTError extends Error {
  override name = 'GPTError';
}

export class GPT implements GPTInterface {
  readonly config: GPTConfig;
  private readonly wte: tf.Variable<tf.Rank.R2>;
  private readonly wpe: tf.Variable<tf.Rank.R2>;
  private readonly blocks: Block[];
  private readonly lnF: LayerNormWeights;
  private readonly lmHead: tf.Variable<tf.Rank.R2>;
  /** Every weight that is the GPT's own (not the attention's), by name. */
  private readonly own = new Map<string, tf.Variable>();

  /** Builds the model and draws its initial weights from `rng`, in PyTorch's module order. */
  constructor(config: GPTConfig, Attention: CausalSelfAttentionClass, rng: Rng) {
    this.config = { ...checkGPTConfig(config) };
    const { vocabSize: V, blockSize, nLayer, nEmbd: C } = this.config;
    this.wte = initEmbedding(V, C, rng);
    this.wpe = initEmbedding(blockSize, C, rng);
    this.blocks = Array.from({ length: nLayer }, () => new Block(this.config, Attention, rng));
    this.lnF = initLayerNorm(C);
    this.lmHead = initLinear(C, V, rng, { bias: false }).kernel as tf.Variable<tf.Rank.R2>;
    this.own.set('transformer.wte.weight', this.wte).set('transformer.wpe.weight', this.wpe);
    this.blocks.forEach((block, layer) => {
      const h = blockPrefix(layer);
      this.own
        .set(`${h}.ln_1.weight`, block.ln1.weight)
        .set(`${h}.ln_1.bias`, block.ln1.bias)
        .set(`${h}.ln_2.weight`, block.ln2.weight)
        .set(`${h}.ln_2.bias`, block.ln2.bias)
        .set(`${h}.mlp.c_fc.kernel`, block.mlp.cFc.kernel as tf.Variable)
        .set(`${h}.mlp.c_fc.bias`, block.mlp.cFc.bias as tf.Variable)
        .set(`${h}.mlp.c_proj.kernel`, block.mlp.cProj.kernel as tf.Variable)
        .set(`${h}.mlp.c_proj.bias`, block.mlp.cProj.bias as tf.Variable);
    });
    this.own
      .set('transformer.ln_f.weight', this.lnF.weight)
      .set('transformer.ln_f.bias', this.lnF.bias)
      .set('lm_head.kernel', this.lmHead);
  }

  logits(idx: tf.Tensor2D): tf.Tensor3D {
    const { blockSize, nEmbd: C } = this.config;
    if (idx.rank !== 2 || idx.dtype !== 'int32') {
      throw new GPTError(`GPT.logits: idx must be int32 [B, T], got ${idx.dtype} [${idx.shape}]`);
    }
    const T = idx.shape[1];
    if (T < 1 || T > blockSize) {
      throw new GPTError(`GPT.logits: sequence length T = ${T} must be between 1 and blockSize ${blockSize}`);
    }
    return tf.tidy(() => {
      const tokens = embedding(this.wte, idx) as tf.Tensor3D; // (B, T, C)
      const positions = T === blockSize ? this.wpe : tf.slice(this.wpe, [0, 0], [T, C]); // (T, C)
      let x: tf.Tensor3D = tf.add(tokens, positions);
      for (const block of this.blocks) x = block.apply(x);
      return dense(applyLayerNorm(x, this.lnF), { kernel: this.lmHead }); // (B, T, vocabSize)
    });
  }

  weightNames(): string[] {
    return gptWeightShapes(this.config).map(([name]) => name);
  }

  getWeights(): Record<string, tf.Tensor> {
    const weights: Record<string, tf.Tensor> = {};
    for (const [name, variable] of this.own) weights[name] = variable.clone();
    this.blocks.forEach((block, layer) => {
      const copies = block.attn.getWeights();
      for (const [suffix, get] of ATTENTION_WEIGHT_PATHS)
        weights[`${blockPrefix(layer)}.${suffix}`] = get(copies);
    });
    const ordered: Record<string, tf.Tensor> = {};
    for (const name of this.weightNames()) ordered[name] = weights[name];
    return ordered;
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    const expected = new Map(gptWeightShapes(this.config));
    for (const [name, value] of Object.entries(weights)) {
      const shape = expected.get(name);
      if (!shape) throw new GPTError(`GPT.setWeights: unknown weight '${name}'`);
      if (!sameShape(value.shape, shape)) {
        throw new GPTError(`GPT.setWeights: '${name}' has shape [${value.shape}], expected [${shape}]`);
      }
    }
    for (const [name, variable] of this.own) {
      if (name in weights) tf.tidy(() => variable.assign(tf.cast(weights[name], 'float32')));
    }
    this.blocks.forEach((block, layer) => {
      const given = ATTENTION_WEIGHT_PATHS.map(([suffix]) => weights[`${blockPrefix(layer)}.${suffix}`]);
      if (given.every((value) => value === undefined)) return;
      const current = block.attn.getWeights();
      const pick = (i: number, fallback: tf.Tensor) => given[i] ?? fallback;
      block.attn.setWeights({
        cAttn: {
          kernel: pick(0, current.cAttn.kernel) as tf.Tensor2D,
          bias: pick(1, current.cAttn.bias) as tf.Tensor1D,
        },
        cProj: {
          kernel: pick(2, current.cProj.kernel) as tf.Tensor2D,
          bias: pick(3, current.cProj.bias) as tf.Tensor1D,
        },
      });
      tf.dispose(current as unknown as tf.TensorContainer);
    });
  }

  variables(): tf.Variable[] {
    return [...this.own.values(), ...this.blocks.flatMap((block) => block.attn.variables())];
  }

  dispose(): void {
    for (const variable of this.own.values()) variable.dispose();
    for (const block of this.blocks) block.attn.dispose();
  }
}
