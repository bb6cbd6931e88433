/**
 * Pairwise similarity of submissions' own code: winnowing (Schleimer, Wilkerson, Aiken 2003, the method
 * behind MOSS) over normalised TypeScript tokens (tokens.ts), then seed-and-extend to exact fragments.
 *
 * 1. Each file becomes a token stream, cut into pieces: the k-grams inside each top-level statement or
 *    class member (none spans two methods, so their order does not matter), and whole members shorter
 *    than k.
 * 2. Handed-out code is removed: a token inside a piece that the skeleton's same file also has is not
 *    the student's own and never counts; nor is one inside a piece that more than `maxShare` of the
 *    class share (an idiom). Only k-grams made entirely of own tokens become fingerprints.
 * 3. Winnowing keeps the smallest hash of every `window` consecutive k-grams, so any shared run of at
 *    least k + window − 1 own tokens is found, at a fraction of the cost of comparing every k-gram.
 * 4. Two submissions that share a fingerprint in the same file are compared there: each shared
 *    fingerprint seeds an exact match of normalised tokens, extended both ways as far as it goes.
 * 5. score = (own tokens of A inside fragments + own tokens of B inside fragments) / (own tokens of A + B).
 *
 * Files are compared with the same file only (gmm.ts with gmm.ts): the contract fixes what each holds.
 * Renaming, reformatting, retyping and reordering methods change nothing. A high score is a reason to
 * look at a pair, never a verdict by itself.
 */
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { tokenize, type Token } from './tokens.js';

/** One submission's files as text (a missing file is simply absent). */
export interface SubmissionSources {
  /** The name reports show (the student's ID). */
  label: string;
  /** The folder or zip it was read from. */
  source: string;
  files: Partial<Record<SubmissionPart, string>>;
}

export interface SimilarityOptions {
  /** Tokens per k-gram: shorter shared runs are noise. */
  k: number;
  /** Winnowing window: runs of k + window − 1 own tokens are always found. */
  window: number;
  /**
   * A k-gram found in more than this share of the submissions is a common idiom and counts like the
   * skeleton's code (as MOSS's -m); applied from MIN_SUBMISSIONS_FOR_SHARE submissions on. 1 turns it off.
   */
  maxShare: number;
}

export const DEFAULT_SIMILARITY_OPTIONS: SimilarityOptions = { k: 12, window: 8, maxShare: 0.5 };
export const MIN_SUBMISSIONS_FOR_SHARE = 10;
/** Occurrences of one fingerprint per file that seed matches (repeated lines would seed quadratically). */
const MAX_SEEDS_PER_HASH = 8;

export interface Fragment {
  part: SubmissionPart;
  /** Lines (1-based, inclusive) in A's and B's file. */
  linesA: [number, number];
  linesB: [number, number];
  /** Normalised tokens in the match. */
  tokens: number;
}

export interface PairSimilarity {
  a: string;
  b: string;
  /** Share of the pair's own tokens that lie in shared fragments, 0..1. */
  score: number;
  /** Share of A's own tokens found in B, and the other way round. */
  coverA: number;
  coverB: number;
  /** Own tokens inside fragments, A's and B's added. */
  sharedTokens: number;
  /** The file with the highest score of its own (a copy of one file shows here before it shows in `score`). */
  topFile: { part: SubmissionPart; score: number };
  /** Longest first. */
  fragments: Fragment[];
}

export interface SubmissionSummary {
  label: string;
  source: string;
  /** Normalised tokens that are not the skeleton's. */
  ownTokens: number;
}

export interface SimilarityResult {
  options: SimilarityOptions;
  submissions: SubmissionSummary[];
  /** Pairs sharing at least one fragment, highest score first; other pairs score 0. */
  pairs: PairSimilarity[];
  /** Distinct pieces found in more than maxShare of the submissions, counted like the skeleton's code. */
  commonFingerprints: number;
}

interface PreparedFile {
  tokens: Token[];
  ids: Int32Array;
  /** 1 where the token is the student's own, 0 where it is the skeleton's. */
  own: Uint8Array;
  /** Winnowed fingerprint hash → k-gram start positions. */
  fingerprints: Map<number, number[]>;
}

