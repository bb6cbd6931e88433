import { Progress, formatDuration } from './progress.js';

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean, columns = 200) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns,
    write: (text: string) => writes.push(text) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('Progress', () => {
  test('draws label, bar, counter, fields, elapsed time and ETA on one line', () => {
    let now = 0;
    const { stream, writes } = fakeStream(true);
    const progress = new Progress({ total: 10, label: 'GPT', stream, now: () => now });
    now = 4000;
    progress.update(4, { loss: 1.23456, 'tokens/s': 5210 });
    expect(writes).toEqual([
      '\rGPT [########............] step 4/10  loss 1.235  tokens/s 5210  4.0s eta 6.0s\u001b[K',
    ]);
  });

  test('redraws at most once per interval, but always at the end, and finishes with a summary', () => {
    let now = 0;
    const { stream, writes } = fakeStream(true);
    const progress = new Progress({
      total: 3,
      label: 'GMM K=5',
      unit: 'epoch',
      stream,
      now: () => now,
      intervalMs: 100,
    });
    progress.update(1);
    now = 50;
    progress.update(2); // too soon
    now = 60;
    progress.update(3); // the end
    progress.finish('test −2.81');
    expect(writes.length).toBe(4);
    expect(writes[1]).toContain('epoch 3/3');
    expect(writes[2]).toBe('\rGMM K=5: test −2.81 (0.1s)\u001b[K');
    expect(writes[3]).toBe('\n');
  });

  test('is silent when the stream is not a terminal, or when quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ]) {
      const { stream, writes } = fakeStream(isTTY);
      const progress = new Progress({ total: 2, label: 'x', stream, quiet });
      progress.update(2, { loss: 1 });
      progress.finish('done');
      expect(progress.enabled).toBe(false);
      expect(writes).toEqual([]);
    }
  });

  test('cuts lines to the terminal width', () => {
    const { stream, writes } = fakeStream(true, 20);
    new Progress({ total: 1, label: 'a long label that goes on', stream }).update(1);
    expect(writes[0]).toBe('\ra long label that g\u001b[K');
  });

  test('rejects a total that is not positive', () => {
    expect(() => new Progress({ total: 0, label: 'x' })).toThrow('Progress: total must be positive, got 0');
  });
});

test('formatDuration', () => {
  expect([0.04, 59.94, 61, 3725].map(formatDuration)).toEqual(['0.0s', '59.9s', '1m01s', '1h02m']);
});
