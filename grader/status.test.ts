import {
  formatStatusLines,
  mergeFacts,
  statusInText,
  statusOf,
  STATUSES,
  type GradeFacts,
  type Status,
} from './status.js';

/**
 * Every fact a grading path records, with the status it gives on its own, in the order of precedence
 * the status model promises: the first that applies wins.
 */
const FACTS: { name: string; facts: GradeFacts; status: Status }[] = [
  { name: 'unreadable hand-in', facts: { unreadable: 'corrupt zip' }, status: 'unreadable' },
  {
    name: 'killed at the time limit',
    facts: { killed: { limit: 'time', reason: 'killed after 600 s' } },
    status: 'timeout',
  },
  {
    name: 'Jest stopped at its limit',
    facts: { judgeStopped: 'grading stopped after 300 s' },
    status: 'timeout',
  },
  {
    name: 'a call without an answer',
    facts: { candidateLimits: [{ kind: 'no-answer', reason: 'the submission did not answer within 60 s' }] },
    status: 'timeout',
  },
  {
    name: 'killed at the memory limit',
    facts: { killed: { limit: 'memory', reason: 'killed at 3100 MB' } },
    status: 'out-of-memory',
  },
  {
    name: 'a candidate over its memory',
    facts: { candidateLimits: [{ kind: 'out-of-memory', reason: 'the submission ran out of memory' }] },
    status: 'out-of-memory',
  },
  { name: 'the grader ended without a report', facts: { graderEnded: 'exit code 1' }, status: 'crashed' },
  { name: 'Jest ended early', facts: { judgeEnded: 'killed by SIGSEGV' }, status: 'crashed' },
  ...(['missing-file', 'does-not-compile', 'missing-export'] as const).map((kind) => ({
    name: `a load failure (${kind})`,
    facts: { loadFailures: [{ part: 'gmm' as const, kind, reason: `gmm.ts: ${kind}` }] },
    status: 'compile-error' as const,
  })),
  {
    name: 'a type error',
    facts: { typeErrors: ["gmm.ts:1:1 TS2322: Type 'string'"] },
    status: 'compile-error',
  },
  // facts that cost points but say nothing about the grade itself
  ...(['threw', 'import-rule'] as const).map((kind) => ({
    name: `a load failure (${kind})`,
    facts: { loadFailures: [{ part: 'umm' as const, kind, reason: `umm.ts: ${kind}` }] },
    status: 'graded' as const,
  })),
  { name: 'no type error', facts: { typeErrors: [] }, status: 'graded' },
];

test('nothing happened: graded, with no reason', () => {
  expect(statusOf({})).toEqual({ status: 'graded' });
});

test.each(FACTS)('$name alone gives $status', ({ facts, status }) => {
  expect(statusOf(facts).status).toBe(status);
});

test('the precedence is the order of STATUSES', () => {
  const order = FACTS.map((fact) => STATUSES.indexOf(fact.status));
  expect(order).toEqual([...order].sort((a, b) => a - b));
});

test('every combination of facts gives the status and the reason of its first fact', () => {
  let combinations = 0;
  for (let mask = 1; mask < 2 ** FACTS.length; mask++) {
    const chosen = FACTS.filter((_, i) => mask & (2 ** i));
    // one process is killed for one limit, and a type check has one result: such pairs cannot meet
    const single = chosen
      .flatMap((fact) => Object.keys(fact.facts))
      .filter((key) => key === 'killed' || key === 'typeErrors');
    if (new Set(single).size < single.length) continue;
    const facts = chosen.reduce<GradeFacts>((all, fact) => mergeFacts(all, fact.facts), {});
    expect(statusOf(facts)).toEqual(statusOf(chosen[0].facts));
    combinations++;
  }
  expect(combinations).toBeGreaterThan(10_000);
});

test('type errors: the reason counts them and names their files; each has a line of its own', () => {
  const typeErrors = [
    "gmm.ts:3:7 TS2322: Type 'string' is not assignable to type 'number'.",
    'umm.ts:9:1 TS1005: x',
  ];
  const verdict = statusOf({ typeErrors });
  expect(verdict.reason).toBe(
    "2 type errors in gmm.ts, umm.ts, as npm run typecheck reports; the tests' points still count",
  );
  expect(formatStatusLines({ ...verdict, typeErrors })).toEqual([
    `status: compile-error — ${verdict.reason}`,
    `type error: ${typeErrors[0]}`,
    `type error: ${typeErrors[1]}`,
  ]);
});

test('a load failure that makes compile-error wins over one that does not, whatever their order', () => {
  const facts: GradeFacts = {
    loadFailures: [
      { part: 'gmm', kind: 'threw', reason: 'gmm.ts: threw while loading: no' },
      { part: 'umm', kind: 'missing-export', reason: 'umm.ts: must export function UMM, found undefined' },
    ],
  };
  expect(statusOf(facts)).toEqual({
    status: 'compile-error',
    reason: 'umm.ts: must export function UMM, found undefined',
  });
});

test('what a writer printed gives its status back', () => {
  for (const status of STATUSES) {
    const text = ['submission: x', ...formatStatusLines({ status, reason: 'why' }), 'note: status: graded'];
    expect(statusInText(text.join('\n'))).toBe(status);
  }
  expect(statusInText('no status here')).toBeUndefined();
});