interface Prepared {
  summary: SubmissionSummary;
  files: Partial<Record<SubmissionPart, PreparedFile>>;
}

const PARTS = Object.keys(SUBMISSION_FILES) as SubmissionPart[];

/** Normalised token text → small integer, shared by all files of one run. */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  idsOf(tokens: Token[]): Int32Array {
    return Int32Array.from(tokens, ({ text }) => {
      let id = this.ids.get(text);
      if (id === undefined) this.ids.set(text, (id = this.ids.size + 1));
      return id;
    });
  }
}

/**
 * A stretch of tokens that is compared as a whole: a k-gram inside one statement or class member, or a
 * whole member shorter than k (`readonly $`, a one-line getter), so that handed-out code is recognised
 * in any order.
 */
interface Piece {
  start: number;
  length: number;
  /** 32-bit hash of the ids; whole short members are hashed apart from k-grams. */
  hash: number;
}

function hashIds(ids: Int32Array, start: number, end: number, seed: number): number {
  let h = seed;
  for (let j = start; j < end; j++) h = Math.imul(h ^ ids[j], 0x01000193);
  return h;
}

function piecesOf(tokens: Token[], ids: Int32Array, k: number): Piece[] {
  const pieces: Piece[] = [];
  for (let unitStart = 0; unitStart < tokens.length;) {
    let unitEnd = unitStart;
    while (unitEnd < tokens.length && tokens[unitEnd].unit === tokens[unitStart].unit) unitEnd++;
    if (unitEnd - unitStart < k) {
      pieces.push({
        start: unitStart,
        length: unitEnd - unitStart,
        hash: hashIds(ids, unitStart, unitEnd, 0x9e3779b9),
      });
    }
    for (let i = unitStart; i + k <= unitEnd; i++)
      pieces.push({ start: i, length: k, hash: hashIds(ids, i, i + k, 0x811c9dc5) });
    unitStart = unitEnd;
  }
  return pieces;
}

/** Winnowing: in every window of consecutive candidates the minimum hash (rightmost on ties) is kept. */
function winnow(candidates: { hash: number; position: number }[], window: number): Map<number, number[]> {
  const fingerprints = new Map<number, number[]>();
  const keep = (index: number) => {
    const { hash, position } = candidates[index];
    const positions = fingerprints.get(hash) ?? [];
    if (positions.length < MAX_SEEDS_PER_HASH) positions.push(position);
    fingerprints.set(hash, positions);
  };
  if (candidates.length > 0 && candidates.length < window) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (candidates[i].hash <= candidates[best].hash) best = i;
    keep(best);
    return fingerprints;
  }
  let previous = -1;
  for (let start = 0; start + window <= candidates.length; start++) {
    let best = start;
    for (let i = start + 1; i < start + window; i++)
      if (candidates[i].hash <= candidates[best].hash) best = i;
    if (best !== previous) keep(best);
    previous = best;
  }
  return fingerprints;
}

/** Tokens, pieces and the skeleton's share of one file (fingerprints come later). */
function tokenizeFile(
  source: string,
  part: SubmissionPart,
  skeletonHashes: Set<number>,
  vocabulary: Vocabulary,
  k: number,
): PreparedFile & { pieces: Piece[] } {
  const tokens = tokenize(source, SUBMISSION_FILES[part]);
  const ids = vocabulary.idsOf(tokens);
  const pieces = piecesOf(tokens, ids, k);
  const own = new Uint8Array(tokens.length).fill(1);
  for (const { start, length, hash } of pieces)
    if (skeletonHashes.has(hash)) own.fill(0, start, start + length);
  return { tokens, ids, own, pieces, fingerprints: new Map() };
}

/** Winnowed fingerprints of the k-grams made of own tokens only. */
function fingerprintsOf(file: { own: Uint8Array; pieces: Piece[] }, options: SimilarityOptions) {
  const candidates = file.pieces
    .filter(
      ({ start, length }) =>
        length === options.k && file.own.subarray(start, start + length).every((flag) => flag === 1),
    )
    .map(({ start, hash }) => ({ hash, position: start }));
  return winnow(candidates, options.window);
}

function countOwn(file: PreparedFile): number {
  return file.own.reduce((sum, flag) => sum + flag, 0);
}

