import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { runScript } from '../testing/run-script.js';
import { similarityCsv, similarityHtml } from './report.js';
import { compareSubmissions, type SimilarityResult, type SubmissionSources } from './similarity.js';
import { zipEntries } from '../../grader/integrity/handin.js';
import {
  disguisedCopy,
  independentSubmission,
  skeletonFiles,
  writeSubmission,
  type Files,
} from './testdata/corpus.js';

const PARTS = Object.entries(SUBMISSION_FILES) as [SubmissionPart, string][];

function sources(label: string, files: Files): SubmissionSources {
  return {
    label,
    source: label,
    files: Object.fromEntries(PARTS.map(([part, file]) => [part, files[file]])),
  };
}

/** Rank (1-based) of the pair {a, b}; Infinity when they share nothing. */
function rankOf(result: SimilarityResult, a: string, b: string): number {
  const index = result.pairs.findIndex((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  return index < 0 ? Number.POSITIVE_INFINITY : index + 1;
}

// 20 independent submissions; s03 is copied whole (renamed, reordered, reprinted), s11 whole with a
// second disguise, and s16's attention.ts and generation.ts only (the rest of that copy is s05's).
const INDEPENDENT: [string, Files][] = Array.from({ length: 20 }, (_, i) => [
  `s${String(i).padStart(2, '0')}`,
  independentSubmission(100 + i),
]);
const byLabel = new Map<string, Files>(INDEPENDENT);
const partialCopy = {
  ...disguisedCopy(byLabel.get('s05')!, 3),
  ...Object.fromEntries(
    ['attention.ts', 'generation.ts'].map((file) => [file, disguisedCopy(byLabel.get('s16')!, 4)[file]]),
  ),
};
const CORPUS: [string, Files][] = [
  ...INDEPENDENT,
  ['copy-of-s03', disguisedCopy(byLabel.get('s03')!, 1)],
  ['copy-of-s11', disguisedCopy(byLabel.get('s11')!, 2)],
  ['partial-copy', partialCopy],
];
const SKELETON = sources('skeleton', skeletonFiles());

describe('similarity ranking on the generated corpus', () => {
  let result: SimilarityResult;
  beforeAll(() => {
    result = compareSubmissions(
      CORPUS.map(([label, files]) => sources(label, files)),
      SKELETON.files,
    );
  });

  test('renamed, reordered, reprinted whole copies rank first and second', () => {
    expect([rankOf(result, 's03', 'copy-of-s03'), rankOf(result, 's11', 'copy-of-s11')].sort()).toEqual([
      1, 2,
    ]);
    expect(result.pairs[1].score).toBeGreaterThan(0.8);
  });

  test('every copied pair ranks above every pair of independent submissions', () => {
    const independentBest = result.pairs.find((p) => byLabel.has(p.a) && byLabel.has(p.b))!;
    for (const [a, b] of [
      ['s03', 'copy-of-s03'],
      ['s11', 'copy-of-s11'],
      ['s05', 'partial-copy'],
    ]) {
      const pair = result.pairs[rankOf(result, a, b) - 1];
      expect(pair.score).toBeGreaterThan(independentBest.score);
    }
  });

  test('a copy of two files shows in its most similar file and its longest fragments', () => {
    // Its overall score is diluted by the three files it did not copy; see the report for its rank.
    const pair = result.pairs[rankOf(result, 's16', 'partial-copy') - 1];
    expect(['attention.ts', 'generation.ts']).toContain(SUBMISSION_FILES[pair.topFile.part]);
    expect(pair.topFile.score).toBeGreaterThan(0.95);
    expect(['attention', 'generation']).toContain(pair.fragments[0].part);
  });

  test("the skeleton's code never counts: untouched skeletons share nothing", () => {
    const untouched = compareSubmissions(
      [sources('a', skeletonFiles()), sources('b', skeletonFiles())],
      SKELETON.files,
    );
    expect(untouched.submissions.map((s) => s.ownTokens)).toEqual([0, 0]);
    expect(untouched.pairs).toEqual([]);
    // without the skeleton removed the same pair would be identical
    const naive = compareSubmissions([sources('a', skeletonFiles()), sources('b', skeletonFiles())], {});
    expect(naive.pairs[0].score).toBe(1);
  });

  test('the CSV ranks every pair that shares code; the HTML shows the top pairs with the caveat', () => {
    const csv = similarityCsv(result).trim().split('\n');
    expect(csv[0]).toBe(
      'rank,a,b,score,cover_a,cover_b,top_file,top_file_score,shared_tokens,own_tokens_a,own_tokens_b,fragments',
    );
    expect(csv).toHaveLength(result.pairs.length + 1);
    expect(csv[1]).toMatch(/^1,(s03,copy-of-s03|s11,copy-of-s11),0\.\d{4},/);
    const html = similarityHtml(
      result,
      CORPUS.map(([label, files]) => sources(label, files)),
      3,
    );
    expect(html).toContain('A high score is a reason to look at a pair, not a verdict');
    expect(html.match(/<section id="pair-/g)).toHaveLength(3);
    expect(html).not.toMatch(/<tf\.|Tensor2D>/); // code is escaped (`as tf.Tensor2D` shows as text)
  });
});

describe('on the real reference and skeleton', () => {
  const read = (dir: string): Files =>
    Object.fromEntries(
      PARTS.map(([, file]) => [file, readFileSync(path.join(PROJECT_ROOT, dir, file), 'utf8')]),
    );

  test('a disguised copy of the reference is found; untouched skeletons share nothing', () => {
    const skeleton = read('skeleton');
    const reference = read('reference');
    const result = compareSubmissions(
      [
        sources('reference', reference),
        sources('copy', disguisedCopy(reference, 5)),
        sources('untouched-1', skeleton),
        sources('untouched-2', skeleton),
      ],
      sources('skeleton', skeleton).files,
    );
    expect(result.pairs.map(({ a, b }) => [a, b])).toEqual([['reference', 'copy']]);
    expect(result.pairs[0].score).toBeGreaterThan(0.9);
    expect(result.submissions.find((s) => s.label === 'untouched-1')!.ownTokens).toBe(0);
  });
});

describe('npm run similarity', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ex5-similarity-'));
    writeSubmission(path.join(dir, 'skeleton'), skeletonFiles());
    for (const [label, files] of CORPUS.slice(0, 6)) writeSubmission(path.join(dir, 'in', label), files);
    // a zip with its files in one top-level folder, as students often make them
    const copy = disguisedCopy(byLabel.get('s02')!, 9);
    const entries = new Map(
      Object.entries(copy).map(([file, text]) => [`ex5-copy/${file}`, Buffer.from(text)]),
    );
    writeFileSync(path.join(dir, 'in', 'ex5-7654321.zip'), await zipEntries(entries));
    writeFileSync(path.join(dir, 'in', 'ex5-broken.zip'), 'not a zip');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads folders and zips, skips what it cannot read, writes the ranked CSV and the page', () => {
    const run = runScript('staff/similarity/cli.ts', [
      path.join(dir, 'in'),
      '--out',
      path.join(dir, 'out'),
      '--skeleton',
      path.join(dir, 'skeleton'),
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^7 submissions, \d+ pairs share code/);
    const csv = readFileSync(path.join(dir, 'out', 'similarity.csv'), 'utf8').split('\n');
    expect(csv[1]).toMatch(/^1,(s02,7654321|7654321,s02),/);
    expect(readFileSync(path.join(dir, 'out', 'similarity.html'), 'utf8')).toContain('7654321');
  });

  test('a missing skeleton is an error, not a report that counts handed-out code', () => {
    const run = runScript('staff/similarity/cli.ts', [
      path.join(dir, 'in'),
      '--out',
      path.join(dir, 'out2'),
      '--skeleton',
      path.join(dir, 'nowhere'),
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/skeleton .*gmm\.ts is missing: the handed-out code cannot be removed/);
  });
});
