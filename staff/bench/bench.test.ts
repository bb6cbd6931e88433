/**
 * The side-by-side harness: alternation and ratios, the message when PyTorch is missing, and (where
 * PyTorch is installed) that each baseline starts, answers and stops; the batch bench's split and its
 * submissions. Timings themselves are not tested.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SubmissionOutcome } from '../batch/outcome.js';
import { formatBatchBench, medianSplit, splitOf, writeMixedSubmissions } from './batch.js';
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

describe('batch', () => {
  /** A graded record with the timings the batch and the grade write. */
  const graded = (seconds: number, typecheckS: number, judgeS: number, cpuS = 5): SubmissionOutcome => ({
    id: `s${seconds}`,
    source: `s${seconds}`,
    status: 'graded',
    score: 100,
    maxScore: 100,
    groups: [],
    seconds,
    peakRssMb: 700,
    timing: { prepareS: 0.5, workerStartS: 0, typecheckS, gradeS: judgeS + 3, cpuS },
    report: {
      submission: 'x',
      score: 100,
      maxScore: 100,
      groups: [],
      tests: [],
      notes: [],
      status: 'graded',
      facts: {},
      timing: { totalS: judgeS + 3, judgeS, candidateStartS: 1, callsS: 2, starts: 1, calls: 111 },
    },
  });

  test("start-up is what judge and candidate leave of a submission's wall time; the type check runs alongside", () => {
    expect(splitOf(graded(9.5, 2, 3))).toEqual({
      wallS: 10,
      startupS: 4,
      typecheckS: 2,
      judgeS: 3,
      candidateS: 3,
      cpuS: 5,
    });
  });

  test('each phase is its median over the submissions with timings; rows without timings do not count', () => {
    const unreadable: SubmissionOutcome = { ...graded(0, 0, 0), status: 'unreadable', score: 0 };
    delete unreadable.timing;
    delete unreadable.report;
    const outcomes = [graded(9.5, 2, 3, 4), graded(7.5, 1, 2, 6), graded(20.5, 9, 4, 8), unreadable];
    expect(medianSplit(outcomes)).toEqual({
      count: 3,
      split: { wallS: 10, startupS: 4, typecheckS: 2, judgeS: 3, candidateS: 3, cpuS: 6 },
    });
    expect(medianSplit([unreadable])).toBeUndefined();
    const text = formatBatchBench(outcomes, 60, { before: '1.00 1.00 1.00', after: '2.00 1.00 1.00' });
    expect(text).toContain('4 submissions in 60.0 s wall: 4.0 per minute');
    expect(text).toContain('statuses: graded 3, unreadable 1');
    expect(text).toContain('points: 300 in all');
    expect(text).toMatch(/type check +2\.00 s/);
  });

  test('the mix is 20 submissions, each a folder the batch reads', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ex5-bench-mix-'));
    try {
      const names = await writeMixedSubmissions(dir);
      expect(names).toHaveLength(20);
      expect((await readdir(dir)).sort()).toEqual([...names].sort());
      expect(await readdir(path.join(dir, 'partial-missing'))).not.toContain('generation.ts');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
