/**
 * Hostile and broken submissions, as data: each is the reference or the skeleton with one change to
 * one file, materialised into a folder at test time. Each says what grading it honestly gives, relative
 * to its base graded in the same batch: its status, and its base's score less the groups it breaks.
 * Cheats are built on the skeleton and must score exactly what the skeleton scores.
 *
 * Code that should really run uses RUNTIME to reach `process` past the grader's static import check
 * (a computed member name cannot be judged statically), as a determined student would.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import type { Status } from '../batch/outcome.js';
import type { Group } from '../../grader/results.js';

export type Base = 'reference' | 'skeleton';
type SubmissionFile = (typeof SUBMISSION_FILES)[keyof typeof SUBMISSION_FILES];

export type Change = { append: string } | { content: string } | { remove: true };

export interface HostileCase {
  id: string;
  /** What it does, in a few words. */
  what: string;
  base: Base;
  file: SubmissionFile;
  change: Change;
  expect: {
    status: Status;
    /** Groups whose points are lost against the base ('all': score 0). */
    lose: Group[] | 'all';
    /** false: at most that score (which later groups an endless loop costs depends on the test order). */
    exact: boolean;
  };
}

/** `process`, reached through the Function constructor without writing `.constructor` or `process`. */
const RUNTIME =
  "const runtime = ((() => 0)['constr' + 'uctor' as 'constructor'] as (code: string) => () => any)('return process')();";
/** The global object, likewise. */
const GLOBAL =
  "const global_ = ((() => 0)['constr' + 'uctor' as 'constructor'] as (code: string) => () => any)('return this')();";
const FS = `${RUNTIME}\nconst fs = runtime.getBuiltinModule('fs');\nconst path = runtime.getBuiltinModule('path');`;

