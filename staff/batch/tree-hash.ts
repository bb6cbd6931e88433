/**
 * A fingerprint of the project's files, taken before and after a batch: no submission may change a
 * byte of them. Sources are hashed by content; node_modules (20 000 files) by path, size, mtime and
 * ctime: a write that keeps the size and restores the mtime still moves the ctime, which no one can
 * set back.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The project's own entries (node_modules aside): hashed by content here, copied by snapshots. */
export const PROJECT_ENTRIES = [
  'lib',
  'harness',
  'grader',
  'staff',
  'fixtures',
  'reference',
  'skeleton',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'jest.config.ts',
];

/** Relative path → digest. */
export type TreeHash = Map<string, string>;

export async function hashTree(root: string): Promise<TreeHash> {
  const hashes: TreeHash = new Map();
  const visit = async (relative: string, byContent: boolean): Promise<void> => {
    const absolute = path.join(root, relative);
    let stats;
    try {
      stats = await stat(absolute);
    } catch {
      return; // an optional entry that is absent
    }
    if (stats.isDirectory()) {
      for (const name of (await readdir(absolute)).sort()) await visit(path.join(relative, name), byContent);
    } else if (byContent) {
      hashes.set(
        relative,
        createHash('sha256')
          .update(await readFile(absolute))
          .digest('hex'),
      );
    } else {
      hashes.set(relative, `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`);
    }
  };
  for (const entry of PROJECT_ENTRIES) await visit(entry, true);
  await visit('node_modules', false);
  return hashes;
}

/** Paths added, removed or changed between two fingerprints. */
export function treeDifferences(before: TreeHash, after: TreeHash): string[] {
  const changed: string[] = [];
  for (const [file, digest] of before) {
    if (after.get(file) !== digest) changed.push(after.has(file) ? `${file} (changed)` : `${file} (removed)`);
  }
  for (const file of after.keys()) if (!before.has(file)) changed.push(`${file} (added)`);
  return changed;
}
