/**
 * Runs one of the project's commands the way a user does: `tsx <file>` in a plain Node process.
 * Kept out of lib/, which submissions may import: it would hand them a way to start processes.
 */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../harness/submission.js';

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `script` is relative to the project root (e.g. `grader/pack.ts`); Jest's VM would slow it down. */
export function runScript(script: string, args: string[]): ScriptRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
