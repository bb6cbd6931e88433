import * as tf from '@tensorflow/tfjs';
import { CausalSelfAttention } from '../../reference/attention.js';
import { gptLogitsOracle } from '../../reference/oracles/gpt.js';
import { EXERCISE_GPT_CONFIG, type GPTConfig } from '../contract.js';
import { Rng } from '../random.js';
import { expectNoTensorLeaks } from '../../harness/testing/leaks.js';
import { Adam } from '../../harness/training/adam.js';
import { GPT } from './model.js';
import { gptWeightShapes } from './weights.js';

const config: GPTConfig = { ...EXERCISE_GPT_CONFIG, vocabSize: 65 };

function numbersOf(weights: Record<string, tf.Tensor>): Record<string, Float32Array> {
  return Object.fromEntries(
    Object.entries(weights).map(([name, value]) => [name, value.dataSync() as Float32Array]),
  );
}

/** Gives every LayerNorm non-trivial values, so the oracle comparison tests γ and β too. */
function perturbLayerNorms(model: GPT, rng: Rng): void {
  const weights = model.getWeights();
  const changed: Record<string, tf.Tensor> = {};
  for (const [name, value] of Object.entries(weights)) {
    if (name.includes('ln_')) changed[name] = tf.tensor(rng.normals(value.size), value.shape);
  }
  model.setWeights(changed);
  tf.dispose([weights, changed] as unknown as tf.TensorContainer);
}

describe('GPT (lib/gpt) around the reference attention', () => {
  test.each([
    [3, 2, 1],
    [3, 3, 6],
    [3, 2, 10],
    [1, 2, 10],
  ])('with %i head(s), B = %i, T = %i, logits match the float64 oracle to 1e-5', async (nHead, B, T) => {
    const rng = new Rng(nHead * 10 + T);
    const small = { ...config, nHead, nLayer: 2 };
    const model = new GPT(small, CausalSelfAttention, rng);
    perturbLayerNorms(model, rng);
    const ids = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(small.vocabSize)));
    const idx = tf.tensor2d(ids, [B, T], 'int32');
    const logits = await expectNoTensorLeaks(() => {
      const out = model.logits(idx);
      const values = out.dataSync().slice();
      out.dispose();
      return values;
    }, 'logits');
    const weights = model.getWeights();
    const expected = gptLogitsOracle(small, numbersOf(weights), ids).flat(2);
    tf.dispose(weights as unknown as tf.TensorContainer);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...expected.map((e, i) => Math.abs(logits[i] - e) / scale));
    expect(worst).toBeLessThan(1e-5);
    idx.dispose();
    model.dispose();
  });

  test('has the weights of lib/gpt/weights.ts, PyTorch-initialised, reproducible from the seed', () => {
    const model = new GPT(config, CausalSelfAttention, new Rng(1));
    expect(model.weightNames()).toEqual(gptWeightShapes(config).map(([name]) => name));
    const weights = model.getWeights();
    for (const [name, shape] of gptWeightShapes(config))
      expect([name, weights[name].shape]).toEqual([name, shape]);
    const values = numbersOf(weights);
    expect(Array.from(values['transformer.h.0.ln_1.weight'])).toEqual(new Array(48).fill(1));
    expect(Array.from(values['transformer.ln_f.bias'])).toEqual(new Array(48).fill(0));
    const maxAbs = (name: string) => Math.max(...Array.from(values[name], Math.abs));
    expect(maxAbs('transformer.h.2.mlp.c_proj.kernel')).toBeLessThanOrEqual(1 / Math.sqrt(192));
    expect(maxAbs('lm_head.kernel')).toBeLessThanOrEqual(1 / Math.sqrt(48));
    const wte = Array.from(values['transformer.wte.weight']);
    const mean = wte.reduce((a, b) => a + b, 0) / wte.length;
    const std = Math.sqrt(wte.reduce((a, b) => a + (b - mean) ** 2, 0) / wte.length);
    expect(Math.abs(mean)).toBeLessThan(0.05); // N(0, 1) embeddings: 3120 draws
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    const again = new GPT(config, CausalSelfAttention, new Rng(1));
    const againWeights = again.getWeights();
    expect(numbersOf(againWeights)).toEqual(values);
    expect(model.variables().reduce((n, v) => n + v.size, 0)).toBe(
      gptWeightShapes(config).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0),
    );
    tf.dispose([weights, againWeights] as unknown as tf.TensorContainer);
    model.dispose();
    again.dispose();
  });

  test('setWeights copies weights between models; unknown names and wrong shapes are errors', () => {
    const [a, b] = [1, 2].map((seed) => new GPT(config, CausalSelfAttention, new Rng(seed)));
    const weights = a.getWeights();
    b.setWeights(weights);
    const copied = b.getWeights();
    expect(numbersOf(copied)).toEqual(numbersOf(weights));
    const bad = tf.zeros([3]);
    expect(() => b.setWeights({ 'transformer.h.9.attn.c_attn.kernel': bad })).toThrow(
      "GPT.setWeights: unknown weight 'transformer.h.9.attn.c_attn.kernel'",
    );
    expect(() => b.setWeights({ 'transformer.ln_f.bias': bad })).toThrow(
      "GPT.setWeights: 'transformer.ln_f.bias' has shape [3], expected [48]",
    );
    tf.dispose([weights, copied, bad] as unknown as tf.TensorContainer);
    a.dispose();
    b.dispose();
  });

  test('logits rejects idx of the wrong type or length', () => {
    const model = new GPT(config, CausalSelfAttention, new Rng(1));
    const floats = tf.zeros([1, 3]) as tf.Tensor2D;
    const tooLong = tf.zeros([1, 11], 'int32') as tf.Tensor2D;
    expect(() => model.logits(floats)).toThrow('idx must be int32 [B, T], got float32 [1,3]');
    expect(() => model.logits(tooLong)).toThrow('T = 11 must be between 1 and blockSize 10');
    tf.dispose([floats, tooLong]);
    model.dispose();
  });
});