/** The exact match around a seed, as [startA, startB, length]; shorter than k means a hash collision. */
function extend(a: Int32Array, b: Int32Array, seedA: number, seedB: number): [number, number, number] {
  let start = 0;
  while (seedA - start > 0 && seedB - start > 0 && a[seedA - start - 1] === b[seedB - start - 1]) start++;
  let end = 0;
  while (seedA + end < a.length && seedB + end < b.length && a[seedA + end] === b[seedB + end]) end++;
  return [seedA - start, seedB - start, start + end];
}

function comparePair(
  x: Prepared,
  y: Prepared,
  seeds: Map<SubmissionPart, [number, number][]>,
  k: number,
): PairSimilarity {
  const fragments: Fragment[] = [];
  let coveredA = 0;
  let coveredB = 0;
  let topFile: PairSimilarity['topFile'] = { part: 'gmm', score: 0 };
  for (const [part, partSeeds] of seeds) {
    const fileA = x.files[part]!;
    const fileB = y.files[part]!;
    // Every seed's exact match (one per run of a diagonal), then the longest first, each accepted only
    // where it is mostly new on both sides: a line repeated in B does not match A's line twice.
    const matches: [number, number, number][] = [];
    const done = new Map<number, [number, number][]>(); // diagonal → matched ranges of A
    for (const [seedA, seedB] of partSeeds) {
      const diagonal = seedA - seedB;
      if (done.get(diagonal)?.some(([from, to]) => seedA >= from && seedA < to)) continue;
      const match = extend(fileA.ids, fileB.ids, seedA, seedB);
      if (match[2] < k) continue; // a hash collision
      done.set(diagonal, [...(done.get(diagonal) ?? []), [match[0], match[0] + match[2]]]);
      matches.push(match);
    }
    const maskA = new Uint8Array(fileA.ids.length);
    const maskB = new Uint8Array(fileB.ids.length);
    const covered = (mask: Uint8Array, start: number, length: number) =>
      mask.subarray(start, start + length).reduce((sum, flag) => sum + flag, 0);
    for (const [startA, startB, length] of matches.sort((m, n) => n[2] - m[2])) {
      if (2 * covered(maskA, startA, length) > length || 2 * covered(maskB, startB, length) > length)
        continue;
      maskA.fill(1, startA, startA + length);
      maskB.fill(1, startB, startB + length);
      fragments.push({
        part,
        linesA: [fileA.tokens[startA].line, fileA.tokens[startA + length - 1].line],
        linesB: [fileB.tokens[startB].line, fileB.tokens[startB + length - 1].line],
        tokens: length,
      });
    }
    const partA = maskA.reduce((sum, flag, i) => sum + (flag & fileA.own[i]), 0);
    const partB = maskB.reduce((sum, flag, i) => sum + (flag & fileB.own[i]), 0);
    const partScore = (partA + partB) / Math.max(1, countOwn(fileA) + countOwn(fileB));
    if (partScore > topFile.score) topFile = { part, score: partScore };
    coveredA += partA;
    coveredB += partB;
  }
  const ownA = x.summary.ownTokens;
  const ownB = y.summary.ownTokens;
  return {
    a: x.summary.label,
    b: y.summary.label,
    score: (coveredA + coveredB) / Math.max(1, ownA + ownB),
    coverA: coveredA / Math.max(1, ownA),
    coverB: coveredB / Math.max(1, ownB),
    sharedTokens: coveredA + coveredB,
    topFile,
    fragments: fragments.sort((f, g) => g.tokens - f.tokens),
  };
}

