/**
 * One source for the given code: skeleton/ is reference/ with the blanks. Outside the bodies that the
 * skeleton blanks (one `throw new Error('… not implemented …')` each), both files hold the same code
 * token for token; comments, formatting and which names an import brings in may differ (the skeleton
 * explains more and imports the helpers its hints name).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/paths.js';
import { bodies, blankNames, codeOutsideBlanks } from './blanks.js';

const read = (dir: string, part: SubmissionPart): string =>
  readFileSync(path.join(PROJECT_ROOT, dir, SUBMISSION_FILES[part]), 'utf8');

describe.each(Object.keys(SUBMISSION_FILES) as SubmissionPart[])('%s', (part) => {
  const reference = read('reference', part);
  const skeleton = read('skeleton', part);
  const blanks = blankNames(skeleton);

  test('the skeleton blanks bodies the reference has', () => {
    expect(blanks.length).toBeGreaterThan(0);
    const referenceNames = bodies(reference).map((body) => body.name);
    expect(referenceNames).toEqual(expect.arrayContaining(blanks));
  });

  test('outside the blanks, the skeleton is the reference token for token', () => {
    const outside = (text: string) => codeOutsideBlanks(text, new Set(blanks)).join(' ');
    expect(outside(skeleton)).toBe(outside(reference));
  });
});

describe('codeOutsideBlanks', () => {
  const reference =
    'class A {\n  f(x: number) {\n    return `${x}` + 1;\n  }\n  g() {\n    return 2;\n  }\n}\n';
  const skeleton =
    "class A {\n  // fill in\n  f(x: number) {\n    throw new Error('A.f: not implemented');\n  }\n  g() { return 2; }\n}\n";

  test('a blank is one throw that says "not implemented"', () => {
    expect(blankNames(skeleton)).toEqual(['A.f']);
  });

  test('a change outside the blanks is seen, one inside is not', () => {
    const outside = (text: string) => codeOutsideBlanks(text, new Set(['A.f'])).join(' ');
    expect(outside(skeleton)).toBe(outside(reference));
    expect(outside(reference.replace('return 2', 'return 3'))).not.toBe(outside(skeleton));
  });
});