export const HOSTILE_CASES: HostileCase[] = [
  {
    id: 'whitespace',
    what: 'the reference with one more blank line: graded again, it must score the same, test by test',
    base: 'reference',
    file: 'gmm.ts',
    change: { append: '\n' },
    expect: { status: 'graded', lose: [], exact: true },
  },
  {
    id: 'syntax-error',
    what: 'a syntax error in gmm.ts',
    base: 'reference',
    file: 'gmm.ts',
    change: { append: '\nexport const broken = ;\n' },
    expect: { status: 'compile-error', lose: ['GMM'], exact: true },
  },
  {
    id: 'type-error',
    what: 'a type error in training.ts (runs, but does not compile)',
    base: 'reference',
    file: 'training.ts',
    change: { append: "\nexport const typeError: number = 'not a number';\n" },
    expect: { status: 'compile-error', lose: [], exact: true },
  },
  {
    id: 'missing-file',
    what: 'umm.ts left out',
    base: 'reference',
    file: 'umm.ts',
    change: { remove: true },
    expect: { status: 'compile-error', lose: ['UMM'], exact: true },
  },
  {
    id: 'missing-export',
    what: 'training.ts exports a number gptLoss and no lastCharacterAccuracy',
    base: 'reference',
    file: 'training.ts',
    change: { content: 'export const gptLoss = 1;\n' },
    expect: { status: 'compile-error', lose: ['GPT step'], exact: true },
  },
  {
    id: 'constructor-throws',
    what: 'a GMM whose constructor throws',
    base: 'reference',
    file: 'gmm.ts',
    change: {
      content: [
        'export class GMM {',
        "  constructor() { throw new Error('GMM refuses to be built'); }",
        '  static random(): GMM { return new GMM(); }',
        '}',
        '',
      ].join('\n'),
    },
    expect: { status: 'graded', lose: ['GMM'], exact: true },
  },
  {
    id: 'endless-loop',
    what: 'an endless loop when generation.ts is imported',
    base: 'reference',
    file: 'generation.ts',
    change: { append: '\nfor (let spin = 0; spin >= 0; spin = (spin + 1) % 7) {}\n' },
    expect: { status: 'timeout', lose: ['generation'], exact: false },
  },
  {
    id: 'heap-hog',
    what: 'JavaScript objects allocated without end in umm.ts',
    base: 'reference',
    file: 'umm.ts',
    change: {
      append: '\nconst hog: number[][] = [];\nfor (;;) hog.push(new Array(1e5).fill(hog.length));\n',
    },
    expect: { status: 'out-of-memory', lose: 'all', exact: false },
  },
  {
    id: 'buffer-hog',
    what: 'typed arrays (outside the JavaScript heap) allocated without end',
    base: 'reference',
    file: 'umm.ts',
    change: { append: '\nconst hog: Uint8Array[] = [];\nfor (;;) hog.push(new Uint8Array(5e7).fill(1));\n' },
    expect: { status: 'out-of-memory', lose: 'all', exact: false },
  },
  {
    id: 'exit-plain',
    what: 'process.exit(0) at import, written plainly: the allowed-imports rule keeps gmm.ts out',
    base: 'reference',
    file: 'gmm.ts',
    change: { append: '\nprocess.exit(0);\n' },
    expect: { status: 'graded', lose: ['GMM'], exact: true },
  },
  {
    id: 'exit-hidden',
    what: 'process.exit(0) at import, past the static check',
    base: 'reference',
    file: 'gmm.ts',
    change: { append: `\n${RUNTIME}\nruntime.exit(0);\n` },
    // the exit ends Jest's worker during the GMM suite only; the worker is restarted for the other suites
    expect: { status: 'graded', lose: ['GMM'], exact: true },
  },
  {
    id: 'stdout-flood',
    what: '50 MB printed to stdout and stderr at import',
    base: 'reference',
    file: 'training.ts',
    change: {
      append: `\n${RUNTIME}\nfor (let i = 0; i < 25_000; i++) {\n  runtime.stdout.write('x'.repeat(999) + '\\n');\n  runtime.stderr.write('y'.repeat(999) + '\\n');\n}\n`,
    },
    expect: { status: 'graded', lose: [], exact: true },
  },
  {
    id: 'vandal',
    what: 'overwrites fixtures, rubric and grader code in its sandbox and in the original project',
    base: 'reference',
    file: 'training.ts',
    change: {
      append: `
${FS}
const vandalise = (dir: string) => {
  const targets = [
    ['fixtures', 'gmm.json'], ['fixtures', 'step.json'], ['grader', 'rubric.json'], ['grader', 'scorer.ts'],
    ['grader', 'grade.ts'], ['lib', 'contract.ts'], ['grader', 'batch', 'worker.ts'],
  ];
  for (const target of targets) {
    try { fs.writeFileSync(path.join(dir, ...target), '{"vandalised": true}'); } catch { /* read-only: fine */ }
  }
};
vandalise(runtime.cwd());
try { vandalise(path.dirname(fs.realpathSync(path.join(runtime.cwd(), 'node_modules')))); } catch { /* no link */ }
try { fs.writeFileSync(path.join(fs.realpathSync(path.join(runtime.cwd(), 'node_modules')), 'vandal.txt'), 'x'); } catch {}
`,
    },
    expect: { status: 'graded', lose: [], exact: true },
  },
  {
    id: 'monkey-patch',
    what: 'patches Math, expect, Array and tfjs so that every comparison passes',
    base: 'skeleton',
    file: 'gmm.ts',
    change: {
      append: `
${GLOBAL}
const yes: any = new Proxy(function () {}, { get: () => yes, apply: () => yes });
global_.expect = yes;
global_.Math.abs = () => 0;
global_.Math.max = () => 0;
global_.Math.random = () => 0;
global_.Number.isFinite = () => true;
global_.Number.isNaN = () => false;
global_.Array.prototype.every = () => true;
global_.Array.prototype.some = () => false;
(tf.Tensor.prototype as any).dataSync = function (this: tf.Tensor) { return new Float32Array(this.size); };
`,
    },
    expect: { status: 'graded', lose: [], exact: true },
  },
  {
    id: 'fixture-reader',
    what: 'GMM.logLikelihood reads the fixture files and returns their expected values',
    base: 'skeleton',
    file: 'gmm.ts',
    change: {
      append: `
${FS}
const fixturesDir: string = runtime.env.EX5_FIXTURES || path.join(runtime.cwd(), 'fixtures');
const known: { x: number[][]; logLikelihood: number[] }[] = [];
for (const dir of [fixturesDir, runtime.env.EX5_HIDDEN_FIXTURES].filter(Boolean)) {
  for (const name of fs.readdirSync(dir)) {
    try { known.push(...JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')).cases.filter((c: any) => c.x && c.logLikelihood)); } catch {}
  }
}
const honest = GMM.prototype.logLikelihood;
GMM.prototype.logLikelihood = function (x: tf.Tensor2D): tf.Tensor1D {
  const rows = JSON.stringify(x.arraySync());
  const match = known.find((c) => JSON.stringify(c.x.map((r) => r.map((v) => Math.fround(v)))) === rows);
  return match ? tf.tensor1d(match.logLikelihood) : honest.call(this, x);
};
`,
    },
    expect: { status: 'graded', lose: [], exact: true },
  },
  {
    id: 'forged-results',
    what: 'writes an all-passed line for every rubric test wherever results might go (a results file named in the environment, descriptor 3), then exits',
    base: 'skeleton',
    file: 'training.ts',
    change: {
      append: `
${FS}
const suites = path.join(runtime.cwd(), 'grader', 'suites');
const rubric = JSON.parse(fs.readFileSync(path.join(runtime.cwd(), 'grader', 'rubric.json'), 'utf8'));
// the reporter's format: one line per test, then one per finished file
let forged = '';
for (const t of rubric.tests) {
  const file = path.join(suites, t.id.split('.')[0] + '.grade.ts');
  forged += JSON.stringify({ file, title: '[' + t.id + '] ' + t.name, status: 'passed', failureMessages: [] }) + '\\n';
}
for (const name of fs.readdirSync(suites)) {
  forged += JSON.stringify({ file: path.join(suites, name), error: null }) + '\\n';
}
const target: string | undefined = runtime.env.EX5_RESULTS_FILE;
if (target) fs.appendFileSync(target, forged);
try {
  fs.writeSync(3, forged);
} catch {
  // no such descriptor here
}
runtime.exit(0); // before the real results of the suites still to come can follow
`,
    },
    expect: { status: 'graded', lose: [], exact: true },
  },
];

/** Writes one case into `<dir>/<id>/` from the project's reference/ or skeleton/. */
export async function materialiseCase(
  projectRoot: string,
  hostile: HostileCase,
  dir: string,
): Promise<string> {
  const target = path.join(dir, hostile.id);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const file of Object.values(SUBMISSION_FILES)) {
    await cp(path.join(projectRoot, hostile.base, file), path.join(target, file));
  }
  const file = path.join(target, hostile.file);
  const change = hostile.change;
  if ('remove' in change) {
    await rm(file);
  } else if ('content' in change) {
    await writeFile(file, change.content);
  } else {
    await writeFile(file, (await readFile(file, 'utf8')) + change.append);
  }
  return target;
}

/** The bases themselves, under their own names, so that a batch grades them alongside the cases. */
export async function materialiseBases(projectRoot: string, dir: string, bases: Base[]): Promise<void> {
  for (const base of bases) {
    await mkdir(path.join(dir, base), { recursive: true });
    for (const file of Object.values(SUBMISSION_FILES)) {
      await cp(path.join(projectRoot, base, file), path.join(dir, base, file));
    }
  }
}
