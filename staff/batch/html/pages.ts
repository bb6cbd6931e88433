/**
 * The batch's HTML: feedback/<id>.html for each student and index.html for the TA, written from the
 * same outcomes as the gradebook every time the batch ends (so --resume and --regrade rewrite the
 * index with every row, earlier ones included).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SubmissionOutcome } from '../outcome.js';
import type { SkippedEntry } from '../submissions.js';
import { feedbackPage } from './feedback.js';
import { indexPage } from './overview.js';

export const INDEX_PAGE = 'index.html';

/** Writes the pages into `resultsDir` (its feedback/ folder must exist) and returns index.html's path. */
export async function writeHtmlPages(
  resultsDir: string,
  outcomes: readonly SubmissionOutcome[],
  skipped: readonly SkippedEntry[] = [],
): Promise<string> {
  for (const outcome of outcomes) {
    // beside feedback/<id>.txt; IDs are letters, digits, '.', '_' and '-' (submissions.ts), so safe names
    await writeFile(path.join(resultsDir, 'feedback', `${outcome.id}.html`), feedbackPage(outcome));
  }
  const index = path.join(resultsDir, INDEX_PAGE);
  await writeFile(index, indexPage(outcomes, skipped));
  return index;
}
