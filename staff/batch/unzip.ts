/**
 * Reads a student's zip without trusting it: names are checked (no absolute paths, no `..`, no links),
 * sizes and entry counts are bounded before and while inflating, and nothing is written to disk here —
 * the caller gets the entries as bytes and decides which ones to keep.
 */
import yauzl from 'yauzl';

export interface ZipLimits {
  /** Entries in the archive, folders included. */
  maxEntries: number;
  /** Bytes of one inflated file. */
  maxFileBytes: number;
  /** Bytes of all inflated files together. */
  maxTotalBytes: number;
}

/** A submission is five small source files; anything near these limits is not one. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 500,
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
};

/** Why a submission could not be read; the batch turns it into a row with status "unreadable". */
export class UnreadableSubmissionError extends Error {
  override name = 'UnreadableSubmissionError';
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** True for names a zip may hold: relative, forward slashes, no `.`/`..` segment. */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.includes('\\') || name.includes('\0')) return false;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return false;
  return name.split('/').every((segment, i, all) => {
    if (segment === '..' || segment === '.') return false;
    return segment !== '' || i === all.length - 1; // only a folder's trailing slash may leave one empty
  });
}

/**
 * The regular files of a zip as name → bytes, folders left out. `wanted` picks which files to inflate
 * (the others are only checked), so a large unrelated file costs nothing.
 */
export async function readZipEntries(
  zipPath: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  /** The zip's bytes, when it is itself an entry of another zip; zipPath then only names it. */
  bytes?: Buffer,
): Promise<Map<string, Buffer>> {
  let zip: yauzl.ZipFile;
  try {
    const options = { lazyEntries: true, strictFileNames: true };
    zip = await (bytes ? yauzl.fromBufferPromise(bytes, options) : yauzl.openPromise(zipPath, options));
  } catch (error) {
    throw new UnreadableSubmissionError(`${zipPath}: not a readable zip (${messageOf(error)})`);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new UnreadableSubmissionError(
        `${zipPath}: ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`,
      );
    }
    return await collect(zipPath, zip, wanted, limits);
  } finally {
    zip.close();
  }
}

function collect(
  zipPath: string,
  zip: yauzl.ZipFile,
  wanted: (name: string) => boolean,
  limits: ZipLimits,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let totalBytes = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown): void => {
      reject(
        error instanceof UnreadableSubmissionError
          ? error
          : new UnreadableSubmissionError(`${zipPath}: corrupt zip (${messageOf(error)})`),
      );
    };
    zip.on('error', fail);
    zip.on('end', () => resolve(files));
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entry.fileName;
        const problem = entryProblem(entry, limits);
        if (problem)
          throw new UnreadableSubmissionError(`${zipPath}: entry ${JSON.stringify(name)} ${problem}`);
        if (!name.endsWith('/') && wanted(name)) {
          totalBytes += entry.uncompressedSize;
          if (totalBytes > limits.maxTotalBytes) {
            throw new UnreadableSubmissionError(
              `${zipPath}: more than ${limits.maxTotalBytes} bytes once inflated`,
            );
          }
          files.set(name, await inflate(zipPath, zip, entry, limits.maxFileBytes));
        }
        zip.readEntry();
      })().catch(fail);
    });
    zip.readEntry();
  });
}

/** What is wrong with an entry, or undefined when it may be read. */
function entryProblem(entry: yauzl.Entry, limits: ZipLimits): string | undefined {
  if (!isSafeEntryName(entry.fileName)) return 'points outside the submission folder';
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'is a symbolic link';
  if (entry.isEncrypted()) return 'is encrypted';
  if (entry.uncompressedSize > limits.maxFileBytes) {
    return `is ${entry.uncompressedSize} bytes, more than the ${limits.maxFileBytes} allowed`;
  }
  return undefined;
}

/** Inflates one entry, counting bytes as they come (a lying header cannot make it larger than allowed). */
async function inflate(
  zipPath: string,
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  maxBytes: number,
): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      stream.destroy();
      throw new UnreadableSubmissionError(
        `${zipPath}: entry ${JSON.stringify(entry.fileName)} inflates past ${maxBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
