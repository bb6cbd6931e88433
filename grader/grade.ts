/**
 * The grader's programmatic entry point: stage the submission, run the suites in a child process,
 * score the raw results against the rubric. Writers in format/ turn the report into a table or JSON.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/submission.js';
import { checkFixtureSet } from './fixtures.js';
import { withoutForfeitedFiles } from './integrity/enforce.js';
import { checkImports, importCheckNotes } from './integrity/imports.js';
import type { GradeReport } from './results.js';
import { loadRubric } from './rubric.js';
import { runGraderSuites } from './runner/run.js';
import { scoreRun } from './scorer.js';
import { stageSubmission, type StagedSubmission } from '../harness/staging.js';

export interface GradeOptions {
  /** The public fixtures (default: fixtures/). */
  fixturesDir?: string;
  /** A TA's hidden fixtures, read by the rubric's hidden tests (default: the public ones). */
  hiddenFixturesDir?: string;
  /** Wall-clock limit for the whole run; unfinished tests score 0 (default 300 s). */
  timeoutMs?: number;
}

export const DEFAULT_FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
export const DEFAULT_TIMEOUT_MS = 300_000;
export const PUBLIC_HIDDEN_NOTE =
  'Hidden tests: ran on the public fixtures, as no hidden set was given; the course grades them on fixtures you have not seen.';

export async function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<GradeReport> {
  const rubric = loadRubric();
  const fixturesDir = path.resolve(options.fixturesDir ?? DEFAULT_FIXTURES_DIR);
  const hiddenFixturesDir = options.hiddenFixturesDir && path.resolve(options.hiddenFixturesDir);
  checkFixtureSet(fixturesDir);
  if (hiddenFixturesDir) checkFixtureSet(hiddenFixturesDir);
  const staged = await stageSubmission(dir);
  let checked: StagedSubmission | undefined;
  try {
    // The import rule is checked on the staged copy; offending files are stubbed out before anything runs.
    const violations = checkImports(staged.dir);
    checked = await withoutForfeitedFiles(staged.dir, violations);
    const run = await runGraderSuites({
      submissionDir: checked.dir,
      fixturesDir,
      hiddenFixturesDir,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const notes = importCheckNotes(violations);
    if (!hiddenFixturesDir) notes.push(PUBLIC_HIDDEN_NOTE);
    return scoreRun(dir, rubric, run, notes);
  } finally {
    await checked?.cleanup();
    await staged.cleanup();
  }
}
