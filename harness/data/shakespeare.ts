/**
 * The tinyshakespeare corpus: where to find it, a verified download, the exercise's train/test split, the
 * character vocabulary and the random windows the GPT trains and evaluates on. The corpus is not the
 * project's to commit; `npm run data:shakespeare` fetches it into data/shakespeare/ (git-ignored).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Rng } from '../../lib/random.js';
import { PROJECT_ROOT } from '../paths.js';

export const CORPUS_SHA256 = '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed';
const CORPUS_BYTES = 1_115_394;
export const CORPUS_URL =
  'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';
export const DEFAULT_CORPUS_PATH = path.join(PROJECT_ROOT, 'data', 'shakespeare', 'input.txt');

const DOWNLOAD_TIMEOUT_MS = 120_000;

const HOW_TO_GET_IT =
  'get it with `npm run data:shakespeare`, or point to a copy with `--corpus FILE` or `EX5_SHAKESPEARE=FILE`';

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/** The corpus file to use: the command's flag, else EX5_SHAKESPEARE, else data/shakespeare/input.txt. */
export function resolveCorpusPath(flag?: string): string {
  return path.resolve(flag || process.env.EX5_SHAKESPEARE || DEFAULT_CORPUS_PATH);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The corpus text, after checking that the file is the exact tinyshakespeare (by SHA-256). */
export function readCorpus(file: string): string {
  if (!existsSync(file)) throw new CorpusError(`Shakespeare corpus not found at ${file}: ${HOW_TO_GET_IT}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CorpusError(`cannot read Shakespeare corpus ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const actual = sha256(bytes);
  if (actual !== CORPUS_SHA256) {
    throw new CorpusError(
      `Shakespeare corpus ${file} is altered: SHA-256 ${actual} (${bytes.length} bytes), ` +
        `expected ${CORPUS_SHA256} (${CORPUS_BYTES} bytes); ${HOW_TO_GET_IT}`,
    );
  }
  return bytes.toString('utf8');
}

/** The exercise's test text: characters [0.9 n, 0.95 n) of the n = 1,115,394; the rest is training text. */
export const TEST_SPAN = { start: 1_003_854, end: 1_059_624 } as const;

export function splitCorpus(text: string): { train: string; test: string } {
  if (text.length < TEST_SPAN.end) {
    throw new CorpusError(
      `corpus has ${text.length} characters; the test span needs at least ${TEST_SPAN.end}`,
    );
  }
  return {
    train: text.slice(0, TEST_SPAN.start) + text.slice(TEST_SPAN.end),
    test: text.slice(TEST_SPAN.start, TEST_SPAN.end),
  };
}

function describeCharacter(char: string): string {
  const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(char)} (U+${code})`;
}

/** Characters ↔ token ids; the ids are the positions of the characters in sorted (code point) order. */
export class Vocabulary {
  /** code point → id, -1 where the character is not in the vocabulary. */
  private readonly ids: Int32Array;

  readonly chars: readonly string[];

  private constructor(chars: string[]) {
    this.chars = Object.freeze(chars);
    const codes = chars.map((char) => char.codePointAt(0)!);
    this.ids = new Int32Array(Math.max(-1, ...codes) + 1).fill(-1);
    codes.forEach((code, id) => (this.ids[code] = id));
  }

  /** The sorted distinct characters of `text`. */
  static fromText(text: string): Vocabulary {
    const codes = [...new Set(Array.from(text, (char) => char.codePointAt(0)!))].sort((a, b) => a - b);
    return new Vocabulary(codes.map((code) => String.fromCodePoint(code)));
  }

  /** The inverse of toJSON, for checkpoints: one-character strings in strictly increasing order. */
  static fromJSON(chars: unknown): Vocabulary {
    if (!Array.isArray(chars) || chars.length === 0) {
      throw new CorpusError('vocabulary must be a non-empty array of characters');
    }
    let previous = -1;
    chars.forEach((char: unknown, i) => {
      if (typeof char !== 'string' || [...char].length !== 1) {
        throw new CorpusError(`vocabulary entry ${i} must be one character, got ${JSON.stringify(char)}`);
      }
      const code = char.codePointAt(0)!;
      if (code <= previous) {
        throw new CorpusError(`vocabulary entry ${i} ${describeCharacter(char)} is out of order or repeated`);
      }
      previous = code;
    });
    return new Vocabulary([...(chars as string[])]);
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array {
    const tokens = new Int32Array(text.length);
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.codePointAt(i)!;
      const id = code < this.ids.length ? this.ids[code] : -1;
      if (id < 0) {
        const char = String.fromCodePoint(code);
        throw new CorpusError(
          `character ${describeCharacter(char)} at position ${i} is not in the vocabulary`,
        );
      }
      tokens[count++] = id;
      if (code > 0xffff) i++; // the second half of a surrogate pair
    }
    return count === text.length ? tokens : tokens.slice(0, count);
  }

  decode(ids: ArrayLike<number>): string {
    const chars = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new CorpusError(
          `token id ${id} at position ${i} is outside the vocabulary 0..${this.size - 1}`,
        );
      }
      chars[i] = this.chars[id];
    }
    return chars.join('');
  }

  toJSON(): string[] {
    return [...this.chars];
  }
}

/**
 * `count` windows of `windowLength` consecutive tokens (windowLength = blockSize + 1: inputs and the next
 * characters), row-major [count, windowLength]. Starts are uniform over every valid start, with
 * replacement (training) or distinct (evaluation).
 */
export function sampleWindows(
  tokens: Int32Array,
  count: number,
  windowLength: number,
  rng: Rng,
  replace: boolean,
): Int32Array {
  if (!Number.isInteger(windowLength) || windowLength < 1) {
    throw new RangeError(`sampleWindows: windowLength must be a positive integer, got ${windowLength}`);
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`sampleWindows: count must be a non-negative integer, got ${count}`);
  }
  const starts = tokens.length - windowLength + 1;
  if (starts < 1) {
    throw new RangeError(`sampleWindows: windowLength ${windowLength} exceeds the ${tokens.length} tokens`);
  }
  if (!replace && count > starts) {
    throw new RangeError(
      `sampleWindows: ${count} distinct windows of length ${windowLength} asked, only ${starts} starts exist`,
    );
  }
  const windows = new Int32Array(count * windowLength);
  // Partial Fisher–Yates over the virtual array 0..starts-1; only the swapped slots are stored.
  const swapped = new Map<number, number>();
  for (let row = 0; row < count; row++) {
    let start: number;
    if (replace) {
      start = rng.int(starts);
    } else {
      const j = row + rng.int(starts - row);
      start = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(row) ?? row);
    }
    windows.set(tokens.subarray(start, start + windowLength), row * windowLength);
  }
  return windows;
}

/**
 * Downloads the corpus to `destination`, verified against `expectedSha256` before anything is written,
 * and written atomically (a temporary file in the same folder, then a rename), so a failed download never
 * leaves a bad file behind.
 */
export async function downloadCorpus(
  url: string = CORPUS_URL,
  destination: string = DEFAULT_CORPUS_PATH,
  expectedSha256: string = CORPUS_SHA256,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) {
      throw new CorpusError(
        `download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      );
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof CorpusError) throw error;
    // fetch says only "fetch failed"; the reason (refused, DNS, reset) is in the cause. Duck-typed, as the
    // error may come from another realm (Jest's VM) where instanceof Error is false.
    const { message, cause } = error as { message?: string; cause?: { message?: string } };
    throw new CorpusError(`cannot download ${url}: ${cause?.message ?? message ?? String(error)}`, {
      cause: error,
    });
  }
  const actual = sha256(bytes);
  if (actual !== expectedSha256) {
    throw new CorpusError(
      `download of ${url} is not the expected file: SHA-256 ${actual} (${bytes.length} bytes), ` +
        `expected ${expectedSha256}; nothing was written`,
    );
  }
  mkdirSync(path.dirname(destination), { recursive: true });
  const temporary = `${destination}.${process.pid}.${Date.now()}.download`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, destination);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CorpusError(`cannot write ${destination}: ${(error as Error).message}`, { cause: error });
  }
}

export interface ShakespeareData {
  train: Int32Array;
  test: Int32Array;
  vocabulary: Vocabulary;
  trainText: string;
  testText: string;
}

/** Reads and verifies the corpus, splits it, builds the vocabulary from the training text and encodes both. */
export function loadShakespeare(file: string): ShakespeareData {
  const { train: trainText, test: testText } = splitCorpus(readCorpus(file));
  const vocabulary = Vocabulary.fromText(trainText);
  return {
    train: vocabulary.encode(trainText),
    test: vocabulary.encode(testText),
    vocabulary,
    trainText,
    testText,
  };
}
