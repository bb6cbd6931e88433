/**
 * A fresh, throw-away project root per submission: the grader, lib and fixtures copied, node_modules
 * linked, the submission's files in `submission/`. Whatever the submission writes lands in the copy.
 * When the batch runs as root, the child runs as `nobody`: it can then add files to the sandbox and its
 * scratch folder, but not change the copied files, node_modules or the original tree.
 */
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync, statSync } from 'node:fs';
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

/** The user a child runs as when the batch is root (Linux's conventional unprivileged user). */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

export interface Sandbox {
  root: string;
  /** `<root>/submission`, a direct child of the root so that its `../lib/...` imports resolve. */
  submissionDir: string;
  /** `<root>/hidden-fixtures` when hidden fixtures were given. */
  hiddenFixturesDir?: string;
  /** The child's HOME and TMPDIR (Jest's and tsx's caches live there), its own when it runs as nobody. */
  scratchDir: string;
  /** The user the child runs as, when it is not this process's. */
  user?: { uid: number; gid: number };
}

export interface SandboxOptions {
  projectRoot: string;
  hiddenFixturesDir?: string;
  /** Run the child as `nobody` (default: when this process is root). */
  dropPrivileges?: boolean;
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
      await makeReadable(hiddenFixturesDir); // a TA's mktemp folder is 0700: the child must read its copy
    }
    const scratchDir = path.join(root, 'scratch');
    await mkdir(scratchDir);
    const drop = options.dropPrivileges ?? sandboxUser(options.projectRoot) !== undefined;
    if (drop) {
      // like /tmp: the child may add entries (the grader stages copies here) but, with the sticky bit,
      // not rename or delete the root-owned lib/, grader/, fixtures/ and submission/
      await chmod(root, 0o1777);
      await chown(scratchDir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    }
    return { root, submissionDir, hiddenFixturesDir, scratchDir, user: drop ? UNPRIVILEGED : undefined };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** The user children run as by default: `nobody` when this process is root and nobody can read the project. */
export function sandboxUser(projectRoot: string): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 && othersCanRead(projectRoot) ? UNPRIVILEGED : undefined;
}

/**
 * Whether `nobody` can reach the project's node_modules (every folder above it searchable by others):
 * if not, the child keeps this process's user rather than fail to start.
 */
function othersCanRead(projectRoot: string): boolean {
  let dir = realpathSync(path.join(projectRoot, 'node_modules'));
  for (;;) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** Folders 0755 and files 0644 below `dir`, whatever modes the copy kept. */
async function makeReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadable(entryPath);
    else if (entry.isFile()) await chmod(entryPath, 0o644);
  }
}

export async function disposeSandbox(sandbox: Sandbox): Promise<void> {
  if (process.env.EX5_KEEP_SANDBOX === '1') return;
  await rm(sandbox.root, { recursive: true, force: true, maxRetries: 3 });
}
