/**
 * Runs one of the project's commands the way a user does: `tsx <file>` in a plain Node process.
 * Kept out of lib/, which submissions may import: it would hand them a way to start processes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `script` is relative to the project root (e.g. `grader/pack.ts`); Jest's VM would slow it down.
 * `typedIn` is the folder the user typed the command in (npm runs scripts from the root and says where
 * they were typed in INIT_CWD); `env` adds to or, with undefined, removes from the environment.
 */
export function runScript(
  script: string,
  args: string[],
  { typedIn, env }: { typedIn?: string; env?: Record<string, string | undefined> } = {},
): ScriptRun {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...(typedIn && { INIT_CWD: typedIn }), ...env };
  for (const [name, value] of Object.entries(environment)) if (value === undefined) delete environment[name];
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
