/**
 * Checks a results.json against results.schema.json, our transcription of Gradescope's specification
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/), before it is written.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const SCHEMA = JSON.parse(readFileSync(new URL('./results.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

export class GradescopeResultsError extends Error {
  override name = 'GradescopeResultsError';
}

/** One line per problem, e.g. `/tests/3/status must be equal to one of the allowed values`; [] when valid. */
export function gradescopeResultsProblems(results: unknown): string[] {
  if (validate(results)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
  );
}

export function assertGradescopeResults(results: unknown): void {
  const problems = gradescopeResultsProblems(results);
  if (problems.length > 0) {
    throw new GradescopeResultsError(
      `results.json breaks Gradescope's specification: ${problems.join('; ')}`,
    );
  }
}
