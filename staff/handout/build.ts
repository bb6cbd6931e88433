/**
 * Builds the students' repository from this one. What ships is decided by rules over folders, not by
 * lists of files, so a file added under a shipped folder ships and one added under staff/ does not:
 *
 * - shipped folders: lib/ (what a submission may import), harness/ (the ready-made code students run),
 *   grader/ (grade and pack), skeleton/ (the five files to fill in), fixtures/ (the public ones) and
 *   data/europe/;
 * - left out of them: tests (*.test.ts) and test data (any testdata/ folder);
 * - never shipped: reference/, staff/ and everything else at the top level;
 * - generated: package.json with the students' scripts and dependencies, its package-lock.json pruned
 *   from the project's, tsconfig.json over the shipped folders, .gitignore and the students' README.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pruneLockfile, type Lockfile, type Manifest } from './lockfile.js';

/** The folders that ship, relative to the project root. */
export const SHIPPED_FOLDERS = ['lib', 'harness', 'grader', 'skeleton', 'fixtures', 'data/europe'];

/** Paths (relative, with /) inside the shipped folders that are left out. */
export const LEFT_OUT = [
  /\.test\.ts$/,
  /(^|\/)testdata\//,
  /(^|\/)\.grading-/,
  /(^|\/)node_modules\//,
  /(^|\/)\.DS_Store$/,
];

/** The students' commands (package.json scripts). `npm test` is the grader on their own files. */
export const STUDENT_SCRIPTS: Record<string, string> = {
  grade: 'tsx grader/cli.ts',
  test: 'tsx grader/cli.ts',
  pack: 'tsx grader/pack.ts',
  experiments: 'tsx harness/commands/experiments.ts',
  generate: 'tsx harness/commands/generate.ts',
  'data:shakespeare': 'tsx harness/commands/data-shakespeare.ts',
  typecheck: 'tsc -p tsconfig.json',
};

/** The project's packages the shipped code needs, to run and to grade (versions from the project). */
const STUDENT_DEPENDENCIES = {
  dependencies: [
    '@resvg/resvg-js',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-wasm',
    'chalk',
    'cli-table3',
    'commander',
    'pure-rand',
    'vega',
    'vega-lite',
    'yazl',
  ],
  optionalDependencies: ['@tensorflow/tfjs-node'],
  devDependencies: [
    '@types/jest',
    '@types/node',
    '@types/yazl',
    'esbuild-register',
    'jest',
    'ts-jest',
    'tsx',
    'typescript',
  ],
} as const;

const GITIGNORE = ['node_modules/', 'out/', 'data/shakespeare/', '/.grading-*/', 'ex5-*.zip', ''].join('\n');

/** The students' README, kept beside this file. */
const README = path.join(path.dirname(fileURLToPath(import.meta.url)), 'student-README.md');

export interface HandoutOptions {
  projectRoot: string;
  out: string;
}

const posix = (relative: string): string => relative.split(path.sep).join('/');

/** Every file of the shipped folders that the rules keep, relative to the root with /, sorted. */
export async function shippedFiles(projectRoot: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(projectRoot, relative), { withFileTypes: true })) {
      const child = posix(path.join(relative, entry.name));
      if (LEFT_OUT.some((pattern) => pattern.test(entry.isDirectory() ? `${child}/` : child))) continue;
      if (entry.isDirectory()) await visit(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  for (const folder of SHIPPED_FOLDERS) {
    if (!existsSync(path.join(projectRoot, folder)))
      throw new Error(`${folder}/ is missing from the project`);
    await visit(folder);
  }
  return files.sort();
}

/** The students' package.json: their scripts, and the project's versions of the packages they need. */
export function studentManifest(project: Manifest): Manifest {
  const pick = (names: readonly string[]): Record<string, string> =>
    Object.fromEntries(
      names.map((name) => {
        const range =
          project.dependencies?.[name] ??
          project.optionalDependencies?.[name] ??
          project.devDependencies?.[name];
        if (range === undefined) throw new Error(`the project's package.json does not list ${name}`);
        return [name, range];
      }),
    );
  return {
    name: 'ex5-handout',
    version: project.version,
    private: true,
    description: 'Exercise 5: mixture models and a character-level GPT in TensorFlow.js',
    type: 'module',
    engines: project.engines,
    dependencies: pick(STUDENT_DEPENDENCIES.dependencies),
    optionalDependencies: pick(STUDENT_DEPENDENCIES.optionalDependencies),
    devDependencies: pick(STUDENT_DEPENDENCIES.devDependencies),
    scripts: STUDENT_SCRIPTS,
  };
}

/** The project's tsconfig.json, over the shipped folders that hold code. */
function studentTsconfig(project: { include?: string[]; [key: string]: unknown }): object {
  const codeFolders = SHIPPED_FOLDERS.filter((folder) => !folder.includes('/') && folder !== 'fixtures');
  return { ...project, include: codeFolders };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the handout into `out` (which must not exist or be empty) and returns its files, sorted. */
export async function buildHandout({ projectRoot, out }: HandoutOptions): Promise<string[]> {
  if (existsSync(out) && (await readdir(out)).length > 0) {
    throw new Error(`${out} is not empty: give a new folder for the handout`);
  }
  const files = await shippedFiles(projectRoot);
  await mkdir(out, { recursive: true });
  try {
    for (const file of files) {
      await mkdir(path.dirname(path.join(out, file)), { recursive: true });
      await copyFile(path.join(projectRoot, file), path.join(out, file));
    }
    const readJson = async <T>(file: string): Promise<T> =>
      JSON.parse(await readFile(path.join(projectRoot, file), 'utf8')) as T;
    const manifest = studentManifest(await readJson<Manifest>('package.json'));
    const generated: Record<string, string> = {
      'package.json': json(manifest),
      'package-lock.json': json(pruneLockfile(await readJson<Lockfile>('package-lock.json'), manifest)),
      'tsconfig.json': json(studentTsconfig(await readJson('tsconfig.json'))),
      '.gitignore': GITIGNORE,
      'README.md': await readFile(README, 'utf8'),
    };
    for (const [name, text] of Object.entries(generated)) await writeFile(path.join(out, name), text);
    return [...files, ...Object.keys(generated)].sort();
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    throw error;
  }
}
