/**
 * The side-by-side harness: alternation and ratios, the message when PyTorch is missing, and (where
 * PyTorch is installed) that each baseline starts, answers and stops. Timings themselves are not tested.
 */
import { findPyTorch, INSTALL_HINT, PyTorchBaseline } from './pytorch.js';
import { alternate, median, ratios, summary } from './side-by-side.js';

describe('side by side', () => {
  test('alternates ours and theirs, pair by pair, and takes the ratio per pair', async () => {
    const order: string[] = [];
    let ourTime = 10;
    const pairs = await alternate(
      3,
      async () => (order.push('A'), { time: (ourTime += 10) }),
      async () => (order.push('B'), { time: 20 }),
    );
    expect(order.join('')).toBe('ABABAB');
    expect(ratios(pairs).each).toEqual([1, 20 / 30, 0.5]);
    expect(ratios(pairs).median).toBeCloseTo(20 / 30);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  test('without PyTorch: says so, how to install it, and prints no ratio', async () => {
    const found = findPyTorch({ ...process.env, EX5_PYTHON: '/nonexistent/python3' });
    expect(found).toEqual({ missing: expect.stringContaining('/nonexistent/python3: not found') });
    const pairs = await alternate(2, async () => ({ time: 5 }), undefined);
    const text = summary(pairs, 'ms', 1, undefined, 'missing' in found ? found.missing : '').join('\n');
    expect(text).toContain('PyTorch   not measured');
    expect(text).toContain(INSTALL_HINT);
    expect(text).not.toMatch(/ratio +[0-9]/);
  });
});

const found = findPyTorch();
const withTorch = 'python' in found ? describe : describe.skip;
withTorch(
  'python' in found
    ? `the PyTorch baselines (${found.python}, torch ${found.version})`
    : `the PyTorch baselines: skipped, ${found.missing}; to run them: ${INSTALL_HINT}`,
  () => {
    const python = 'python' in found ? found.python : '';

    test('gpt.py answers a run and a profile, on one thread', async () => {
      const baseline = await PyTorchBaseline.start(python, 'gpt.py', ['--steps', '2', '--warmup', '1']);
      try {
        expect(baseline.settings.threads).toBe(1);
        const run = await baseline.run();
        expect(run.msPerStep).toBeGreaterThan(0);
        const profile = await baseline.profile(2);
        expect((profile.rows as { name: string }[]).map((row) => row.name)).toContain('aten::bmm');
      } finally {
        baseline.close();
      }
    });

    test('mixture.py trains the GMM on the Europe data and reports finite log-likelihoods', async () => {
      const baseline = await PyTorchBaseline.start(python, 'mixture.py', ['--ks', '1,5', '--epochs', '1']);
      try {
        const run = await baseline.run();
        expect(run.trainRows).toBe(107_128);
        const perK = run.perK as Record<string, { train: number; test: number }>;
        expect(Object.keys(perK)).toEqual(['1', '5']);
        for (const { train, test } of Object.values(perK)) {
          expect(Number.isFinite(train) && Number.isFinite(test)).toBe(true);
        }
      } finally {
        baseline.close();
      }
    });
  },
);
