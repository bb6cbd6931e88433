/**
 * What a TA hands the batch: a folder whose entries are submissions as students or a course platform
 * deliver them — folders, `ex5-<ID>.zip`, zips named as Moodle or Canvas name downloads, Gradescope's
 * `submission_<n>/` folders, or one zip of all of them. A submission's files may sit at its root or
 * inside one top-level folder; only the contract's five files are taken, so nothing else a student
 * packs reaches the grader. Whatever cannot be read becomes an unreadable row that says why, and
 * whatever is not a submission at all is listed as skipped: an odd file never stops the batch.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { ID_RULE } from '../../grader/integrity/handin.js';
import { DEFAULT_ZIP_LIMITS, readZipEntries, UnreadableSubmissionError, type ZipLimits } from './unzip.js';

export interface SubmissionSource {
  /** The student's ID: Gradescope's metadata, else the name's `ex5-<ID>`, else the hand-in's README.md, else the name. */
  id: string;
  /** The folder or zip it comes from (inside an archive: the archive's path, then the entry's). */
  path: string;
  /**
   * folder or zip on disk; `files` is a folder inside an archive (its entries in `entries`); a zip
   * inside an archive has its bytes in `bytes`; `unreadable` says why in `problem`.
   */
  kind: 'folder' | 'zip' | 'files' | 'unreadable';
  bytes?: Buffer;
  entries?: Map<string, Buffer>;
  problem?: string;
  /** Name and login from its README when discovery already read it for the ID (read once, not again). */
  identity?: HandinIdentity;
}

/** An entry of the submissions folder that is no submission, and why it was left out. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface Discovery {
  /** Sorted by ID. */
  sources: SubmissionSource[];
  skipped: SkippedEntry[];
}

/** The contract's files of one submission, name → bytes (a missing file is simply absent). */
export type SubmissionFiles = Map<string, Buffer>;

