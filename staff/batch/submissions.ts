/**
 * What a TA hands the batch: a folder whose entries are submissions, each a folder or a `.zip`
 * (students hand in `ex5-<ID>.zip`). A submission's files may sit at its root or inside one top-level
 * folder; only the contract's five files are taken, so nothing else a student packs reaches the grader.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { DEFAULT_ZIP_LIMITS, readZipEntries, UnreadableSubmissionError, type ZipLimits } from './unzip.js';

export interface SubmissionSource {
  /** The student's ID: the entry's name without `ex5-` and `.zip`. */
  id: string;
  /** The folder or zip it comes from. */
  path: string;
  kind: 'folder' | 'zip';
}

/** The contract's files of one submission, name → bytes (a missing file is simply absent). */
export type SubmissionFiles = Map<string, Buffer>;

const FILE_NAMES: readonly string[] = Object.values(SUBMISSION_FILES);
/** Archive clutter that is never a submission's top-level folder. */
const IGNORED_FOLDERS = new Set(['__MACOSX']);

export function submissionId(entryName: string): string {
  return entryName.replace(/\.zip$/i, '').replace(/^ex5-/i, '');
}

/** The submissions in `dir`, sorted by ID; other files are skipped, two entries with one ID are an error. */
export async function findSubmissions(dir: string): Promise<SubmissionSource[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `submissions folder ${dir}: ${error.code === 'ENOENT' ? 'does not exist' : error.message}`,
    );
  });
  const byId = new Map<string, SubmissionSource>();
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const isZip = entry.isFile() && entry.name.toLowerCase().endsWith('.zip');
    if (!isZip && !entry.isDirectory()) continue;
    const id = submissionId(entry.name);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
      throw new Error(
        `${path.join(dir, entry.name)}: ID '${id}' may hold only letters, digits, '.', '_' and '-'`,
      );
    }
    const previous = byId.get(id);
    if (previous) throw new Error(`two submissions have the ID ${id}: ${previous.path} and ${entry.name}`);
    byId.set(id, { id, path: path.join(dir, entry.name), kind: isZip ? 'zip' : 'folder' });
  }
  // an empty gradebook from a mistyped folder would look like a finished batch
  if (byId.size === 0) {
    throw new Error(`submissions folder ${dir}: holds no submissions (one folder or .zip per student)`);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Reads a submission's files; throws UnreadableSubmissionError when it is not a readable submission. */
export async function readSubmission(
  source: SubmissionSource,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<SubmissionFiles> {
  const found =
    source.kind === 'zip'
      ? await readZipEntries(source.path, (name) => FILE_NAMES.includes(path.posix.basename(name)), limits)
      : await readFolder(source.path, limits);
  return pickSubmissionFiles(source.path, found);
}

/**
 * From paths → bytes, the contract's files at the root or inside one top-level folder. Copies in two
 * places are ambiguous, so an error; none at all means this is not a submission.
 */
export function pickSubmissionFiles(where: string, found: Map<string, Buffer>): SubmissionFiles {
  const byFolder = new Map<string, SubmissionFiles>();
  for (const [name, bytes] of found) {
    const parts = name.split('/');
    if (parts.length > 2 || !FILE_NAMES.includes(parts[parts.length - 1])) continue;
    const folder = parts.length === 2 ? parts[0] : '';
    if (IGNORED_FOLDERS.has(folder)) continue;
    if (!byFolder.has(folder)) byFolder.set(folder, new Map());
    byFolder.get(folder)!.set(parts[parts.length - 1], bytes);
  }
  if (byFolder.size === 0) {
    throw new UnreadableSubmissionError(
      `${where}: none of ${FILE_NAMES.join(', ')} at its root or in one folder`,
    );
  }
  if (byFolder.size > 1) {
    const folders = [...byFolder.keys()].map((folder) => (folder === '' ? '(root)' : folder));
    throw new UnreadableSubmissionError(
      `${where}: submission files in more than one folder: ${folders.join(', ')}`,
    );
  }
  return [...byFolder.values()][0];
}

/** A folder submission, read two levels deep like a zip; links are refused, sizes bounded. */
async function readFolder(dir: string, limits: ZipLimits): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let totalBytes = 0;
  const visit = async (relative: string, depth: number): Promise<void> => {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && depth === 0) await visit(name, 1);
      if (!FILE_NAMES.includes(entry.name)) continue;
      const stats = await lstat(path.join(dir, name));
      if (stats.isSymbolicLink()) throw new UnreadableSubmissionError(`${dir}: ${name} is a symbolic link`);
      if (!stats.isFile()) continue;
      totalBytes += stats.size;
      if (stats.size > limits.maxFileBytes || totalBytes > limits.maxTotalBytes) {
        throw new UnreadableSubmissionError(`${dir}: ${name} is ${stats.size} bytes, more than allowed`);
      }
      found.set(name, await readFile(path.join(dir, name)));
    }
  };
  await visit('', 0);
  return found;
}

/** A fingerprint of a submission's files, so `--resume` regrades a submission that changed. */
export function fingerprint(files: SubmissionFiles): string {
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) {
    hash.update(`${name}\0${files.get(name)!.length}\0`);
    hash.update(files.get(name)!);
  }
  return hash.digest('hex');
}
