/**
 * Gradescope's side of grading: read ROOT/submission, grade it with the batch's isolation (sandbox,
 * limits, status) and write ROOT/results/results.json per Gradescope's specification, hidden tests
 * marked after_published. Hidden fixtures travel in the package as hidden-fixtures/.
 */
import { chmod, readdir, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { DEFAULT_LIMITS, gradeFiles, rubricTotal } from '../batch/batch.js';
import type { SubmissionOutcome } from '../batch/outcome.js';
import { makePrivate } from '../batch/sandbox.js';
import { readSubmission, type SubmissionFiles } from '../batch/submissions.js';
import { UnreadableSubmissionError } from '../batch/unzip.js';
import { toGradescopeResults } from '../../grader/format/gradescope.js';
import { requireSandbox } from '../../grader/sandbox/sandbox.js';
import { formatStatusLines, statusOf } from '../../grader/status.js';
import { assertGradescopeResults } from './validate.js';

export const HIDDEN_FIXTURES_ENTRY = 'hidden-fixtures';

/** Gradescope keeps uploads as they were: the files themselves, a folder of them, or one zip. */
async function readUpload(dir: string): Promise<SubmissionFiles> {
  try {
    return await readSubmission({ id: 'submission', path: dir, kind: 'folder' });
  } catch (error) {
    const zips = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.zip'));
    if (!(error instanceof UnreadableSubmissionError) || zips.length !== 1) throw error;
    return readSubmission({ id: 'submission', path: path.join(dir, zips[0]), kind: 'zip' });
  }
}

/**
 * results.json for an outcome: the grader's tests when it ran, else score 0; the status first, as
 * `npm run grade` and the batch's feedback show it.
 */
export function gradescopeResultsFor(outcome: Omit<SubmissionOutcome, 'id' | 'source'>): object {
  const unsandboxed = outcome.sandbox === 'none' ? ['graded without a sandbox (--no-sandbox)'] : [];
  const execution_time = Math.round(outcome.seconds);
  if (!outcome.report) {
    const output = [...formatStatusLines(outcome), ...unsandboxed].join('\n');
    return { score: 0, execution_time, output, visibility: 'visible', tests: [] };
  }
  // the report carries the outcome's status (the batch adds its type check's facts to it)
  const results = toGradescopeResults(outcome.report);
  return { ...results, execution_time, output: [results.output, ...unsandboxed].join('\n') };
}

export async function runAutograder(
  root: string,
  options: { allowNoSandbox?: boolean } = {},
): Promise<object> {
  // before anything else: without a sandbox, and without the TA's say-so, nobody is graded
  const sandbox = requireSandbox(options.allowNoSandbox ?? false);
  const hidden = path.join(PROJECT_ROOT, HIDDEN_FIXTURES_ENTRY);
  // the package unzips world-readable: the hidden set and the results are the judge's alone
  if (existsSync(hidden)) await makePrivate(hidden);
  await mkdir(path.join(root, 'results'), { recursive: true });
  await chmod(path.join(root, 'results'), 0o700);
  const limits = {
    timeoutMs: Number(process.env.EX5_TIMEOUT_S ?? DEFAULT_LIMITS.timeoutMs / 1000) * 1000,
    memoryMb: Number(process.env.EX5_MEMORY_MB ?? DEFAULT_LIMITS.memoryMb),
  };
  let outcome: Omit<SubmissionOutcome, 'id' | 'source'>;
  try {
    const files = await readUpload(path.join(root, 'submission'));
    outcome = await gradeFiles(files, {
      limits,
      hiddenFixturesDir: existsSync(hidden) ? hidden : undefined,
      sandbox,
    });
  } catch (error) {
    if (!(error instanceof UnreadableSubmissionError)) throw error;
    outcome = {
      ...statusOf({ unreadable: error.message }),
      score: 0,
      maxScore: rubricTotal(),
      groups: [],
      seconds: 0,
      peakRssMb: 0,
      sandbox,
    };
  }
  const results = gradescopeResultsFor(outcome);
  assertGradescopeResults(results);
  await writeFile(path.join(root, 'results', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
