/**
 * A handful of the hostile corpus through the real grader (the whole corpus in every path takes many
 * minutes: `npm run grade:hostile`). The batch path grades the reference twice (as itself and with one
 * more blank line), so the same run also shows that the same code gets the same score. Then the
 * daemon case in every other path: whatever a submission starts is gone when its grade ends.
 */
import { chooseSandbox } from '../../grader/sandbox/sandbox.js';
import { checkCorpus, formatCorpusTable, type CorpusCheck, type HostilePath } from './check.js';
import { HOSTILE_CASES } from './corpus.js';

// the corpus kills what it can reach: without a sandbox (macOS, no bubblewrap) it must not run at all
const withSandbox = chooseSandbox() === 'none' ? describe.skip : describe;

withSandbox('the hostile corpus', () => {
  const CHOSEN = ['whitespace', 'vandal', 'exit-hidden', 'forged-results', 'daemon', 'realm-patch'];
  const limits = { timeoutMs: 150_000, memoryMb: 2048 };
  let check: CorpusCheck;

  beforeAll(async () => {
    process.env.EX5_CALL_TIMEOUT_S = '20';
    check = await checkCorpus({
      path: 'batch',
      cases: HOSTILE_CASES.filter((hostile) => CHOSEN.includes(hostile.id)),
      jobs: 2,
      limits,
      typecheck: false, // grader/typecheck/ and grader/status.e2e.test.ts test it
    });
  }, 600_000);

  test('each case ends with its honest status and no more than its honest score', () => {
    expect(check.bases.reference).toMatchObject({ status: 'graded', score: 100 });
    const failed = check.verdicts.filter((verdict) => !verdict.ok);
    if (failed.length > 0) throw new Error(`cases failed:\n${formatCorpusTable(check)}`);
    expect(check.verdicts.map((verdict) => verdict.hostile.id).sort()).toEqual([...CHOSEN].sort());
  });

  test('no submission changed a byte of the project it was graded with', () => {
    expect(check.changed).toEqual([]);
  });

  test('grading the same code twice gives the same score', () => {
    const again = check.verdicts.find((verdict) => verdict.hostile.id === 'whitespace')!;
    expect(again.outcome.score).toBe(check.bases.reference!.score);
  });

  // the uid fallback needs root to switch users
  const otherPaths: HostilePath[] =
    process.getuid?.() === 0 ? ['grade', 'uid', 'autograder'] : ['grade', 'autograder'];

  test.each(otherPaths)(
    'a process a submission starts is gone when its grade ends (%s)',
    async (grading) => {
      const daemon = await checkCorpus({
        path: grading,
        cases: HOSTILE_CASES.filter((hostile) => hostile.id === 'daemon'),
        jobs: 2,
        limits,
        typecheck: false,
      });
      expect(daemon.survivors).toEqual([]);
      expect(daemon.verdicts[0]).toMatchObject({ ok: true });
    },
    600_000,
  );

  test('the batch path left no process a submission started', () => {
    expect(check.survivors).toEqual([]);
  });
});
