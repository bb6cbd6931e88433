/**
 * `gradeTest(id, body)`: a Jest test titled `[id] name` from the rubric, so that the scorer can find its
 * points. A hidden test's failures never show its expected values.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { candidate } from '../candidate/client.js';
import { readFixture, type FixtureName, type Fixtures } from '../fixtures.js';
import { DEFAULT_CALL_SECONDS, loadRubric, testTitle } from '../rubric.js';
import { setRunningTest } from './calls.js';
import { setHiddenTest } from './check.js';

const rubric = new Map(loadRubric().map((entry) => [entry.id, entry]));

afterAll(() => candidate().finish());

export function gradeTest(id: string, body: () => void | Promise<void>): void {
  const entry = rubric.get(id);
  if (entry === undefined) throw new Error(`grader test ${id} has no entry in grader/rubric.json`);
  test(testTitle(entry), async () => {
    setHiddenTest(entry.hidden);
    setRunningTest({ id, callSeconds: entry.callSeconds ?? DEFAULT_CALL_SECONDS });
    try {
      await body();
    } finally {
      setHiddenTest(false);
      setRunningTest(undefined);
    }
  });
}

function fixturesDir(): string {
  return process.env.EX5_FIXTURES || path.join(PROJECT_ROOT, 'fixtures');
}

/** A public fixture file (EX5_FIXTURES, default fixtures/). */
export function publicFixture<N extends FixtureName>(name: N): Fixtures[N] {
  return readFixture(fixturesDir(), name);
}

/** A hidden fixture file (EX5_HIDDEN_FIXTURES), or the public one when no hidden set is given. */
export function hiddenFixture<N extends FixtureName>(name: N): Fixtures[N] {
  return readFixture(process.env.EX5_HIDDEN_FIXTURES || fixturesDir(), name);
}
