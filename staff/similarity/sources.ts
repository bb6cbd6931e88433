/** Submissions as text for the similarity report, read with the batch grader's safe reader. */
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { findSubmissions, readSubmission, type SubmissionSource } from '../batch/submissions.js';
import type { SubmissionSources } from './similarity.js';

const PARTS = Object.entries(SUBMISSION_FILES) as [SubmissionPart, string][];

export async function readSources(source: SubmissionSource): Promise<SubmissionSources> {
  const bytes = await readSubmission(source);
  const files: SubmissionSources['files'] = {};
  for (const [part, file] of PARTS) {
    const content = bytes.get(file);
    if (content !== undefined) files[part] = content.toString('utf8');
  }
  return { label: source.id, source: source.path, files };
}

/** Every readable submission in `dir`; the unreadable ones are returned with why, not thrown. */
export async function readAllSources(
  dir: string,
): Promise<{ submissions: SubmissionSources[]; unreadable: string[] }> {
  const submissions: SubmissionSources[] = [];
  const unreadable: string[] = [];
  for (const source of (await findSubmissions(dir)).sources) {
    try {
      submissions.push(await readSources(source));
    } catch (error) {
      unreadable.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { submissions, unreadable };
}
