/**
 * A throw-away copy of the project to run hostile submissions against, never the live checkout: if
 * isolation failed, the damage would land here (and the before/after hashes would show it). Its
 * node_modules is a folder of links to the real packages, so that writing into node_modules itself
 * is seen in the copy, not in the real one.
 */
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ENTRIES } from '../batch/tree-hash.js';

export async function snapshotProject(
  projectRoot: string,
): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ex5-project-'));
  await chmod(root, 0o755); // a child run as `nobody` must reach its node_modules through here
  for (const entry of PROJECT_ENTRIES) {
    await cp(path.join(projectRoot, entry), path.join(root, entry), { recursive: true, force: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
  }
  await mkdir(path.join(root, 'node_modules'));
  for (const name of await readdir(path.join(projectRoot, 'node_modules'))) {
    await symlink(path.join(projectRoot, 'node_modules', name), path.join(root, 'node_modules', name));
  }
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}
