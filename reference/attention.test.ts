import * as tf from '@tensorflow/tfjs';
import { Rng } from '../lib/random.js';
import { expectNoTensorLeaks } from '../harness/testing/leaks.js';
import { CausalSelfAttention } from './attention.js';
import { attentionGradientOracle, attentionOracle } from './oracles/gpt.js';

/** Relative error in the max norm: max |a − e| / max |e|. */
function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  }
  return worst;
}

function oracleOf(attention: CausalSelfAttention, x: tf.Tensor3D): number[] {
  const weights = attention.getWeights();
  const numbers = {
    cAttn: { kernel: weights.cAttn.kernel.dataSync(), bias: weights.cAttn.bias.dataSync() },
    cProj: { kernel: weights.cProj.kernel.dataSync(), bias: weights.cProj.bias.dataSync() },
  };
  tf.dispose(weights as unknown as tf.TensorContainer);
  return attentionOracle(x.arraySync(), numbers, attention.nHead).flat(2);
}

describe('reference CausalSelfAttention', () => {
  const blockSize = 10;
  test.each([
    [1, 2, 1],
    [1, 2, 4],
    [1, 3, 10],
    [3, 2, 1],
    [3, 2, 7],
    [3, 4, 10],
  ])('with %i head(s), B = %i, T = %i, matches the float64 oracle to 1e-5', async (nHead, B, T) => {
    const rng = new Rng(nHead * 100 + T);
    const attention = new CausalSelfAttention(48, nHead, blockSize, rng);
    const x = tf.tensor3d(rng.normals(B * T * 48), [B, T, 48]);
    const y = await expectNoTensorLeaks(() => {
      const out = attention.apply(x);
      const values = out.dataSync().slice();
      out.dispose();
      return values;
    }, 'apply');
    expect(worstRelative(y, oracleOf(attention, x))).toBeLessThan(1e-5);
    x.dispose();
    attention.dispose();
  });

  test.each([
    [3, 1, 4],
    [2, 2, 6],
  ])(
    'with %i heads, B = %i, T = %i, has the gradients of the float64 oracle (finite differences)',
    (nHead, B, T) => {
      const rng = new Rng(40 + T);
      const attention = new CausalSelfAttention(12, nHead, 6, rng);
      const x = tf.tensor3d(rng.normals(B * T * 12), [B, T, 12]);
      const projection = tf.tensor3d(rng.normals(B * T * 12), [B, T, 12]);
      const objective = (input: tf.Tensor) =>
        tf.sum(tf.mul(attention.apply(input as tf.Tensor3D), projection));
      const dx = tf.tidy(() => tf.grad(objective)(x).dataSync());
      const { value, grads } = tf.variableGrads(() => objective(x) as tf.Scalar, attention.variables());
      const weights = attention.getWeights();
      const numbers = {
        cAttn: { kernel: weights.cAttn.kernel.dataSync(), bias: weights.cAttn.bias.dataSync() },
        cProj: { kernel: weights.cProj.kernel.dataSync(), bias: weights.cProj.bias.dataSync() },
      };
      const exact = attentionGradientOracle(x.arraySync(), numbers, nHead, projection.arraySync());
      expect(worstRelative(dx, exact.x.flat(2))).toBeLessThan(1e-5);
      const [cAttnKernel, cAttnBias, cProjKernel, cProjBias] = attention
        .variables()
        .map((variable) => grads[variable.name].dataSync());
      expect(worstRelative(cAttnKernel, exact.cAttn.kernel)).toBeLessThan(1e-5);
      expect(worstRelative(cAttnBias, exact.cAttn.bias)).toBeLessThan(1e-5);
      expect(worstRelative(cProjKernel, exact.cProj.kernel)).toBeLessThan(1e-5);
      expect(worstRelative(cProjBias, exact.cProj.bias)).toBeLessThan(1e-5);
      // the key and query columns get a gradient too (the mask and softmax are on the tape)
      expect(Math.max(...Array.from(exact.cAttn.kernel, Math.abs))).toBeGreaterThan(1e-3);
      tf.dispose([x, projection, value, ...Object.values(grads), weights as unknown as tf.TensorContainer]);
      attention.dispose();
    },
  );

  test('the float64 gradient oracle agrees with the analytic gradient of a linear case', () => {
    // T = 1: attention is x · Wv + bv then the projection, so d(Σ y · P)/d bProj = Σ_b P[b][0]
    const C = 4;
    const rng = new Rng(9);
    const kernel = (rows: number, columns: number) =>
      Array.from({ length: rows }, () => Array.from(rng.normals(columns)));
    const weights = {
      cAttn: { kernel: kernel(C, 3 * C), bias: Array.from(rng.normals(3 * C)) },
      cProj: { kernel: kernel(C, C), bias: Array.from(rng.normals(C)) },
    };
    const x = [[Array.from(rng.normals(C))], [Array.from(rng.normals(C))]];
    const projection = [[Array.from(rng.normals(C))], [Array.from(rng.normals(C))]];
    const exact = attentionGradientOracle(x, weights, 2, projection);
    exact.cProj.bias.forEach((value, c) =>
      expect(value).toBeCloseTo(projection[0][0][c] + projection[1][0][c], 8),
    );
    // with one position, q and k do not matter: their columns get no gradient
    for (let i = 0; i < C; i++)
      for (let o = 0; o < 2 * C; o++) expect(Math.abs(exact.cAttn.kernel[i * 3 * C + o])).toBeLessThan(1e-8);
  });

  test('is causal: changing a later position leaves earlier outputs unchanged', () => {
    const rng = new Rng(3);
    const attention = new CausalSelfAttention(12, 3, 6, rng);
    const a = rng.normals(6 * 12);
    const b = a.slice();
    for (let i = 4 * 12; i < b.length; i++) b[i] += 1; // positions 4 and 5 differ
    const [ya, yb] = [a, b].map((values) =>
      tf.tidy(() => attention.apply(tf.tensor3d(values, [1, 6, 12])).dataSync()),
    );
    expect(Array.from(yb.slice(0, 4 * 12))).toEqual(Array.from(ya.slice(0, 4 * 12)));
    expect(Array.from(yb.slice(4 * 12))).not.toEqual(Array.from(ya.slice(4 * 12)));
    attention.dispose();
  });

  test('initialises as PyTorch: uniform within ±1/√nEmbd, reproducible from the seed', () => {
    const [one, same, other] = [1, 1, 2].map((seed) => new CausalSelfAttention(48, 3, 10, new Rng(seed)));
    const values = (attention: CausalSelfAttention) =>
      attention.variables().map((v) => Array.from(v.dataSync()));
    const all = values(one).flat();
    expect(all.length).toBe(48 * 144 + 144 + 48 * 48 + 48);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(48));
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(48));
    expect(values(same)).toEqual(values(one));
    expect(values(other)).not.toEqual(values(one));
    [one, same, other].forEach((attention) => attention.dispose());
  });

  test('setWeights then getWeights gives the values back; a wrong shape is an error naming it', () => {
    const source = new CausalSelfAttention(6, 2, 4, new Rng(1));
    const target = new CausalSelfAttention(6, 2, 4, new Rng(2));
    const weights = source.getWeights();
    target.setWeights(weights);
    const copy = target.getWeights();
    expect(Array.from(copy.cProj.kernel.dataSync())).toEqual(Array.from(weights.cProj.kernel.dataSync()));
    const wrong = {
      ...weights,
      cProj: { kernel: tf.zeros([6, 5]) as tf.Tensor2D, bias: weights.cProj.bias },
    };
    expect(() => target.setWeights(wrong)).toThrow('cProj.kernel: expected shape [6,6], got [6,5]');
    tf.dispose([weights, copy, wrong.cProj.kernel] as unknown as tf.TensorContainer);
    source.dispose();
    target.dispose();
  });

  test('rejects inputs of the wrong shape with a clear message', () => {
    const attention = new CausalSelfAttention(6, 2, 4, new Rng(1));
    const tooLong = tf.zeros([1, 5, 6]) as tf.Tensor3D;
    expect(() => attention.apply(tooLong)).toThrow('x must be [B, T ≤ 4, 6], got [1,5,6]');
    expect(() => new CausalSelfAttention(6, 4, 4, new Rng(1))).toThrow('nEmbd 6 is not divisible by nHead 4');
    tooLong.dispose();
    attention.dispose();
  });
});
