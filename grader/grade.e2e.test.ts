// End-to-end: grading runs Jest in a child process, so each test here takes several seconds.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import { FixtureError } from './fixtures.js';
import { DEFAULT_FIXTURES_DIR, gradeSubmission, PUBLIC_HIDDEN_NOTE } from './grade.js';
import { formatReportTable } from './format/table.js';
import { NO_ANSWER } from './candidate/client.js';
import { loadRubric } from './rubric.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ex5-grade-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gradeSubmission', () => {
  test('the reference scores full marks, and says its hidden tests ran on the public fixtures', async () => {
    const report = await gradeSubmission(path.join(PROJECT_ROOT, 'reference'));
    expect(report.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.reason}`)).toEqual([]);
    expect(report.score).toBe(100);
    expect(report.notes).toContain(PUBLIC_HIDDEN_NOTE);
  });

  test('the skeleton scores 0, each test saying what is not implemented', async () => {
    const hidden = path.join(scratch, 'hidden-complete');
    cpSync(DEFAULT_FIXTURES_DIR, hidden, { recursive: true });
    const report = await gradeSubmission(path.join(PROJECT_ROOT, 'skeleton'), { hiddenFixturesDir: hidden });
    expect(report.score).toBe(0);
    expect(report.maxScore).toBe(100);
    for (const test of report.tests) expect(test.reason).toMatch(/not implemented/);
    expect(report.notes).not.toContain(PUBLIC_HIDDEN_NOTE);
    const table = formatReportTable(report);
    expect(table).toContain('0/100');
    expect(table).not.toMatch(/\n\s+at [^\n]*:\d+:\d+/); // no stack traces
  });

  test('a method filled in on its own moves its own tests: the skeleton builds its objects', async () => {
    // GMM.loss from the reference, everything else blank
    const partial = path.join(scratch, 'only-gmm-loss');
    cpSync(path.join(PROJECT_ROOT, 'skeleton'), partial, { recursive: true });
    const reference = readFileSync(path.join(PROJECT_ROOT, 'reference', 'gmm.ts'), 'utf8');
    const loss = /\n {2}loss\(logLikelihood: tf\.Tensor1D\): tf\.Scalar \{\n[\s\S]*?\n {2}\}\n/;
    const skeleton = readFileSync(path.join(partial, 'gmm.ts'), 'utf8');
    writeFileSync(path.join(partial, 'gmm.ts'), skeleton.replace(loss, reference.match(loss)![0]));
    const report = await gradeSubmission(partial);
    expect(report.tests.filter((t) => t.passed).map((t) => t.id)).toEqual(['gmm.loss']);
  });

  test('a call past its test limit (rubric.json callSeconds) fails naming the test and the procedure', async () => {
    const hanging = path.join(scratch, 'endless-sampling');
    cpSync(path.join(PROJECT_ROOT, 'reference'), hanging, { recursive: true });
    const generation = readFileSync(path.join(hanging, 'generation.ts'), 'utf8');
    const start =
      'export function sampleNextTokens(logits: tf.Tensor2D, rng: Rng, topK?: number): Int32Array {';
    expect(generation).toContain(start);
    writeFileSync(
      path.join(hanging, 'generation.ts'),
      generation.replace(start, `${start}\n  for (;;) rng.uniform();`),
    );
    const seconds = loadRubric().find((entry) => entry.id === 'generation.seed')?.callSeconds;
    expect(seconds).toBeDefined();
    const override = process.env.EX5_CALL_TIMEOUT_S; // it would replace every test's own limit
    delete process.env.EX5_CALL_TIMEOUT_S;
    const started = performance.now();
    const report = await gradeSubmission(hanging, { only: ['generation'] }).finally(() => {
      if (override !== undefined) process.env.EX5_CALL_TIMEOUT_S = override;
    });
    const seed = report.tests.find((t) => t.id === 'generation.seed');
    expect(seed?.reason).toBe(
      `${NO_ANSWER} ${seconds} s: [generation.seed] generation.sampleNextTokens (an endless loop?)`,
    );
    expect(report.tests.find((t) => t.id === 'generation.topk')?.passed).toBe(true);
    // the limit is the test's own, not the 60 s default
    expect(performance.now() - started).toBeLessThan((seconds! + 30) * 1000);
  }, 120_000);

  test('a hidden fixture set missing a file stops grading before it starts, naming the file', async () => {
    const hidden = path.join(scratch, 'hidden-without-topk');
    cpSync(DEFAULT_FIXTURES_DIR, hidden, { recursive: true });
    rmSync(path.join(hidden, 'topk.json'));
    const grading = gradeSubmission(path.join(PROJECT_ROOT, 'reference'), { hiddenFixturesDir: hidden });
    await expect(grading).rejects.toThrow(FixtureError);
    await expect(grading).rejects.toThrow(/hidden-without-topk\/topk\.json: cannot be read/);
  });

  test('a public fixtures folder that does not exist is named', async () => {
    const missing = path.join(scratch, 'no-such-folder');
    await expect(
      gradeSubmission(path.join(PROJECT_ROOT, 'reference'), { fixturesDir: missing }),
    ).rejects.toThrow(`${path.join(missing, 'gmm.json')}: cannot be read`);
  });
});
