import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../lib/random.js';
import {
  CORPUS_SHA256,
  DEFAULT_CORPUS_PATH,
  downloadCorpus,
  loadShakespeare,
  readCorpus,
  resolveCorpusPath,
  sampleWindows,
  splitCorpus,
  TEST_SPAN,
  Vocabulary,
  type ShakespeareData,
} from './shakespeare.js';

// Read before any test touches the variable: CI points it at the real corpus.
const REAL_CORPUS = process.env.EX5_SHAKESPEARE;

let scratch: string;
beforeAll(() => (scratch = mkdtempSync(path.join(os.tmpdir(), 'ex5-shakespeare-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('resolveCorpusPath', () => {
  const saved = process.env.EX5_SHAKESPEARE;
  afterEach(() => {
    if (saved === undefined) delete process.env.EX5_SHAKESPEARE;
    else process.env.EX5_SHAKESPEARE = saved;
  });

  test('takes the flag, else EX5_SHAKESPEARE, else data/shakespeare/input.txt', () => {
    process.env.EX5_SHAKESPEARE = 'from-env.txt';
    expect(resolveCorpusPath('from-flag.txt')).toBe(path.resolve('from-flag.txt'));
    expect(resolveCorpusPath()).toBe(path.resolve('from-env.txt'));
    delete process.env.EX5_SHAKESPEARE;
    expect(resolveCorpusPath()).toBe(DEFAULT_CORPUS_PATH);
    expect(path.relative(fileURLToPath(new URL('../..', import.meta.url)), DEFAULT_CORPUS_PATH)).toBe(
      path.join('data', 'shakespeare', 'input.txt'),
    );
  });
});

describe('readCorpus', () => {
  test('a missing file names where it looked and the three ways to get it', () => {
    const missing = path.join(scratch, 'nowhere', 'input.txt');
    expect(() => readCorpus(missing)).toThrow(`not found at ${missing}`);
    for (const hint of ['npm run data:shakespeare', '--corpus FILE', 'EX5_SHAKESPEARE=FILE']) {
      expect(() => readCorpus(missing)).toThrow(hint);
    }
  });

  test('an altered file is refused with the expected and actual hash and size', () => {
    const altered = path.join(scratch, 'altered.txt');
    writeFileSync(altered, 'hello\n');
    const message = /altered: SHA-256 (\w+) \((\d+) bytes\), expected (\w+) \(1115394 bytes\)/;
    expect(() => readCorpus(altered)).toThrow(message);
    // `printf 'hello\n' | sha256sum`
    const hashOfHello = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
    expect(() => readCorpus(altered)).toThrow(`SHA-256 ${hashOfHello} (6 bytes), expected ${CORPUS_SHA256}`);
  });

  test('a folder is a clear error, not a stack trace', () => {
    expect(() => readCorpus(scratch)).toThrow(`cannot read Shakespeare corpus ${scratch}`);
  });
});

describe('downloadCorpus', () => {
  const payload = Buffer.from('First Citizen:\nBefore we proceed any further, hear me speak.\n');
  const payloadSha256 = createHash('sha256').update(payload).digest('hex');
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/input.txt') {
        response.end(payload);
      } else if (request.url === '/truncated.txt') {
        response.end(payload.subarray(0, payload.length - 10));
      } else if (request.url === '/dropped.txt') {
        // promises the whole file, sends half, hangs up
        response.writeHead(200, { 'content-length': payload.length });
        response.write(payload.subarray(0, payload.length / 2), () => response.destroy());
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function freshFolder(): string {
    return mkdtempSync(path.join(scratch, 'download-'));
  }

  test('writes a verified file, creating its folder, and leaves nothing else', async () => {
    const folder = freshFolder();
    const destination = path.join(folder, 'data', 'input.txt');
    await downloadCorpus(`${base}/input.txt`, destination, payloadSha256);
    expect(readFileSync(destination)).toEqual(payload);
    expect(readdirSync(path.dirname(destination))).toEqual(['input.txt']);
  });

  test('a truncated file is refused before anything is written', async () => {
    const folder = freshFolder();
    const destination = path.join(folder, 'data', 'input.txt');
    await expect(downloadCorpus(`${base}/truncated.txt`, destination, payloadSha256)).rejects.toThrow(
      `is not the expected file: SHA-256`,
    );
    await expect(downloadCorpus(`${base}/truncated.txt`, destination, payloadSha256)).rejects.toThrow(
      `(${payload.length - 10} bytes), expected ${payloadSha256}`,
    );
    expect(existsSync(destination)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a failed download leaves an existing file as it was', async () => {
    const folder = freshFolder();
    const destination = path.join(folder, 'input.txt');
    writeFileSync(destination, 'an older copy');
    await expect(downloadCorpus(`${base}/truncated.txt`, destination, payloadSha256)).rejects.toThrow();
    await expect(downloadCorpus(`${base}/dropped.txt`, destination, payloadSha256)).rejects.toThrow();
    expect(readFileSync(destination, 'utf8')).toBe('an older copy');
    expect(readdirSync(folder)).toEqual(['input.txt']);
  });

  test('a destination that cannot be written is a clear error and leaves no temporary file', async () => {
    const folder = freshFolder();
    const destination = path.join(folder, 'input.txt');
    mkdirSync(path.join(destination, 'occupied'), { recursive: true }); // a non-empty folder in the way
    await expect(downloadCorpus(`${base}/input.txt`, destination, payloadSha256)).rejects.toThrow(
      `cannot write ${destination}: `,
    );
    expect(readdirSync(folder)).toEqual(['input.txt']);
  });

  test('an HTTP error names the status and the URL', async () => {
    const destination = path.join(freshFolder(), 'input.txt');
    await expect(downloadCorpus(`${base}/missing.txt`, destination, payloadSha256)).rejects.toThrow(
      `download of ${base}/missing.txt failed: HTTP 404 Not Found`,
    );
    expect(existsSync(destination)).toBe(false);
  });

  test('a connection that drops or is refused names the URL and the reason', async () => {
    const destination = path.join(freshFolder(), 'input.txt');
    await expect(downloadCorpus(`${base}/dropped.txt`, destination, payloadSha256)).rejects.toThrow(
      `cannot download ${base}/dropped.txt: `,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      downloadCorpus(`http://127.0.0.1:${port}/input.txt`, destination, payloadSha256),
    ).rejects.toThrow(/cannot download http:\/\/127\.0\.0\.1:\d+\/input\.txt: .*ECONNREFUSED/);
    expect(existsSync(destination)).toBe(false);
  });
});

describe('Vocabulary', () => {
  test('is the sorted distinct characters, by code point', () => {
    const vocabulary = Vocabulary.fromText('hello world');
    expect(vocabulary.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(vocabulary.size).toBe(8);
    expect(Array.from(vocabulary.encode('hello'))).toEqual([3, 2, 4, 4, 5]);
    expect(vocabulary.decode([7, 5, 6, 4, 1])).toBe('world');
  });

  test('a character beyond the basic plane is one token', () => {
    const vocabulary = Vocabulary.fromText('a🎭b');
    expect(vocabulary.chars).toEqual(['a', 'b', '🎭']);
    expect(Array.from(vocabulary.encode('🎭a🎭'))).toEqual([2, 0, 2]);
    expect(vocabulary.decode([2, 1])).toBe('🎭b');
  });

  test('an unknown character or id is an error naming it and its position', () => {
    const vocabulary = Vocabulary.fromText('hello world');
    expect(() => vocabulary.encode('hello, world')).toThrow(
      'character "," (U+002C) at position 5 is not in the vocabulary',
    );
    expect(() => vocabulary.decode([0, 8])).toThrow(
      'token id 8 at position 1 is outside the vocabulary 0..7',
    );
    expect(() => vocabulary.decode([-1])).toThrow('token id -1 at position 0');
    expect(() => vocabulary.decode([1.5])).toThrow('token id 1.5 at position 0');
  });

  test('survives JSON and refuses a damaged list', () => {
    const vocabulary = Vocabulary.fromText('to be or not');
    const restored = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
    expect(restored.chars).toEqual(vocabulary.chars);
    expect(restored.encode('not to be')).toEqual(vocabulary.encode('not to be'));
    expect(() => Vocabulary.fromJSON('abc')).toThrow('non-empty array');
    expect(() => Vocabulary.fromJSON([])).toThrow('non-empty array');
    expect(() => Vocabulary.fromJSON(['a', 'bc'])).toThrow('entry 1 must be one character, got "bc"');
    expect(() => Vocabulary.fromJSON(['a', 7])).toThrow('entry 1 must be one character, got 7');
    expect(() => Vocabulary.fromJSON(['b', 'a'])).toThrow('entry 1 "a" (U+0061) is out of order or repeated');
    expect(() => Vocabulary.fromJSON(['a', 'a'])).toThrow('out of order or repeated');
  });

  test('cannot be changed through its character list', () => {
    const vocabulary = Vocabulary.fromText('abc');
    expect(() => (vocabulary.chars as string[]).push('d')).toThrow();
    vocabulary.toJSON().push('d');
    expect(vocabulary.size).toBe(3);
  });
});

describe('splitCorpus', () => {
  test('a text shorter than the test span is an error', () => {
    expect(() => splitCorpus('too short')).toThrow(
      'corpus has 9 characters; the test span needs at least 1059624',
    );
  });
});

describe('sampleWindows', () => {
  // Token i is i, so a window's first token is its start.
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

  function rows(windows: Int32Array, windowLength: number): Int32Array[] {
    return Array.from({ length: windows.length / windowLength }, (_, r) =>
      windows.subarray(r * windowLength, (r + 1) * windowLength),
    );
  }

  test.each([true, false])('windows are consecutive slices at valid starts (replace=%s)', (replace) => {
    const tokens = identity(500);
    const windowLength = 11;
    const windows = sampleWindows(tokens, 300, windowLength, new Rng(1), replace);
    expect(windows).toHaveLength(300 * windowLength);
    for (const row of rows(windows, windowLength)) {
      expect(row[0]).toBeGreaterThanOrEqual(0);
      expect(row[0]).toBeLessThanOrEqual(500 - windowLength);
      expect(Array.from(row)).toEqual(Array.from({ length: windowLength }, (_, k) => row[0] + k));
    }
  });

  test('the same seed gives the same windows, another seed others', () => {
    const tokens = identity(10_000);
    for (const replace of [true, false]) {
      const a = sampleWindows(tokens, 100, 11, new Rng(7), replace);
      expect(sampleWindows(tokens, 100, 11, new Rng(7), replace)).toEqual(a);
      expect(sampleWindows(tokens, 100, 11, new Rng(8), replace)).not.toEqual(a);
    }
  });

  test('without replacement the starts are distinct, and all of them when every start is asked', () => {
    const starts = (windows: Int32Array, windowLength: number) =>
      rows(windows, windowLength).map((row) => row[0]);
    const some = starts(sampleWindows(identity(1_000_000), 10_000, 11, new Rng(2), false), 11);
    expect(new Set(some).size).toBe(10_000);
    const all = starts(sampleWindows(identity(1_000), 990, 11, new Rng(3), false), 11);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 990 }, (_, i) => i));
  });

  test('with replacement the starts are uniform (chi-square over 100 starts)', () => {
    const startCount = 100;
    const draws = 100_000;
    const windows = sampleWindows(identity(startCount + 10), draws, 11, new Rng(4), true);
    const counts = new Array<number>(startCount).fill(0);
    for (let r = 0; r < draws; r++) counts[windows[r * 11]]++;
    const expected = draws / startCount;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // chi-square with 99 degrees of freedom: 1e-6 and 1 - 1e-6 quantiles (scipy.stats.chi2.ppf)
    expect(chiSquare).toBeGreaterThan(45.83);
    expect(chiSquare).toBeLessThan(180.79);
  });

  test('without replacement every start is equally likely at every row', () => {
    // 3 distinct starts out of 10, 30,000 times: each (row, start) has probability 1/10.
    const repeats = 30_000;
    const rng = new Rng(5);
    const counts = Array.from({ length: 3 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < repeats; i++) {
      const windows = sampleWindows(identity(10), 3, 1, rng, false);
      windows.forEach((start, row) => counts[row][start]++);
    }
    const sd = Math.sqrt(repeats * 0.1 * 0.9); // binomial
    for (const row of counts) for (const c of row) expect(Math.abs(c - repeats / 10)).toBeLessThan(6 * sd);
  });

  test('counts and lengths that do not fit are errors', () => {
    const tokens = identity(20);
    const rng = new Rng(6);
    expect(() => sampleWindows(tokens, 11, 11, rng, false)).toThrow(
      '11 distinct windows of length 11 asked, only 10 starts exist',
    );
    expect(sampleWindows(tokens, 11, 11, rng, true)).toHaveLength(121);
    expect(() => sampleWindows(tokens, 1, 21, rng, true)).toThrow('windowLength 21 exceeds the 20 tokens');
    expect(() => sampleWindows(tokens, 1, 0, rng, true)).toThrow(
      'windowLength must be a positive integer, got 0',
    );
    expect(() => sampleWindows(tokens, -1, 5, rng, true)).toThrow(
      'count must be a non-negative integer, got -1',
    );
    expect(() => sampleWindows(tokens, 2.5, 5, rng, true)).toThrow(
      'count must be a non-negative integer, got 2.5',
    );
    expect(sampleWindows(tokens, 0, 20, rng, false)).toHaveLength(0);
  });
});

(REAL_CORPUS ? describe : describe.skip)('the real corpus (EX5_SHAKESPEARE)', () => {
  const file = REAL_CORPUS ?? '';
  let data: ShakespeareData;
  beforeAll(() => (data = loadShakespeare(file)));

  test('is verified and split at 90% and 95% of its characters', () => {
    const size = statSync(file).size; // ASCII: one byte per character
    expect(size).toBe(1_115_394);
    expect(readCorpus(file)).toHaveLength(size);
    expect(TEST_SPAN).toEqual({ start: Math.floor(0.9 * size), end: Math.floor(0.95 * size) });
    expect(data.testText).toHaveLength(55_770);
    expect(data.trainText).toHaveLength(size - 55_770);
    // strings printed by Python from the exercise's split: text[start:], text[:end], text[:30]
    expect(data.testText.startsWith('?\n\nGREMIO:\nGood morrow, neighbour Baptis')).toBe(true);
    expect(data.testText.endsWith('est\nWe be affied and such assu')).toBe(true);
    expect(data.trainText.startsWith('First Citizen:\nBefore we proce')).toBe(true);
    const whole =
      data.trainText.slice(0, TEST_SPAN.start) + data.testText + data.trainText.slice(TEST_SPAN.start);
    expect(whole).toBe(readCorpus(file));
  });

  test('has the 65 characters of the training text, in order', () => {
    // Python: ''.join(sorted(set(train)))
    const expected = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    expect(data.vocabulary.size).toBe(65);
    expect(data.vocabulary.chars.join('')).toBe(expected);
  });

  test('encodes and decodes both texts exactly', () => {
    expect(data.train).toHaveLength(data.trainText.length);
    expect(data.test).toHaveLength(data.testText.length);
    expect(data.vocabulary.decode(data.train)).toBe(data.trainText);
    expect(data.vocabulary.decode(data.test)).toBe(data.testText);
    // Python: Counter(train)['e'] == 90017, Counter(train)['\n'] == 37858
    const id = (char: string) => data.vocabulary.chars.indexOf(char);
    expect(data.train.filter((t) => t === id('e'))).toHaveLength(90_017);
    expect(data.train.filter((t) => t === id('\n'))).toHaveLength(37_858);
  });

  test('has no double quote, and says so', () => {
    expect(() => data.vocabulary.encode('He said "no"')).toThrow(
      'character "\\"" (U+0022) at position 8 is not in the vocabulary',
    );
  });

  test('gives training windows that are passages of the training text', () => {
    const windows = sampleWindows(data.train, 200, 11, new Rng(9), true);
    for (let r = 0; r < 200; r++) {
      const passage = data.vocabulary.decode(windows.subarray(r * 11, (r + 1) * 11));
      expect(data.trainText.includes(passage)).toBe(true);
    }
  });
});