describe('Adam', () => {
  test('matches tf.train.adam (ε = 1e-8) over a few steps, and leaks nothing', async () => {
    const rng = new Rng(5);
    const start = [rng.normals(6), rng.normals(4)];
    const target = tf.tensor1d(rng.normals(10));
    const run = (step: (vars: tf.Variable[], grads: Record<string, tf.Tensor>) => void) => {
      const vars = tf.tidy(() => [
        tf.variable(tf.tensor2d(start[0], [2, 3])),
        tf.variable(tf.tensor1d(start[1])),
      ]);
      for (let i = 0; i < 5; i++) {
        const { grads, value } = tf.variableGrads(() => {
          const flat = tf.concat([vars[0].reshape([-1]), vars[1]]);
          return tf.sum(tf.square(tf.sub(tf.mul(flat, flat), target))) as tf.Scalar;
        }, vars);
        step(vars, grads);
        tf.dispose([grads, value] as unknown as tf.TensorContainer);
      }
      const out = vars.map((v) => Array.from(v.dataSync()));
      tf.dispose(vars);
      return out;
    };
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    const expected = run((_, grads) =>
      reference.applyGradients(grads as unknown as Record<string, tf.Variable>),
    );
    reference.dispose();
    let ours: Adam | undefined;
    const actual = await expectNoTensorLeaks(
      () =>
        run((vars, grads) => {
          ours ??= new Adam(vars, { learningRate: 0.01 });
          ours.applyGradients(grads);
        }),
      'Adam steps',
    );
    actual.flat().forEach((value, i) => expect(value).toBeCloseTo(expected.flat()[i], 5));
    expect(actual.flat()).not.toEqual([...start[0], ...start[1]]);
    target.dispose();
  });

  test('first step moves each weight by lr against the sign of its gradient', () => {
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const adam = new Adam([v], { learningRate: 0.1 });
    const gradient = tf.tensor1d([0.5, -2, 1e-3]);
    adam.applyGradients({ [v.name]: gradient });
    const moved = Array.from(v.dataSync());
    [0.9, 2.1, 2.9].forEach((expected, i) => expect(moved[i]).toBeCloseTo(expected, 5));
    tf.dispose([v, gradient]);
  });
});
