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

/**
 * Why a part cannot be loaded: its file is missing; it is not valid code (a syntax or transform error);
 * it lacks an export; it threw while its module ran; or the grader stubbed it out for breaking the
 * allowed-imports rule (grader/integrity/enforce.ts).
 */
export type LoadFailureKind =
  'missing-file' | 'does-not-compile' | 'missing-export' | 'threw' | 'import-rule';
export const LOAD_FAILURE_KINDS: readonly LoadFailureKind[] = [
  'missing-file',
  'does-not-compile',
  'missing-export',
  'threw',
  'import-rule',
];

/** The name of the error the stub of a forfeited file throws (grader/integrity/enforce.ts). */
export const IMPORT_RULE_ERROR = 'ImportRuleBroken';

/** Errors a module's evaluation throws when it is not valid code: V8's, tsx's (esbuild), ts-node's. */
const NOT_VALID_CODE = new Set(['SyntaxError', 'TransformError', 'TSError']);

export class SubmissionError extends Error {
  override name = 'SubmissionError';
  /** Set when a part cannot be loaded; the grader's status reads it, never the message. */
  constructor(
    message: string,
    readonly loadFailure?: LoadFailureKind,
  ) {
    super(message);
  }
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
  if (!existsSync(file)) throw new SubmissionError(`${file}: file is missing`, 'missing-file');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    // duck-typed: errors thrown inside Jest's sandbox come from another realm and fail instanceof
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(error);
    const kind: LoadFailureKind =
      typeof name === 'string' && NOT_VALID_CODE.has(name)
        ? 'does-not-compile'
        : name === IMPORT_RULE_ERROR
          ? 'import-rule'
          : 'threw';
    const what = kind === 'does-not-compile' ? 'cannot be loaded' : 'threw while loading';
    throw new SubmissionError(`${file}: ${what}: ${text.split('\n')[0]}`, kind);
  }
  for (const [name, kind] of Object.entries(REQUIRED_EXPORTS[part])) {
    if (typeof module[name] !== kind) {
      throw new SubmissionError(
        `${file}: must export ${kind} ${name}, found ${typeof module[name]}`,
        'missing-export',
      );
    }
  }
  return module as unknown as SubmissionModules[P];
}
