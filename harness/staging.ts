/**
 * A submission's files import `../lib/...`, so they must sit in a folder directly under the project
 * root. Any other folder is copied into a git-ignored `.grading-*` folder there for the run.
 */
import { randomBytes } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, resolveSubmissionDir } from './submission.js';

export const STAGING_PREFIX = '.grading-';

export interface StagedSubmission {
  /** Where the grader loads the submission from. */
  dir: string;
  /** Removes the copy (nothing when the folder was used in place). */
  cleanup(): Promise<void>;
}

export async function stageSubmission(dir: string): Promise<StagedSubmission> {
  const absolute = resolveSubmissionDir(dir);
  if (path.dirname(absolute) === PROJECT_ROOT) return { dir: absolute, cleanup: async () => {} };
  const staged = path.join(PROJECT_ROOT, `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`);
  await cp(absolute, staged, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'node_modules',
  });
  return { dir: staged, cleanup: () => rm(staged, { recursive: true, force: true }) };
}
