/**
 * A handful of the hostile corpus through the real batch and the real grader (the whole corpus takes
 * minutes: `npx tsx staff/hostile/check.ts`). The reference is graded twice (as itself and with one
 * more blank line), so the same batch also shows that grading is deterministic, test by test.
 */
import { checkCorpus, formatCorpusTable, type CorpusCheck } from './check.js';
import { HOSTILE_CASES } from './corpus.js';

// memory and time limits are tested on small children (batch/isolate.test.ts, batch/batch.test.ts)
const CHOSEN = ['whitespace', 'vandal', 'exit-hidden', 'forged-results'];
let check: CorpusCheck;

beforeAll(async () => {
  check = await checkCorpus({
    cases: HOSTILE_CASES.filter((hostile) => CHOSEN.includes(hostile.id)),
    jobs: 2,
    limits: { timeoutMs: 150_000, memoryMb: 2048 },
    typecheck: false, // batch/typecheck.test.ts tests it
  });
}, 400_000);

test('each case ends with its honest status and score', () => {
  expect(check.bases.reference).toMatchObject({ status: 'graded' });
  expect(check.bases.reference!.score).toBeGreaterThan(0);
  const failed = check.verdicts.filter((verdict) => !verdict.ok);
  if (failed.length > 0) throw new Error(`cases failed:\n${formatCorpusTable(check)}`);
  expect(check.verdicts.map((verdict) => verdict.hostile.id).sort()).toEqual([...CHOSEN].sort());
});

test('no submission changed a byte of the project it was graded with', () => {
  expect(check.changed).toEqual([]);
});

test('grading the same code twice gives the same outcome, test by test', () => {
  const again = check.verdicts.find((verdict) => verdict.hostile.id === 'whitespace')!.outcome.report!;
  const outcomes = (tests: typeof again.tests) =>
    tests.map(({ id, points, passed, reason }) => ({ id, points, passed, reason }));
  expect(outcomes(again.tests)).toEqual(outcomes(check.bases.reference!.report!.tests));
});
