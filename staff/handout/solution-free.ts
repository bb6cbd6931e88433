/**
 * Whether files hold the reference's solution code: the solution bodies (the functions and methods the
 * skeleton blanks) whose whole token run, normalised as the similarity report normalises (tokens.ts:
 * declared names, strings, numbers, types and formatting do not matter), appears in a file. A file's
 * string literals (and a JSON file's strings) are examined as code too, so a solution quoted in test
 * data or a generated file is seen as well.
 *
 * Why whole bodies and not the report's pairwise score: against a reference file the score counts every
 * shared idiom (a guard clause, `tf.tidy(() => {`, `dataSync()` then `dispose()`), which gives the
 * ready-made code shares of up to a third of a reference file's solution lines, more than alternative
 * solutions written to differ get; a copied body, renamed or reformatted, is found whole.
 */
import path from 'node:path';
import ts from 'typescript';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { DEFAULT_SIMILARITY_OPTIONS } from '../similarity/similarity.js';
import { tokenize } from '../similarity/tokens.js';
import { solutionBodies } from './blanks.js';

export type SubmissionTexts = Record<SubmissionPart, string>;

const PARTS = Object.keys(SUBMISSION_FILES) as SubmissionPart[];
const CODE = /\.(ts|js|mjs|cjs)$/;

/** Strings of at least this many characters are also compared as code. */
const MIN_STRING = 40;

/** The texts of a file to compare: its code, and its long strings. */
export function candidates(file: string, text: string): string[] {
  const strings: string[] = [];
  if (file.endsWith('.json')) {
    const walk = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    try {
      walk(JSON.parse(text));
    } catch {
      strings.push(text);
    }
    return strings.filter((s) => s.length >= MIN_STRING);
  }
  if (!CODE.test(file)) return [text];
  const sourceFile = ts.createSourceFile(path.basename(file), text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) strings.push(node.getText(sourceFile).slice(1, -1));
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return [text, ...strings.filter((s) => s.length >= MIN_STRING)];
}

export interface FoundBody {
  file: string;
  /** `gmm.ts: GMM.logLikelihood` */
  body: string;
}

/** A solution body's normalised tokens inside its braces; bodies shorter than the report's k are left out. */
function normalisedBodies(reference: SubmissionTexts, skeleton: SubmissionTexts): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of PARTS) {
    const tokens = tokenize(reference[part]);
    for (const body of solutionBodies(reference[part], skeleton[part])) {
      const inside = tokens
        .filter(({ line }) => line >= body.lines[0] && line <= body.lines[1])
        .map(({ text }) => text)
        .slice(1, -1);
      if (inside.length >= DEFAULT_SIMILARITY_OPTIONS.k) {
        found.set(`${SUBMISSION_FILES[part]}: ${body.name}`, ` ${inside.join(' ')} `);
      }
    }
  }
  return found;
}

/** Every (file, solution body) where the body's normalised tokens appear, in order, in the file. */
export function solutionBodiesIn(
  files: { file: string; text: string }[],
  reference: SubmissionTexts,
  skeleton: SubmissionTexts,
): FoundBody[] {
  const bodies = normalisedBodies(reference, skeleton);
  const found: FoundBody[] = [];
  for (const { file, text } of files) {
    const streams = candidates(file, text).map(
      (candidate) =>
        ` ${tokenize(candidate)
          .map(({ text: token }) => token)
          .join(' ')} `,
    );
    for (const [body, tokens] of bodies) {
      if (streams.some((stream) => stream.includes(tokens))) found.push({ file, body });
    }
  }
  return found;
}