const FILE_NAMES: readonly string[] = Object.values(SUBMISSION_FILES);
/** Archive clutter that is never a submission's top-level folder. */
const IGNORED_FOLDERS = new Set(['__MACOSX']);
/** Archives we cannot read: a row that asks for a zip, not a silent skip. */
const OTHER_ARCHIVE = /\.(tar\.gz|tgz|tar|tar\.bz2|tar\.xz|rar|7z|gz|bz2|xz)$/i;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** `ex5-<ID>.zip` at the end of a platform's name (Canvas adds `-1`, `-2` to a resubmitted file). */
const EMBEDDED_ID = /(?:^|[_\s])ex5-([A-Za-z0-9]+?)(?:-\d{1,3})?\.zip$/i;
/** Gradescope's export: one `submission_metadata.yml` beside (or inside) the `submission_<n>/` folders. */
const GRADESCOPE_METADATA = 'submission_metadata.yml';
/** A submitter's student ID in it: `  - :sid: '1234567'` or `    :sid: 1234567`. */
const SID_LINE = /^\s*(?:-\s*)?:sid:\s*['"]?([A-Za-z0-9._-]+)['"]?\s*$/;
/** A whole class in one zip: far more entries than one hand-in, the same per-file bounds. */
export const ARCHIVE_ZIP_LIMITS: ZipLimits = {
  maxEntries: 20_000,
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

export function submissionId(entryName: string): string {
  return entryName.replace(/\.zip$/i, '').replace(/^ex5-/i, '');
}

/** The ID a platform's file name carries (`…_ex5-1234567.zip`), if any. */
export function embeddedId(entryName: string): string | undefined {
  if (/^ex5-[A-Za-z0-9._-]+\.zip$/i.test(entryName)) return submissionId(entryName);
  return EMBEDDED_ID.exec(entryName)?.[1];
}

/** The ID in a README.md that `npm run pack` wrote (`- ID: 1234567`), if it holds one. */
export function readmeId(text: string): string | undefined {
  const id = /^- ID: *(\S+) *$/m.exec(text)?.[1];
  return id !== undefined && ID_RULE.pattern.test(id) ? id : undefined;
}

/** Who handed in, as the README that `npm run pack` wrote says (`- Name: …`, `- User name: …`). */
export interface HandinIdentity {
  name?: string;
  login?: string;
}

export function readmeIdentity(text: string): HandinIdentity {
  const name = /^- Name: *(.*\S) *$/m.exec(text)?.[1];
  const login = /^- User name: *(\S+) *$/m.exec(text)?.[1];
  return { ...(name !== undefined && { name }), ...(login !== undefined && { login }) };
}

/** The hand-in's name and login for the gradebook; empty when it holds no README (or two that differ). */
export async function readIdentity(source: SubmissionSource): Promise<HandinIdentity> {
  if (source.identity) return source.identity;
  try {
    return readmeIdentityOf(await readRaw(source, isReadme));
  } catch {
    return {}; // reading the submission itself will say what is wrong
  }
}

/** The one name and login the READMEs give (two that differ give none). */
function readmeIdentityOf(found: Map<string, Buffer>): HandinIdentity {
  const identities = [...found.values()].map((bytes) => readmeIdentity(bytes.toString('utf8')));
  const distinct = new Set(identities.map((identity) => JSON.stringify(identity)));
  return distinct.size === 1 ? identities[0] : {};
}

/** Submission folder → student ID from a Gradescope `submission_metadata.yml` (`:sid:` of the first submitter). */
export function gradescopeIds(yaml: string): Map<string, string> {
  const ids = new Map<string, string>();
  let folder: string | undefined;
  for (const line of yaml.split(/\r?\n/)) {
    const key = /^(submission_\d+):\s*$/.exec(line);
    if (key) folder = key[1];
    const sid = SID_LINE.exec(line);
    if (sid && folder !== undefined && !ids.has(folder)) ids.set(folder, sid[1]);
  }
  return ids;
}

/** A name made safe to be an ID (an unreadable row still needs one). */
function safeId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return id === '' ? 'unnamed' : id;
}

interface Candidate {
  /** The ID, when the entry names one; undefined to take it from its README. */
  id?: string;
  source: Omit<SubmissionSource, 'id'>;
  /** The entry's own name, for an ID of last resort and for messages. */
  name: string;
}

/** The submissions in `dir`, sorted by ID, and the entries that are none. Only a missing or empty folder throws. */
export async function findSubmissions(dir: string): Promise<Discovery> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `submissions folder ${dir}: ${error.code === 'ENOENT' ? 'does not exist' : error.message}`,
    );
  });
  const skipped: SkippedEntry[] = [];
  const candidates: Candidate[] = [];
  const metadata = entries.some((entry) => entry.isFile() && entry.name === GRADESCOPE_METADATA)
    ? gradescopeIds(await readFile(path.join(dir, GRADESCOPE_METADATA), 'utf8'))
    : new Map<string, string>();
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || IGNORED_FOLDERS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // the platform knows who handed in; a README is the student's word
      const platformId = metadata.get(entry.name) ?? (await folderMetadataId(full));
      const zips = await zipsInsteadOfFiles(full);
      // a platform's per-student folder that holds the student's zip, as inside a zip of all of them
      for (const zip of zips) {
        candidates.push({
          name: entry.name,
          id: platformId ?? embeddedId(zip),
          source: { path: path.join(full, zip), kind: 'zip' },
        });
      }
      if (zips.length === 0) {
        const readme = platformId === undefined ? await folderReadme(full) : {};
        candidates.push({
          name: entry.name,
          id: platformId ?? readme.id,
          source: { path: full, kind: 'folder', ...(readme.identity && { identity: readme.identity }) },
        });
      }
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.zip')) {
      const id = embeddedId(entry.name);
      if (id === undefined && (await isArchiveOfSubmissions(full))) {
        const inner = await archiveCandidates(full, skipped);
        candidates.push(...inner);
      } else {
        candidates.push({ name: entry.name, id, source: { path: full, kind: 'zip' } });
      }
    } else {
      const other = otherEntry(entry.name, entry.isFile());
      if (other.kind === 'unreadable')
        candidates.push({ name: entry.name, source: { path: full, ...other } });
      else skipped.push({ name: entry.name, reason: other.reason });
    }
  }
  const sources = await identify(candidates);
  // an empty gradebook from a mistyped folder would look like a finished batch
  if (sources.length === 0) {
    throw new Error(`submissions folder ${dir}: holds no submissions (one folder or .zip per student)`);
  }
  return { sources, skipped };
}

