import { tokenize } from './tokens.js';

const texts = (source: string) => tokenize(source).map((token) => token.text);

const ORIGINAL = `import * as tf from '@tensorflow/tfjs';
/** The loss. */
export function loss(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  // one tidy for all intermediates
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(targets, 65)), -1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
`;

describe('normalised tokens', () => {
  test('renaming, comments, types, semicolons, numbers and strings change nothing', () => {
    const disguised = `import * as tensorflow from "@tensorflow/tfjs"
export function myLoss(a, b) {
  return tensorflow.tidy(() => {
    const lp = tensorflow.logSoftmax(a)
    /* pick the right column */ const x = tensorflow.sum(tensorflow.mul(lp, tensorflow.oneHot(b, 80)), -2)
    return tensorflow.neg(tensorflow.mean(x))
  })
}`;
    expect(texts(disguised)).toEqual(texts(ORIGINAL));
  });

  test('declared names become $, used API names stay, imports are dropped', () => {
    expect(texts(ORIGINAL).slice(0, 12)).toEqual([
      'export',
      'function',
      '$',
      '(',
      '$',
      ',',
      '$',
      ')',
      '{',
      'return',
      '$',
      '.',
    ]);
    expect(texts(ORIGINAL)).toContain('logSoftmax');
    expect(texts(ORIGINAL)).not.toContain('import');
  });

  test('shorthand keys, trailing commas and renaming a local named like an API member change nothing', () => {
    const original = `function f(length, values) {
  const { logits, means } = p;
  return g({ logits, means, }, length, x.length, values.values);
}`;
    const renamed = `function f(n, v) {
  const { logits: l, means: m } = p;
  return g({ logits: l, means: m }, n, x.length, v.values);
}`;
    expect(texts(renamed)).toEqual(texts(original));
    expect(texts(original)).toContain('length'); // `x.length` names the API
  });

  test('a different computation gives different tokens', () => {
    const other = ORIGINAL.replace('tf.neg(tf.mean(picked))', 'tf.mean(tf.neg(picked))');
    expect(texts(other)).not.toEqual(texts(ORIGINAL));
  });

  test('type-only syntax is dropped wherever it appears; runtime syntax is kept', () => {
    const typed = `function f<T extends object>(x?: T, y: number = 3): Array<T> {
  const m: Map<string, number[]> = new Map<string, number[]>();
  return g<number>(x as unknown, y satisfies number) as T[];
}
interface Unused { a: number }
type Alias = string;`;
    const plain = `function f(x, y = 3) {
  const m = new Map();
  return g(x, y);
}`;
    expect(texts(typed)).toEqual(texts(plain));
    expect(texts('const a = b ? c : d;')).toEqual(['const', '$', '=', 'b', '?', 'c', ':', 'd']);
  });

  test('template literals and lines are tracked', () => {
    const tokens = tokenize('const a = 1;\nconst s = `x${a}y${a + 1}z`;');
    expect(tokens.map((t) => t.text)).toEqual([
      'const',
      '$',
      '=',
      '0',
      'const',
      '$',
      '=',
      "'s'",
      '$',
      "'s'",
      '$',
      '+',
      '0',
      "'s'",
    ]);
    expect(tokens.map((t) => t.line)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  test('code that does not parse still gives tokens (the parser recovers)', () => {
    expect(texts('const x = ;; function (').length).toBeGreaterThan(0);
  });
});