/** Compares every pair of submissions; `skeleton` is the handed-out code (the files of skeleton/). */
export function compareSubmissions(
  submissions: SubmissionSources[],
  skeleton: SubmissionSources['files'],
  options: SimilarityOptions = DEFAULT_SIMILARITY_OPTIONS,
): SimilarityResult {
  if (!(options.k >= 1 && options.window >= 1 && options.maxShare > 0)) {
    throw new RangeError(
      `similarity options: need k ≥ 1, window ≥ 1, maxShare > 0, got ${JSON.stringify(options)}`,
    );
  }
  const vocabulary = new Vocabulary();
  const skeletonHashes = Object.fromEntries(
    PARTS.map((part) => {
      const source = skeleton[part];
      if (source === undefined) return [part, new Set<number>()];
      const tokens = tokenize(source);
      return [
        part,
        new Set(piecesOf(tokens, vocabulary.idsOf(tokens), options.k).map((piece) => piece.hash)),
      ];
    }),
  ) as Record<SubmissionPart, Set<number>>;

  const tokenized = submissions.map(({ files }) => {
    const byPart: Partial<Record<SubmissionPart, ReturnType<typeof tokenizeFile>>> = {};
    for (const part of PARTS) {
      const text = files[part];
      if (text !== undefined)
        byPart[part] = tokenizeFile(text, part, skeletonHashes[part], vocabulary, options.k);
    }
    return byPart;
  });

  // Code that more than maxShare of the class wrote identically is an idiom: it counts like the skeleton's.
  let commonFingerprints = 0;
  if (submissions.length >= MIN_SUBMISSIONS_FOR_SHARE && options.maxShare < 1) {
    const holders = new Map<string, number>();
    for (const byPart of tokenized) {
      for (const part of PARTS) {
        for (const hash of new Set(byPart[part]?.pieces.map((piece) => piece.hash))) {
          const key = `${part}:${hash}`;
          holders.set(key, (holders.get(key) ?? 0) + 1);
        }
      }
    }
    const limit = options.maxShare * submissions.length;
    const common = new Set([...holders].filter(([, count]) => count > limit).map(([key]) => key));
    commonFingerprints = common.size;
    for (const byPart of tokenized) {
      for (const part of PARTS) {
        const file = byPart[part];
        for (const { start, length, hash } of file?.pieces ?? []) {
          if (common.has(`${part}:${hash}`)) file!.own.fill(0, start, start + length);
        }
      }
    }
  }

  const prepared: Prepared[] = submissions.map(({ label, source }, s) => {
    const files: Prepared['files'] = {};
    let ownTokens = 0;
    for (const part of PARTS) {
      const file = tokenized[s][part];
      if (file === undefined) continue;
      files[part] = {
        tokens: file.tokens,
        ids: file.ids,
        own: file.own,
        fingerprints: fingerprintsOf(file, options),
      };
      ownTokens += countOwn(files[part]);
    }
    return { summary: { label, source, ownTokens }, files };
  });

  // Inverted index: (part, fingerprint) → the submissions holding it, with positions.
  const index = new Map<string, { submission: number; positions: number[] }[]>();
  prepared.forEach((submission, s) => {
    for (const part of PARTS) {
      for (const [hash, positions] of submission.files[part]?.fingerprints ?? []) {
        const key = `${part}:${hash}`;
        const holders = index.get(key);
        if (holders === undefined) index.set(key, [{ submission: s, positions }]);
        else holders.push({ submission: s, positions });
      }
    }
  });
  const seedsOfPair = new Map<number, Map<SubmissionPart, [number, number][]>>();
  for (const [key, holders] of index) {
    if (holders.length < 2) continue;
    const part = key.slice(0, key.indexOf(':')) as SubmissionPart;
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const pairKey = holders[i].submission * prepared.length + holders[j].submission;
        const seeds = seedsOfPair.get(pairKey) ?? new Map<SubmissionPart, [number, number][]>();
        const partSeeds = seeds.get(part) ?? [];
        for (const positionA of holders[i].positions)
          for (const positionB of holders[j].positions) partSeeds.push([positionA, positionB]);
        seeds.set(part, partSeeds);
        seedsOfPair.set(pairKey, seeds);
      }
    }
  }

  const pairs: PairSimilarity[] = [];
  for (const [pairKey, seeds] of seedsOfPair) {
    const a = prepared[Math.floor(pairKey / prepared.length)];
    const b = prepared[pairKey % prepared.length];
    for (const partSeeds of seeds.values()) partSeeds.sort((s, t) => s[0] - t[0] || s[1] - t[1]);
    const pair = comparePair(a, b, seeds, options.k);
    if (pair.sharedTokens > 0) pairs.push(pair);
  }
  pairs.sort((p, q) => q.score - p.score || q.sharedTokens - p.sharedTokens || p.a.localeCompare(q.a));
  return { options, submissions: prepared.map((p) => p.summary), pairs, commonFingerprints };
}
