import * as tf from '@tensorflow/tfjs';
import { currentBackend, useBackend, type BackendName } from '../../harness/backend.js';
import { Rng } from '../random.js';
import { expectNoTensorLeaks } from '../../harness/testing/leaks.js';
import { causalMask, dense, embedding, gelu, layerNorm, matMul, pickColumns } from './ops.js';

const rng = new Rng(7);
const normal = (shape: number[]) => tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
const ids = (shape: number[], n: number) =>
  tf.tensor(
    Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(n)),
    shape,
    'int32',
  );

function expectClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tolerance = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i])));
  if (!(worst <= tolerance)) throw new Error(`${what}: worst relative difference ${worst} > ${tolerance}`);
}

/**
 * Checks an op and its gradients against the plain formula differentiated by autograd: both are reduced
 * with the same random upstream gradient, so every entry of every input gradient is compared.
 */
function expectSameAsFormula(
  what: string,
  op: (...inputs: tf.Tensor[]) => tf.Tensor,
  formula: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  differentiable: number[],
): void {
  tf.tidy(() => {
    const upstream = normal(formula(...inputs).shape);
    expectClose(op(...inputs), formula(...inputs), `${what} value`);
    const gradients = (f: typeof op) =>
      tf.grads((...xs: tf.Tensor[]) => {
        const all = inputs.map((input, i) =>
          differentiable.includes(i) ? xs[differentiable.indexOf(i)] : input,
        );
        return tf.sum(tf.mul(f(...all), upstream));
      })(differentiable.map((i) => inputs[i]));
    const ours = gradients(op);
    const theirs = gradients(formula);
    ours.forEach((gradient, i) =>
      expectClose(gradient, theirs[i], `${what} gradient of input ${differentiable[i]}`),
    );
  });
}

const plainLayerNorm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
};
const plainGelu = (x: tf.Tensor) =>
  tf.mul(
    tf.mul(x, 0.5),
    tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))),
  );
const oneHotRows = (indices: tf.Tensor, n: number) => tf.oneHot(indices.reshape([-1]) as tf.Tensor1D, n);

describe.each<BackendName>(['wasm', 'cpu'])('lib/gpt/ops on the %s backend', (backend) => {
  let previous: BackendName;
  beforeAll(async () => {
    previous = currentBackend();
    await useBackend(backend);
  });
  afterAll(() => useBackend(previous));

  test('dense with and without bias matches x·W + b, values and gradients', () => {
    const [x, kernel, bias] = [normal([2, 3, 4]), normal([4, 5]), normal([5])];
    const plain = (a: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => {
      const y = tf.matMul(a.reshape([-1, 4]) as tf.Tensor2D, w as tf.Tensor2D).reshape([2, 3, 5]);
      return b ? tf.add(y, b) : y;
    };
    const withBias = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      dense(a, { kernel: w as tf.Tensor2D, bias: b as tf.Tensor1D });
    expectSameAsFormula('dense', withBias, plain, [x, kernel, bias], [0, 1, 2]);
    const withoutBias = (a: tf.Tensor, w: tf.Tensor) => dense(a, { kernel: w as tf.Tensor2D });
    expectSameAsFormula('dense without bias', withoutBias, (a, w) => plain(a, w), [x, kernel], [0, 1]);
    tf.dispose([x, kernel, bias]);
  });

  test('dense rejects an input that does not fit the kernel', () => {
    const [x, kernel] = [tf.zeros([2, 3]), tf.zeros([4, 5])];
    expect(() => dense(x, { kernel: kernel as tf.Tensor2D })).toThrow(
      'dense: input (2,3) does not fit kernel (4,5)',
    );
    tf.dispose([x, kernel]);
  });

  test('batched matMul matches tf.matMul, values and gradients', () => {
    const [a, b] = [normal([2, 3, 4, 5]), normal([2, 3, 5, 6])];
    expectSameAsFormula(
      'matMul',
      matMul,
      (p, q) => tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D),
      [a, b],
      [0, 1],
    );
    tf.dispose([a, b]);
  });

  test('layerNorm matches (x − mean)/√(var + 1e-5)·γ + β, values and gradients', () => {
    const [x, gamma, beta] = [normal([2, 3, 6]), normal([6]), normal([6])];
    const op = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g as tf.Tensor1D, b as tf.Tensor1D);
    expectSameAsFormula('layerNorm', op, plainLayerNorm, [x, gamma, beta], [0, 1, 2]);
    tf.dispose([x, gamma, beta]);
  });

  test('gelu matches the tanh formula, values and gradients', () => {
    const x = tf.mul(normal([3, 40]), 3);
    expectSameAsFormula('gelu', gelu, plainGelu, [x], [0]);
    x.dispose();
  });

  test('embedding matches a one-hot product, values and gradients (repeated ids included)', () => {
    const [table, tokens] = [normal([7, 4]), ids([3, 5], 7)];
    const plain = (t: tf.Tensor, i: tf.Tensor) =>
      tf.matMul(oneHotRows(i, 7), t as tf.Tensor2D).reshape([3, 5, 4]);
    expectSameAsFormula('embedding', (t, i) => embedding(t as tf.Tensor2D, i), plain, [table, tokens], [0]);
    tf.dispose([table, tokens]);
  });

  test('pickColumns matches a one-hot selection, values and gradients', () => {
    const [values, columns] = [normal([6, 5]), ids([6], 5)];
    const plain = (v: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(v, oneHotRows(c, 5)), 1);
    expectSameAsFormula(
      'pickColumns',
      (v, c) => pickColumns(v as tf.Tensor2D, c as tf.Tensor1D),
      plain,
      [values, columns],
      [0],
    );
    tf.dispose([values, columns]);
  });

  test('the ops leave no tensors behind', async () => {
    const [x, kernel, bias] = [normal([2, 3, 4]), normal([4, 4]), normal([4])];
    await expectNoTensorLeaks(() => {
      tf.dispose(
        tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            gelu(
              layerNorm(
                dense(a, { kernel: w as tf.Tensor2D, bias: b as tf.Tensor1D }),
                b as tf.Tensor1D,
                b as tf.Tensor1D,
              ),
            ),
          ),
        )([x, kernel, bias]),
      );
    }, 'dense/layerNorm/gelu gradients');
    tf.dispose([x, kernel, bias]);
  });
});

test('causalMask is 0 on and below the diagonal and −∞ above', () => {
  const mask = causalMask(3);
  expect(Array.from(mask.dataSync())).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  mask.dispose();
});
