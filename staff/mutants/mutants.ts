/**
 * Mutants: known-wrong submissions, each the reference with one typical mistake, kept as data
 * (mutants.json) and written out as a submission folder on demand.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { GROUPS, type Group } from '../../grader/results.js';

export interface Mutant {
  name: string;
  group: Group;
  file: string;
  edits: { find: string; replace: string }[];
}

export class MutantError extends Error {
  override name = 'MutantError';
}

export const MUTANTS_FILE = new URL('./mutants.json', import.meta.url);
/** Mistakes written apart from the suites, by someone who had not read them: their kill rate is honest. */
export const INDEPENDENT_MUTANTS_FILE = new URL('./independent.json', import.meta.url);
export const REFERENCE_DIR = path.join(PROJECT_ROOT, 'reference');

/** The mutants of one file, or of both files when none is given. */
export function loadMutants(file?: URL | string): Mutant[] {
  const sources = file === undefined ? [MUTANTS_FILE, INDEPENDENT_MUTANTS_FILE] : [file];
  const mutants = sources.flatMap(
    (name) => (JSON.parse(readFileSync(name, 'utf8')) as { mutants: Mutant[] }).mutants,
  );
  const files = Object.values(SUBMISSION_FILES) as string[];
  for (const mutant of mutants) {
    if (!GROUPS.includes(mutant.group))
      throw new MutantError(`mutant "${mutant.name}": unknown group ${mutant.group}`);
    if (!files.includes(mutant.file))
      throw new MutantError(`mutant "${mutant.name}": ${mutant.file} is not a submission file`);
    if (!(mutant.edits?.length > 0)) throw new MutantError(`mutant "${mutant.name}": no edits`);
  }
  return mutants;
}

/** The mutated text of the mutant's file; every `find` must occur exactly once in the reference. */
export function mutate(mutant: Mutant, source: string): string {
  return mutant.edits.reduce((text, { find, replace }) => {
    const count = text.split(find).length - 1;
    if (count !== 1)
      throw new MutantError(
        `mutant "${mutant.name}": "${find}" occurs ${count} times in reference/${mutant.file}, expected once (did the reference change?)`,
      );
    return text.replace(find, () => replace);
  }, source);
}

/** A fresh temporary folder holding reference/ with the mutant applied. */
export async function writeMutant(mutant: Mutant, referenceDir = REFERENCE_DIR): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ex5-mutant-'));
  for (const file of Object.values(SUBMISSION_FILES))
    await cp(path.join(referenceDir, file), path.join(dir, file));
  const target = path.join(dir, mutant.file);
  await writeFile(target, mutate(mutant, await readFile(target, 'utf8')));
  return dir;
}
