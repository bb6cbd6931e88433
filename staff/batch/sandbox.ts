/**
 * The batch's throw-away project root: the grader, lib and fixtures copied once per batch, node_modules
 * linked, and each submission's files in a folder of its own directly under it (so that its `../lib/…`
 * imports resolve), removed after its grade. The batch's children (the judge) run from it; the
 * submission's code runs only in the candidate the judge starts (grader/sandbox), which under
 * bubblewrap sees none of it but lib/ and its own folder. In the uid mode the copy's root is only
 * traversable by others (no listing), its shared parts hold nothing private (the grader and public
 * fixtures, as handed out), each submission's folder is open only to its own candidate's group, and
 * the hidden fixtures and the judge's scratch folder only to the judge.
 */
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
/** Each submission's folder: `<root>/submission-<random>`. */
export const SUBMISSION_PREFIX = 'submission-';

export interface Sandbox {
  root: string;
  /** `<root>/hidden-fixtures` when hidden fixtures were given, readable only by the judge. */
  hiddenFixturesDir?: string;
  /**
   * The judges' HOME and TMPDIR, readable only by them: Jest's and tsx's caches live there, so that
   * every grade after the first finds the grader's files compiled.
   */
  scratchDir: string;
}

export interface SandboxOptions {
  projectRoot: string;
  hiddenFixturesDir?: string;
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
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
    let hiddenFixturesDir: string | undefined;
    if (options.hiddenFixturesDir) {
      hiddenFixturesDir = path.join(root, 'hidden-fixtures');
      await cp(options.hiddenFixturesDir, hiddenFixturesDir, { recursive: true });
      await makePrivate(hiddenFixturesDir);
    }
    const scratchDir = path.join(root, 'scratch');
    await mkdir(scratchDir, { mode: 0o700 });
    // others may pass through to lib/ and to their own folder, not list who else is graded here
    await chmod(root, 0o711);
    return { root, hiddenFixturesDir, scratchDir };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

export interface SubmissionFolder {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * One submission's files in a fresh folder of the sandbox; in the uid mode readable by its candidate's
 * group alone, so that no other candidate of the batch can read them.
 */
export async function addSubmission(
  sandbox: Sandbox,
  files: SubmissionFiles,
  candidateUid?: number,
): Promise<SubmissionFolder> {
  const dir = path.join(sandbox.root, `${SUBMISSION_PREFIX}${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  const dispose = async () => {
    if (process.env.EX5_KEEP_SANDBOX !== '1') await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    for (const [name, bytes] of files) await writeFile(path.join(dir, name), bytes, { mode: 0o640 });
    if (candidateUid !== undefined) {
      await chown(dir, process.getuid?.() ?? 0, candidateUid);
      for (const name of files.keys())
        await chown(path.join(dir, name), process.getuid?.() ?? 0, candidateUid);
    }
    await chmod(dir, 0o750);
    return { dir, dispose };
  } catch (error) {
    await dispose();
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
