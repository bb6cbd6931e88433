/**
 * The one scorer: Jest's raw results + the rubric → a GradeReport. It never runs submission code.
 * A rubric test passes only if Jest reports it passed; one that did not run fails with the reason why.
 */
import path from 'node:path';
import { idOfTitle, type RubricEntry } from './rubric.js';
import { GROUPS, type GradeReport, type TestOutcome } from './results.js';
import type { RawRun, RawSuite, RawTest } from './runner/run.js';
import { statusOf, type GradeFacts } from './status.js';

export class ScoringError extends Error {
  override name = 'ScoringError';
}

const MAX_REASON = 300;

/** The first meaningful line of a Jest failure message, without colours, `Error:` or a stack. */
export function oneLineReason(message: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const line = plain
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '' && !text.startsWith('at '));
  const reason = (line ?? 'failed without a message').replace(
    /^(Error|GradeFailure|CandidateFailure|thrown): /,
    '',
  );
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}

/** The suite file that holds a test: the id's prefix (`gmm.loglik` → gmm.grade.ts). */
export function suiteOf(id: string): string {
  return `${id.split('.')[0]}.grade.ts`;
}

export function scoreRun(
  submission: string,
  rubric: RubricEntry[],
  run: RawRun,
  notes: string[] = [],
  facts: GradeFacts = {},
): GradeReport {
  const byId = new Map<string, RawTest>();
  const suites = new Map<string, RawSuite>();
  for (const suite of run.suites) {
    suites.set(path.basename(suite.file), suite);
    for (const test of suite.tests) {
      const id = idOfTitle(test.title);
      if (id === undefined || !rubric.some((entry) => entry.id === id)) {
        throw new ScoringError(`grader test "${test.title}" has no entry in the rubric`);
      }
      if (byId.has(id)) throw new ScoringError(`two results for test ${id}: the results were tampered with`);
      byId.set(id, test);
    }
  }
  const tests = rubric.map((entry): TestOutcome => {
    const test = byId.get(entry.id);
    const passed = test?.status === 'passed';
    const outcome: TestOutcome = {
      id: entry.id,
      group: entry.group,
      name: entry.name,
      points: passed ? entry.points : 0,
      maxPoints: entry.points,
      passed,
      hidden: entry.hidden,
    };
    if (!passed) outcome.reason = reasonForFailure(entry, test, suites.get(suiteOf(entry.id)), run);
    return outcome;
  });
  const groups = GROUPS.map((group) => {
    const members = tests.filter((test) => test.group === group);
    return {
      group,
      points: sum(members.map((test) => test.points)),
      maxPoints: sum(members.map((test) => test.maxPoints)),
    };
  }).filter((group) => group.maxPoints > 0);
  const stopped =
    run.timedOutAfterMs === undefined
      ? undefined
      : `grading stopped after ${run.timedOutAfterMs / 1000} s; tests that had not finished score 0`;
  // the runner's own facts: it stopped Jest at its limit, or Jest ended before its suites did
  const allFacts: GradeFacts = {
    ...facts,
    ...(stopped !== undefined && { judgeStopped: stopped }),
    ...(run.endedEarly !== undefined && { judgeEnded: run.endedEarly }),
  };
  return {
    submission,
    score: sum(tests.map((test) => test.points)),
    maxScore: sum(tests.map((test) => test.maxPoints)),
    groups,
    tests,
    notes: stopped === undefined ? notes : [stopped, ...notes],
    ...statusOf(allFacts),
    facts: allFacts,
  };
}

function reasonForFailure(
  entry: RubricEntry,
  test: RawTest | undefined,
  suite: RawSuite | undefined,
  run: RawRun,
): string {
  if (test !== undefined) {
    if (test.status === 'failed') return oneLineReason(test.failureMessages[0] ?? '');
    return `test was ${test.status}, not run`;
  }
  if (suite?.error) return `${suiteOf(entry.id)} could not run: ${oneLineReason(suite.error)}`;
  if (run.timedOutAfterMs !== undefined) {
    return `did not finish within ${run.timedOutAfterMs / 1000} s (an endless loop?)`;
  }
  return 'test did not run';
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
