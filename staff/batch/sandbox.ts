/**
 * A fresh, throw-away project root per submission: the grader, lib and fixtures copied, node_modules
 * linked, the submission's files in `submission/`. The batch's child (the judge) runs from it; the
 * submission's code runs only in the candidate the judge starts (grader/sandbox), which sees none of it
 * under bubblewrap, and in the uid mode only what the candidate's group may read: not the hidden
 * fixtures, not the judge's scratch folder.
 */
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SubmissionFiles } from './submissions.js';

/** The project's entries a grading run needs; the reference solution is deliberately not among them. */
export const SANDBOX_ENTRIES = [
  'lib',
  'harness',
  'grader',
  path.join('staff', 'batch'),
  'fixtures',
  'package.json',
  'tsconfig.json',
  'jest.config.ts',
];
/** Left out of the copied grader: test data and tests, which grading never runs. */
const LEFT_OUT = [path.join('staff', 'hostile')];

export interface Sandbox {
  root: string;
  /** `<root>/submission`, a direct child of the root so that its `../lib/...` imports resolve. */
  submissionDir: string;
  /** `<root>/hidden-fixtures` when hidden fixtures were given, readable only by the judge. */
  hiddenFixturesDir?: string;
  /** The judge's HOME and TMPDIR (Jest's and tsx's caches live there), readable only by it. */
  scratchDir: string;
}

export interface SandboxOptions {
  projectRoot: string;
  hiddenFixturesDir?: string;
  /** The uid mode's candidate uid: its group may read the copy, not the hidden fixtures or the scratch. */
  candidateUid?: number;
}

export async function createSandbox(files: SubmissionFiles, options: SandboxOptions): Promise<Sandbox> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ex5-sandbox-'));
  try {
    for (const entry of SANDBOX_ENTRIES) {
      const from = path.join(options.projectRoot, entry);
      if (!existsSync(from)) continue;
      await cp(from, path.join(root, entry), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !LEFT_OUT.some((left) => source === path.join(options.projectRoot, left)),
      });
    }
    await symlink(path.join(options.projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const submissionDir = path.join(root, 'submission');
    await mkdir(submissionDir);
    for (const [name, bytes] of files) await writeFile(path.join(submissionDir, name), bytes);
    let hiddenFixturesDir: string | undefined;
    if (options.hiddenFixturesDir) {
      hiddenFixturesDir = path.join(root, 'hidden-fixtures');
      await cp(options.hiddenFixturesDir, hiddenFixturesDir, { recursive: true });
      await makePrivate(hiddenFixturesDir);
    }
    const scratchDir = path.join(root, 'scratch');
    await mkdir(scratchDir, { mode: 0o700 });
    if (options.candidateUid !== undefined) {
      // the candidate's group may enter the copy (to read lib/ and its submission), nobody else
      await chown(root, process.getuid?.() ?? 0, options.candidateUid);
      await chmod(root, 0o750);
    }
    return { root, submissionDir, hiddenFixturesDir, scratchDir };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Folders 0700 and files 0600 below `dir`: only the judge reads them. */
export async function makePrivate(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makePrivate(entryPath);
    else if (entry.isFile()) await chmod(entryPath, 0o600);
  }
}

export async function disposeSandbox(sandbox: Sandbox): Promise<void> {
  if (process.env.EX5_KEEP_SANDBOX === '1') return;
  await rm(sandbox.root, { recursive: true, force: true, maxRetries: 3 });
}