/** A file that is neither folder nor zip: an archive we cannot read is a row, anything else is skipped. */
function otherEntry(
  name: string,
  isFile: boolean,
): { kind: 'unreadable'; problem: string } | { kind: 'skipped'; reason: string } {
  if (!isFile) return { kind: 'skipped', reason: 'neither a file nor a folder' };
  const archive = OTHER_ARCHIVE.exec(name);
  if (archive) {
    return {
      kind: 'unreadable',
      problem: `${name}: a .${archive[1].toLowerCase()} archive, not a zip: hand in ex5-<ID>.zip (npm run pack)`,
    };
  }
  if (name === GRADESCOPE_METADATA)
    return { kind: 'skipped', reason: "Gradescope's metadata (IDs read from it)" };
  return { kind: 'skipped', reason: 'not a folder or a .zip' };
}

/** Moodle's and Canvas's download names: they never name the student's ID by themselves. */
const PLATFORM_NAME = /_assignsubmission_|^[A-Za-z0-9.-]+_\d+(?:_late)?_\d+_/;

/** The name as the ID (`anna.zip` → anna), when it is a plain name and not a platform's. */
function nameId(name: string): string | undefined {
  const id = submissionId(name);
  return ID_PATTERN.test(id) && !PLATFORM_NAME.test(name) ? id : undefined;
}

/**
 * Gives every candidate its ID: named, else from its README.md, else its plain name; a platform's name
 * without either, and a second hand-in for one ID, become rows that say so.
 */
