/**
 * Builds Gradescope's autograder.zip: setup.sh and run_autograder at its root (as Gradescope requires),
 * next to the project files grading needs — the same ones each sandbox gets, never the reference
 * solution, tests or the hostile corpus — and the TA's hidden fixtures as hidden-fixtures/.
 * Entries are sorted and dated 1980-01-01, so the same tree always gives the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { checkFixtureSet } from '../../grader/fixtures.js';
import { SANDBOX_ENTRIES } from '../batch/sandbox.js';
import { HIDDEN_FIXTURES_ENTRY } from './autograder.js';

const FIXED_TIME = new Date(1980, 0, 1);
const LEFT_OUT = [
  /\.test\.ts$/,
  /(^|\/)testdata\//,
  /^staff\/hostile\//,
  /(^|\/)\.grading-/,
  /(^|\/)\.DS_Store$/,
];

export interface BundleOptions {
  projectRoot: string;
  out: string;
  hiddenFixturesDir?: string;
}

/** Zip path → file on disk, for every entry of the package. */
async function collect(options: BundleOptions): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const add = async (zipPath: string, file: string): Promise<void> => {
    if ((await stat(file)).isDirectory()) {
      for (const name of await readdir(file)) await add(`${zipPath}/${name}`, path.join(file, name));
    } else if (!LEFT_OUT.some((pattern) => pattern.test(zipPath))) {
      files.set(zipPath, file);
    }
  };
  for (const entry of [...SANDBOX_ENTRIES, path.join('staff', 'gradescope'), 'package-lock.json']) {
    await add(entry, path.join(options.projectRoot, entry));
  }
  if (options.hiddenFixturesDir) {
    checkFixtureSet(options.hiddenFixturesDir);
    await add(HIDDEN_FIXTURES_ENTRY, path.resolve(options.hiddenFixturesDir));
  }
  for (const script of ['setup.sh', 'run_autograder']) {
    files.set(script, path.join(options.projectRoot, 'staff', 'gradescope', script));
  }
  return files;
}

/** Writes the zip and returns its entries' names, sorted. */
export async function buildAutograderZip(options: BundleOptions): Promise<string[]> {
  const files = await collect(options);
  const names = [...files.keys()].sort();
  const zip = new yazl.ZipFile();
  for (const name of names) {
    const executable = name === 'setup.sh' || name === 'run_autograder';
    zip.addBuffer(await readFile(files.get(name)!), name, {
      mtime: FIXED_TIME,
      mode: executable ? 0o100755 : 0o100644,
    });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(options.out)).on('close', resolve).on('error', reject);
  });
  return names;
}
