/**
 * `gradeTest(id, body)`: a Jest test titled `[id] name` from the rubric, so that the scorer can find its
 * points. Tensors the body leaves behind are freed after it, whatever the submission leaks.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { readFixture, type FixtureName, type Fixtures } from '../fixtures.js';
import { loadRubric, testTitle } from '../rubric.js';

const rubric = new Map(loadRubric().map((entry) => [entry.id, entry]));

export function gradeTest(id: string, body: () => void | Promise<void>): void {
  const entry = rubric.get(id);
  if (entry === undefined) throw new Error(`grader test ${id} has no entry in grader/rubric.json`);
  test(testTitle(entry), async () => {
    tf.engine().startScope();
    try {
      await body();
    } finally {
      tf.engine().endScope();
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
