/**
 * A throw-away copy of the project to run hostile submissions against, never the live checkout: if
 * isolation failed, the damage would land here (and the before/after hashes would show it). Its
 * node_modules links to the real one, which the hashes also cover (size, mtime and ctime).
 */
import { chmod, cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ENTRIES } from '../batch/tree-hash.js';

export async function snapshotProject(
  projectRoot: string,
): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ex5-project-'));
  await chmod(root, 0o755); // a candidate run as a dedicated uid must reach node_modules through here
  for (const entry of PROJECT_ENTRIES) {
    await cp(path.join(projectRoot, entry), path.join(root, entry), { recursive: true, force: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}
