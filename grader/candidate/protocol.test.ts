import { parseReply, ProtocolError, readReturned } from './protocol.js';

const base64 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

describe('replies from the candidate', () => {
  test('a tensor comes back with its shape, dtype and exact float32 values, non-finite ones included', () => {
    const received = readReturned({
      kind: 'tensor',
      shape: [2, 2],
      dtype: 'float32',
      base64: base64([1.5, -Infinity, Number.NaN, 3]),
    });
    expect(received).toMatchObject({ kind: 'tensor', shape: [2, 2], dtype: 'float32' });
    expect(Array.from((received as { values: Float32Array }).values)).toEqual([1.5, -Infinity, NaN, 3]);
  });

  test('values that do not fill the shape, a bad shape or an unknown kind are refused', () => {
    expect(() =>
      readReturned({ kind: 'tensor', shape: [3], dtype: 'float32', base64: base64([1, 2]) }),
    ).toThrow(ProtocolError);
    expect(() => readReturned({ kind: 'tensor', shape: [-1], dtype: 'float32', base64: '' })).toThrow(
      ProtocolError,
    );
    expect(() => readReturned({ kind: 'verdict', passed: true })).toThrow(ProtocolError);
  });

  test('a line that is not a reply is ignored, whatever it claims', () => {
    expect(parseReply('not json')).toBeUndefined();
    expect(
      parseReply(JSON.stringify({ file: 'gmm.grade.ts', title: '[gmm.loglik] x', status: 'passed' })),
    ).toBe(undefined);
    expect(parseReply(JSON.stringify({ id: 4, ok: false, error: 'GMM.loss threw: no' }))).toEqual({
      id: 4,
      ok: false,
      error: 'GMM.loss threw: no',
    });
  });
});
