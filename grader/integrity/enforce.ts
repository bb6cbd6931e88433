/**
 * Applies the allowed-imports rule before grading: a file that breaks it is never loaded. The grader
 * gets a copy of the submission in which that file is replaced by a module that throws on import, so
 * every test needing the part fails with one line naming the file, and the code itself never runs.
 */
import { randomBytes } from 'node:crypto';
import { chown, cp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { IMPORT_RULE_ERROR, PROJECT_ROOT } from '../../harness/submission.js';
import { STAGING_PREFIX, type StagedSubmission } from '../../harness/staging.js';
import { forfeitedParts, type ImportViolation } from './imports.js';

/** The module that stands in for a file that breaks the rule; the loader knows its error by name. */
export function stubSource(file: string, violations: ImportViolation[]): string {
  const first = violations.find((v) => v.file === file)!;
  const message = `not graded: ${file} breaks the allowed-imports rule (line ${first.line}: ${first.code})`;
  return [
    `const forfeited = new Error(${JSON.stringify(message)});`,
    `forfeited.name = ${JSON.stringify(IMPORT_RULE_ERROR)};`,
    'throw forfeited;',
    '',
  ].join('\n');
}

/**
 * `dir` as it is when there is no violation; otherwise a copy beside it (under the project root, so that
 * `../lib/` still resolves) with each offending file stubbed. `cleanup` removes the copy.
 */
export async function withoutForfeitedFiles(
  dir: string,
  violations: ImportViolation[],
): Promise<StagedSubmission> {
  if (violations.length === 0) return { dir, cleanup: async () => {} };
  const copy = path.join(PROJECT_ROOT, `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`);
  await cp(dir, copy, { recursive: true, filter: (source) => path.basename(source) !== 'node_modules' });
  for (const part of forfeitedParts(violations)) {
    const file = SUBMISSION_FILES[part];
    await writeFile(path.join(copy, file), stubSource(file, violations));
  }
  // as root (the batch's uid mode) the copy keeps the folder's group: only its candidate may read it
  if (process.getuid?.() === 0) {
    const { uid, gid } = await stat(dir);
    for (const entry of ['', ...(await readdir(copy))]) await chown(path.join(copy, entry), uid, gid);
  }
  return { dir: copy, cleanup: () => rm(copy, { recursive: true, force: true }) };
}
