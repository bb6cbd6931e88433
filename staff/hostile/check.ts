/**
 * npx tsx staff/hostile/check.ts [--only ID,ID] [--jobs N] [--timeout S] [--memory MB] [--hidden DIR]
 *                                  [--out RESULTS_DIR]
 * Grades the hostile corpus and its two bases in one batch, against a snapshot of the project, and
 * checks that each case ends with its honest status and score and that no project file changed.
 * Prints the corpus table; exit 1 when any case or the hash check fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { runMain } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { runBatch } from '../batch/batch.js';
import type { Limits } from '../batch/isolate.js';
import type { SubmissionOutcome } from '../batch/outcome.js';
import { hashTree, treeDifferences } from '../batch/tree-hash.js';
import { writeBatchResults } from '../batch/writers.js';
import { HOSTILE_CASES, materialiseBases, materialiseCase, type Base, type HostileCase } from './corpus.js';
import { snapshotProject } from './snapshot.js';

export interface CaseVerdict {
  hostile: HostileCase;
  outcome: SubmissionOutcome;
  expectedScore: number;
  ok: boolean;
}

export interface CorpusCheck {
  /** The bases the cases need, graded in the same batch. */
  bases: Partial<Record<Base, SubmissionOutcome>>;
  verdicts: CaseVerdict[];
  /** Project files that changed during the batch (none, or isolation failed). */
  changed: string[];
  seconds: number;
  parentPeakRssMb: number;
}

export interface CorpusOptions {
  cases?: HostileCase[];
  jobs: number;
  limits: Limits;
  hiddenFixturesDir?: string;
  /** Type-check each submission (default true; only the type-error case needs it). */
  typecheck?: boolean;
  /** Where to keep the batch's gradebook, results and feedback (default: a temporary folder). */
  resultsDir?: string;
}

/** The score a case honestly gets: its base's, less the points of the groups it breaks. */
export function expectedScore(hostile: HostileCase, base: SubmissionOutcome): number {
  if (hostile.expect.lose === 'all') return 0;
  const lost = hostile.expect.lose;
  return base.groups
    .filter((group) => lost.includes(group.group))
    .reduce((score, g) => score - g.points, base.score);
}

export async function checkCorpus(options: CorpusOptions): Promise<CorpusCheck> {
  const cases = options.cases ?? HOSTILE_CASES;
  const project = await snapshotProject(PROJECT_ROOT);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ex5-hostile-'));
  try {
    const submissions = path.join(work, 'submissions');
    await materialiseBases(project.root, submissions, [...new Set(cases.map((hostile) => hostile.base))]);
    for (const hostile of cases) await materialiseCase(project.root, hostile, submissions);
    const before = await hashTree(project.root);
    const resultsDir = options.resultsDir ?? path.join(work, 'results');
    const result = await runBatch({
      submissionsDir: submissions,
      resultsDir,
      jobs: options.jobs,
      limits: options.limits,
      resume: false,
      hiddenFixturesDir: options.hiddenFixturesDir,
      projectRoot: project.root,
      typecheck: options.typecheck,
    });
    const changed = treeDifferences(before, await hashTree(project.root));
    await writeBatchResults(resultsDir, result.outcomes);
    const byId = new Map(result.outcomes.map((outcome) => [outcome.id, outcome]));
    const bases: CorpusCheck['bases'] = {};
    for (const hostile of cases) bases[hostile.base] = byId.get(hostile.base);
    const verdicts = cases.map((hostile): CaseVerdict => {
      const outcome = byId.get(hostile.id)!;
      const expected = expectedScore(hostile, bases[hostile.base]!);
      const scoreOk = hostile.expect.exact ? outcome.score === expected : outcome.score <= expected;
      return {
        hostile,
        outcome,
        expectedScore: expected,
        ok: scoreOk && outcome.status === hostile.expect.status,
      };
    });
    return { bases, verdicts, changed, seconds: result.seconds, parentPeakRssMb: result.parentPeakRssMb };
  } finally {
    await rm(work, { recursive: true, force: true });
    await project.dispose();
  }
}

export function formatCorpusTable(check: CorpusCheck): string {
  const table = new Table({
    head: ['case', 'base', 'status (expected)', 'score (expected)', 'seconds', 'ok'],
    style: { head: [], border: [] },
  });
  for (const [base, outcome] of Object.entries(check.bases)) {
    table.push([base, '-', outcome.status, outcome.score, outcome.seconds, '']);
  }
  for (const verdict of check.verdicts) {
    const { hostile, outcome } = verdict;
    const bound = hostile.expect.exact ? '' : '≤ ';
    table.push([
      hostile.id,
      hostile.base,
      `${outcome.status} (${hostile.expect.status})`,
      `${outcome.score} (${bound}${verdict.expectedScore})`,
      outcome.seconds,
      verdict.ok ? 'yes' : `NO: ${outcome.reason ?? ''}`.slice(0, 80),
    ]);
  }
  const files =
    check.changed.length === 0 ? 'every project file unchanged' : `CHANGED: ${check.changed.join(', ')}`;
  return `${table.toString()}\n${files}; ${check.seconds.toFixed(0)} s; batch process peak ${check.parentPeakRssMb} MB`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMain(async () => {
    const { values } = parseArgs({
      options: {
        only: { type: 'string' },
        jobs: { type: 'string', default: '2' },
        timeout: { type: 'string', default: '120' },
        memory: { type: 'string', default: '3072' },
        hidden: { type: 'string' },
        out: { type: 'string' },
      },
    });
    const only = values.only?.split(',');
    const unknown = only?.filter((id) => !HOSTILE_CASES.some((hostile) => hostile.id === id)) ?? [];
    if (unknown.length > 0) throw new Error(`--only: no case ${unknown.join(', ')}`);
    const check = await checkCorpus({
      cases: only ? HOSTILE_CASES.filter((hostile) => only.includes(hostile.id)) : undefined,
      jobs: Number(values.jobs),
      limits: { timeoutMs: Number(values.timeout) * 1000, memoryMb: Number(values.memory) },
      hiddenFixturesDir: values.hidden,
      resultsDir: values.out,
    });
    process.stdout.write(`${formatCorpusTable(check)}\n`);
    // the cases are judged against the reference, so it must itself score full marks in the batch
    const reference = check.bases.reference?.report;
    const referenceFull = reference === undefined || reference.score === reference.maxScore;
    if (!referenceFull) process.stdout.write(`the reference scored ${reference?.score}, not full marks\n`);
    return referenceFull && check.changed.length === 0 && check.verdicts.every((verdict) => verdict.ok)
      ? 0
      : 1;
  });
}
