/**
 * The submission under grading (EX5_SUBMISSION, set by grader/runner). A part that cannot be loaded
 * fails only the tests that ask for it, each with the same one-line reason.
 */
import path from 'node:path';
import type { SubmissionModules, SubmissionPart } from '../../lib/contract.js';
import { loadPart, PROJECT_ROOT } from '../../harness/submission.js';
import { fail, firstLine } from './check.js';

export function submissionDir(): string {
  const dir = process.env.EX5_SUBMISSION;
  if (!dir) throw new Error('EX5_SUBMISSION is not set: run the grader through `npm run grade`');
  return dir;
}

const loaded = new Map<SubmissionPart, Promise<unknown>>();

/** The part's module, loaded once per suite; a failure names the file, not the staging folder. */
export async function submission<P extends SubmissionPart>(part: P): Promise<SubmissionModules[P]> {
  if (!loaded.has(part)) loaded.set(part, loadPart(submissionDir(), part));
  try {
    return (await loaded.get(part)) as SubmissionModules[P];
  } catch (error) {
    // name files as the student knows them, not by the staging folder they were copied to
    const folders = [submissionDir(), path.relative(PROJECT_ROOT, submissionDir())].map(
      (dir) => `${dir}${path.sep}`,
    );
    const line = folders.reduce((text, folder) => text.split(folder).join(''), firstLine(error));
    fail(line.replace(/^SubmissionError: /, '').replace('cannot be loaded: TSError: ', 'cannot be loaded: '));
  }
}
