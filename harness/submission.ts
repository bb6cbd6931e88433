/**
 * Loads a submission's files (the reference, the skeleton or a student's copy) through the contract.
 * Each part is its own file, so a broken file costs only the parts that need it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUBMISSION_FILES, type SubmissionModules, type SubmissionPart } from '../lib/contract.js';

/** What each file must export, and of what kind. */
const REQUIRED_EXPORTS: Record<SubmissionPart, Record<string, 'function'>> = {
  gmm: { GMM: 'function' },
  umm: { UMM: 'function' },
  attention: { CausalSelfAttention: 'function' },
  training: { gptLoss: 'function', lastCharacterAccuracy: 'function' },
  generation: { topKProbabilities: 'function', sampleNextTokens: 'function', generate: 'function' },
};

export class SubmissionError extends Error {
  override name = 'SubmissionError';
}

/** The repository's root; kept here too for the many places that import it from the loader. */
export { PROJECT_ROOT } from './paths.js';

export function resolveSubmissionDir(dir: string): string {
  const absolute = path.resolve(dir);
  if (!existsSync(absolute)) throw new SubmissionError(`submission folder ${dir} does not exist`);
  return absolute;
}

/** Imports one part of a submission and checks its exports; errors name the file and the export. */
export async function loadPart<P extends SubmissionPart>(
  dir: string,
  part: P,
): Promise<SubmissionModules[P]> {
  const file = path.join(resolveSubmissionDir(dir), SUBMISSION_FILES[part]);
  if (!existsSync(file)) throw new SubmissionError(`${file}: file is missing`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    // duck-typed: errors thrown inside Jest's sandbox come from another realm and fail instanceof
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(error);
    const doesNotCompile =
      name === 'SyntaxError' || name === 'TSError' || /error TS\d+|SyntaxError|Transform failed/.test(text);
    const what = doesNotCompile ? 'cannot be loaded' : 'threw while loading';
    throw new SubmissionError(`${file}: ${what}: ${text.split('\n')[0]}`);
  }
  for (const [name, kind] of Object.entries(REQUIRED_EXPORTS[part])) {
    if (typeof module[name] !== kind) {
      throw new SubmissionError(`${file}: must export ${kind} ${name}, found ${typeof module[name]}`);
    }
  }
  return module as unknown as SubmissionModules[P];
}
