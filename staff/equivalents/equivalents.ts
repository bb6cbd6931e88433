/**
 * Equivalents: correct submissions written differently from the reference (other loops, other draw
 * orders, other idioms), each a folder here holding some of the five submission files and ABOUT.md,
 * whose first line says what is different. The rest comes from reference/. They must score full marks on
 * every backend (`npm run grade:mutants`): a test that fails one of them fails a correct student.
 * Their files import `../lib/…` as a submission does, so tsconfig.json leaves them out and the grader's
 * submission checker (grader/typecheck/) checks them as it checks a hand-in.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { SubmissionTypeChecker } from '../../grader/typecheck/checker.js';
import { readSubmissionTexts } from '../../grader/typecheck/process.js';
import { REFERENCE_DIR } from '../mutants/mutants.js';

export const EQUIVALENTS_DIR = path.join(PROJECT_ROOT, 'staff', 'equivalents');

export interface Equivalent {
  name: string;
  /** ABOUT.md's first line. */
  about: string;
  /** The submission files it replaces. */
  files: string[];
}

export class EquivalentError extends Error {
  override name = 'EquivalentError';
}

const SUBMISSION_NAMES = Object.values(SUBMISSION_FILES) as string[];

/** Every folder of `dir`, checked: ABOUT.md with a first line, at least one submission file, nothing else. */
export function loadEquivalents(dir = EQUIVALENTS_DIR): Equivalent[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const entries = readdirSync(path.join(dir, name));
      const about = entries.includes('ABOUT.md')
        ? readFileSync(path.join(dir, name, 'ABOUT.md'), 'utf8')
            .split('\n')[0]
            .trim()
        : '';
      if (about === '')
        throw new EquivalentError(
          `equivalent "${name}": ABOUT.md must say on its first line what is different`,
        );
      const others = entries.filter((entry) => entry !== 'ABOUT.md' && !SUBMISSION_NAMES.includes(entry));
      if (others.length > 0)
        throw new EquivalentError(
          `equivalent "${name}": ${others.join(', ')} is not a submission file or ABOUT.md`,
        );
      const files = entries.filter((entry) => SUBMISSION_NAMES.includes(entry));
      if (files.length === 0) throw new EquivalentError(`equivalent "${name}": holds no submission file`);
      return { name, about, files };
    });
}

/**
 * The equivalent as a submission folder: reference/ with its files in place, in a git-ignored
 * `.grading-equivalent-*` folder at the project root, where `../lib/` resolves as in a real submission.
 * The caller removes it (`rm(dir, { recursive: true })`).
 */
export async function assembleEquivalent(
  equivalent: Equivalent,
  dir = EQUIVALENTS_DIR,
  referenceDir = REFERENCE_DIR,
): Promise<string> {
  const target = await mkdtemp(path.join(PROJECT_ROOT, '.grading-equivalent-'));
  try {
    for (const file of SUBMISSION_NAMES) {
      const source = equivalent.files.includes(file) ? path.join(dir, equivalent.name) : referenceDir;
      await cp(path.join(source, file), path.join(target, file));
    }
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error;
  }
  return target;
}

let checker: SubmissionTypeChecker | undefined;

/** Type errors of the assembled equivalent's own files, checked as every grading path checks a submission. */
export function equivalentTypeErrors(equivalent: Equivalent, assembled: string): string[] {
  checker ??= new SubmissionTypeChecker(PROJECT_ROOT);
  const errors = checker.check(readSubmissionTexts(assembled));
  // only its own files: the reference's are checked by npm run typecheck
  return errors.filter((error) => equivalent.files.includes(error.split(':')[0]));
}