async function identify(candidates: Candidate[]): Promise<SubmissionSource[]> {
  const byId = new Map<string, SubmissionSource>();
  for (const candidate of candidates) {
    const { name } = candidate;
    const unreadable = (id: string, problem: string): SubmissionSource => ({
      id,
      path: candidate.source.path,
      kind: 'unreadable',
      problem,
    });
    const lastResort = () => nameId(name) ?? safeId(name);
    let id = candidate.id;
    let identity: HandinIdentity | undefined;
    let source: SubmissionSource | undefined;
    if (candidate.source.kind === 'unreadable') {
      id ??= /(?:^|[_\s])ex5-([A-Za-z0-9]+)/i.exec(name)?.[1] ?? lastResort();
    } else if (id === undefined && candidate.source.kind !== 'folder') {
      try {
        const readmes = await readRaw({ id: '', ...candidate.source }, isReadme);
        id = readmeIdOf(readmes);
        identity = readmeIdentityOf(readmes); // kept for the gradebook: the zip is not opened again for it
      } catch (error) {
        if (!(error instanceof UnreadableSubmissionError)) throw error;
        source = unreadable(lastResort(), error.message);
      }
      id ??= nameId(name);
      if (id === undefined && !source) {
        source = unreadable(
          safeId(name),
          `${name}: no student ID: the name holds no ex5-<ID>.zip and there is no README.md with "- ID: …" (npm run pack writes both)`,
        );
      }
    }
    id ??= submissionId(name);
    if (!source && !ID_PATTERN.test(id)) {
      source = unreadable(safeId(id), `${name}: ID '${id}' may hold only letters, digits, '.', '_' and '-'`);
    }
    source ??= { id, ...candidate.source, ...(identity && { identity }) };
    const previous = byId.get(source.id);
    if (previous) {
      let n = 2;
      while (byId.has(`${source.id}.${n}`)) n++;
      source = unreadable(
        `${source.id}.${n}`,
        `${name}: a second submission for ID ${source.id} (the first: ${path.basename(previous.path)}); grade one of them`,
      );
    }
    byId.set(source.id, source);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function isReadme(name: string): boolean {
  const parts = name.split('/');
  return parts.length <= 2 && parts[parts.length - 1].toLowerCase() === 'readme.md';
}

/** The one ID the READMEs name (two different IDs name none). */
function readmeIdOf(found: Map<string, Buffer>): string | undefined {
  const ids = new Set([...found.values()].map((bytes) => readmeId(bytes.toString('utf8'))));
  ids.delete(undefined);
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** The ID, name and login in a folder's README.md (at its root or one folder down), read once. */
async function folderReadme(dir: string): Promise<{ id?: string; identity?: HandinIdentity }> {
  try {
    const readmes = await readFolder(dir, DEFAULT_ZIP_LIMITS, isReadme);
    return { id: readmeIdOf(readmes), identity: readmeIdentityOf(readmes) };
  } catch {
    return {}; // reading the submission itself will say what is wrong
  }
}

/**
 * The zips at a folder's root when it holds no submission files (at its root or one folder down), as a
 * platform's per-student folder holds a student's `ex5-<ID>.zip`; none otherwise.
 */
async function zipsInsteadOfFiles(dir: string): Promise<string[]> {
  const listing = async (folder: string) =>
    (await readdir(folder, { withFileTypes: true }).catch(() => [])).filter(
      (entry) => !entry.name.startsWith('.') && !IGNORED_FOLDERS.has(entry.name),
    );
  const entries = await listing(dir);
  const zips: string[] = [];
  for (const entry of entries) {
    if (FILE_NAMES.includes(entry.name)) return [];
    if (
      entry.isDirectory() &&
      (await listing(path.join(dir, entry.name))).some((inner) => FILE_NAMES.includes(inner.name))
    )
      return [];
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.zip')) zips.push(entry.name);
  }
  return zips.sort((a, b) => a.localeCompare(b));
}

/** The `:sid:` of a Gradescope submission folder's own submission_metadata.yml, if any. */
async function folderMetadataId(dir: string): Promise<string | undefined> {
  const file = path.join(dir, GRADESCOPE_METADATA);
  try {
    const stats = await lstat(file);
    if (!stats.isFile() || stats.size > DEFAULT_ZIP_LIMITS.maxFileBytes) return undefined;
    const text = await readFile(file, 'utf8');
    return new RegExp(SID_LINE.source, 'm').exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * A zip of all submissions rather than one: it holds zips, or submission files in more than one
 * top-level folder. A corrupt zip is read as one submission, so that its row says why.
 */
async function isArchiveOfSubmissions(file: string): Promise<boolean> {
  const names: string[] = [];
  try {
    await readZipEntries(
      file,
      (name) => {
        names.push(name);
        return false;
      },
      ARCHIVE_ZIP_LIMITS,
    );
  } catch {
    return false;
  }
  const relevant = stripCommonFolder(names.filter((name) => !IGNORED_FOLDERS.has(name.split('/')[0])));
  if (relevant.some((name) => name.toLowerCase().endsWith('.zip'))) return true;
  const folders = new Set(
    relevant
      .filter((name) => FILE_NAMES.includes(path.posix.basename(name)) && name.includes('/'))
      .map((name) => name.split('/')[0]),
  );
  return folders.size > 1;
}

/** Names without the one folder all of them share (an export's `assignment_123_export/`). */
function stripCommonFolder(names: string[]): string[] {
  const files = names.filter((name) => !name.endsWith('/'));
  const first = files[0]?.split('/')[0];
  if (first === undefined || !files.every((name) => name.startsWith(`${first}/`))) return files;
  if (files.some((name) => FILE_NAMES.includes(name.slice(first.length + 1)))) return files;
  return files.map((name) => name.slice(first.length + 1));
}

/** The submissions inside a zip of all of them, read with the strict reader, as candidates. */
async function archiveCandidates(file: string, skipped: SkippedEntry[]): Promise<Candidate[]> {
  const archive = path.basename(file);
  let found: Map<string, Buffer>;
  try {
    found = await readZipEntries(
      file,
      (name) => !IGNORED_FOLDERS.has(name.split('/')[0]),
      ARCHIVE_ZIP_LIMITS,
    );
  } catch (error) {
    if (!(error instanceof UnreadableSubmissionError)) throw error;
    return [{ name: archive, source: { path: file, kind: 'unreadable', problem: error.message } }];
  }
  const names = stripCommonFolder([...found.keys()]);
  const prefix = [...found.keys()].find((name) => !name.endsWith('/'))!.slice(0, -names[0].length);
  const bytesOf = (name: string) => found.get(prefix + name)!;
  const metadataName = names.find((name) => name === GRADESCOPE_METADATA);
  const metadata = metadataName
    ? gradescopeIds(bytesOf(metadataName).toString('utf8'))
    : new Map<string, string>();
  const candidates: Candidate[] = [];
  const folders = new Map<string, Map<string, Buffer>>();
  for (const name of names) {
    const where = `${archive}/${name}`;
    const base = path.posix.basename(name);
    if (base.startsWith('.')) continue;
    if (name.toLowerCase().endsWith('.zip') && name.split('/').length <= 2) {
      // a zip at the top, or in a platform's per-student folder (Gradescope's :sid: for it first)
      const folder = name.includes('/') ? name.split('/')[0] : undefined;
      candidates.push({
        name: base,
        id: (folder !== undefined ? metadata.get(folder) : undefined) ?? embeddedId(base),
        source: { path: path.join(file, name), kind: 'zip', bytes: bytesOf(name) },
      });
    } else if (name.includes('/')) {
      const [folder, ...rest] = name.split('/');
      if (!folders.has(folder)) folders.set(folder, new Map());
      folders.get(folder)!.set(rest.join('/'), bytesOf(name));
    } else {
      const other = otherEntry(base, true);
      if (other.kind === 'unreadable')
        candidates.push({ name: base, source: { path: path.join(file, name), ...other } });
      else skipped.push({ name: where, reason: other.reason });
    }
  }
  for (const [folder, entries] of folders) {
    const files = [...entries.keys()];
    // a folder that only held zips gave them above; one with submission files is a submission
    if (!files.some((name) => FILE_NAMES.includes(path.posix.basename(name)))) {
      if (!files.some((name) => name.toLowerCase().endsWith('.zip')))
        skipped.push({ name: `${archive}/${folder}/`, reason: 'holds no submission files' });
      continue;
    }
    const sid =
      metadata.get(folder) ??
      gradescopeIds(`${folder}:\n${entries.get(GRADESCOPE_METADATA)?.toString('utf8') ?? ''}`).get(folder);
    candidates.push({
      name: folder,
      id: sid ?? readmeIdOf(new Map([...entries].filter(([name]) => isReadme(name)))),
      source: { path: path.join(file, folder), kind: 'files', entries },
    });
  }
  return candidates;
}

/** Reads a submission's files; throws UnreadableSubmissionError when it is not a readable submission. */
export async function readSubmission(
  source: SubmissionSource,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<SubmissionFiles> {
  const found = await readRaw(source, (name) => FILE_NAMES.includes(path.posix.basename(name)), limits);
  return pickSubmissionFiles(source.path, found);
}

/** A source's files that `wanted` picks, path → bytes, read within the limits. */
async function readRaw(
  source: SubmissionSource,
  wanted: (name: string) => boolean,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<Map<string, Buffer>> {
  switch (source.kind) {
    case 'unreadable':
      throw new UnreadableSubmissionError(source.problem ?? `${source.path}: cannot be read`);
    case 'zip':
      return readZipEntries(source.path, wanted, limits, source.bytes);
    case 'files':
      return new Map([...(source.entries ?? new Map<string, Buffer>())].filter(([name]) => wanted(name)));
    case 'folder':
      return readFolder(source.path, limits, (name) => wanted(name));
  }
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
async function readFolder(
  dir: string,
  limits: ZipLimits,
  wanted: (name: string) => boolean = (name) => FILE_NAMES.includes(path.posix.basename(name)),
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let totalBytes = 0;
  const visit = async (relative: string, depth: number): Promise<void> => {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && depth === 0) await visit(name, 1);
      if (!wanted(name)) continue;
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
