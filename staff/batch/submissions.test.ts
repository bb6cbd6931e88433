import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { readmeText } from '../../grader/integrity/handin.js';
import {
  embeddedId,
  findSubmissions,
  gradescopeIds,
  readmeId,
  fingerprint,
  readIdentity,
  readmeIdentity,
  readSubmission,
  submissionId,
  type SubmissionSource,
} from './submissions.js';
import { isSafeEntryName, readZipEntries, UnreadableSubmissionError } from './unzip.js';

const NAMES = Object.values(SUBMISSION_FILES);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ex5-submissions-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface ZipEntry {
  name: string;
  content?: string | Buffer;
  mode?: number;
}

function zipBuffer(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(Buffer.from(entry.content ?? `// ${entry.name}\n`), entry.name, { mode: entry.mode });
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

async function writeZip(name: string, entries: ZipEntry[]): Promise<SubmissionSource> {
  return writeZipIn(dir, name, entries);
}

async function writeZipIn(folder: string, name: string, entries: ZipEntry[]): Promise<SubmissionSource> {
  const file = path.join(folder, name);
  writeFileSync(file, await zipBuffer(entries));
  return { id: submissionId(name), path: file, kind: 'zip' };
}

/** yazl refuses unsafe names, so write a safe one of the same length and patch it in place. */
async function writeZipWithRawName(
  name: string,
  safeName: string,
  rawName: string,
): Promise<SubmissionSource> {
  expect(rawName.length).toBe(safeName.length);
  const bytes = await zipBuffer([...NAMES.map((n) => ({ name: n })), { name: safeName }]);
  const patched = Buffer.from(bytes.toString('latin1').replaceAll(safeName, rawName), 'latin1');
  const file = path.join(dir, name);
  writeFileSync(file, patched);
  return { id: submissionId(name), path: file, kind: 'zip' };
}

async function unreadableReason(source: SubmissionSource): Promise<string> {
  const error = await readSubmission(source).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnreadableSubmissionError);
  return (error as Error).message;
}

describe('submission IDs and discovery', () => {
  test('the ID is the name without ex5- and .zip', () => {
    expect(submissionId('ex5-s1234567.zip')).toBe('s1234567');
    expect(submissionId('ex5-anna.ZIP')).toBe('anna');
    expect(submissionId('bob')).toBe('bob');
  });

  test('folders and zips are found, other files skipped with why, sorted by ID', async () => {
    mkdirSync(path.join(dir, 'ex5-b'));
    writeFileSync(path.join(dir, 'ex5-a.zip'), '');
    writeFileSync(path.join(dir, 'notes.txt'), '');
    mkdirSync(path.join(dir, '.hidden'));
    const { sources, skipped } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['a', 'zip'],
      ['b', 'folder'],
    ]);
    expect(skipped).toEqual([{ name: 'notes.txt', reason: 'not a folder or a .zip' }]);
  });

  test('a second entry with one ID is an unreadable row naming the first, not an abort', async () => {
    mkdirSync(path.join(dir, 'ex5-a'));
    writeFileSync(path.join(dir, 'ex5-a.zip'), '');
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['a', 'folder'],
      ['a.2', 'unreadable'],
    ]);
    expect(await unreadableReason(sources[1])).toBe(
      'ex5-a.zip: a second submission for ID a (the first: ex5-a); grade one of them',
    );
  });

  test('a missing submissions folder is a one-line error', async () => {
    await expect(findSubmissions(path.join(dir, 'nope'))).rejects.toThrow(/does not exist/);
  });

  test('a folder without any submission is an error, not an empty gradebook', async () => {
    writeFileSync(path.join(dir, 'notes.txt'), '');
    mkdirSync(path.join(dir, '.hidden'));
    await expect(findSubmissions(dir)).rejects.toThrow(`submissions folder ${dir}: holds no submissions`);
  });
});

/** A hand-in as `npm run pack` writes it: the five files and its README. */
function handin(id: string, prefix = ''): ZipEntry[] {
  return [
    ...NAMES.map((name) => ({ name: `${prefix}${name}`, content: `// ${id} ${name}\n` })),
    { name: `${prefix}README.md`, content: readmeText({ name: 'Ada Lovelace', user: 'ada', id }) },
  ];
}

describe('submissions as course platforms deliver them', () => {
  test('IDs from platform names, the embedded ex5-<ID> first', () => {
    expect(embeddedId('ex5-1234567.zip')).toBe('1234567');
    expect(embeddedId('Ada Lovelace_1234_assignsubmission_file_ex5-1234567.zip')).toBe('1234567');
    expect(embeddedId('lovelaceada_12345_6789012_ex5-1234567.zip')).toBe('1234567');
    expect(embeddedId('lovelaceada_12345_late_6789012_ex5-1234567-1.zip')).toBe('1234567');
    expect(embeddedId('lovelaceada_12345_6789012_handin.zip')).toBeUndefined();
    expect(readmeId(readmeText({ name: 'Ada Lovelace', user: 'ada', id: '7654321' }))).toBe('7654321');
    expect(readmeId('- ID: ../../etc')).toBeUndefined();
  });

  test("Moodle's and Canvas's names: the ID from the name, else from the hand-in's README", async () => {
    await writeZip('Ada Lovelace_1234_assignsubmission_file_ex5-1234567.zip', handin('1234567'));
    await writeZip('lovelaceada_12345_6789012_ex5-2345678.zip', handin('2345678'));
    await writeZip('turingalan_12346_late_6789013_handin.zip', handin('3456789', 'handin/'));
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['1234567', 'zip'],
      ['2345678', 'zip'],
      ['3456789', 'zip'],
    ]);
    const files = await readSubmission(sources[2]);
    expect(files.get('gmm.ts')!.toString()).toBe('// 3456789 gmm.ts\n');
  });

  test("a platform's zip with no ID in its name or README is an unreadable row that says so", async () => {
    await writeZip(
      'lovelaceada_12345_6789012_handin.zip',
      NAMES.map((name) => ({ name })),
    );
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['lovelaceada_12345_6789012_handin.zip', 'unreadable'],
    ]);
    expect(await unreadableReason(sources[0])).toMatch(
      /^lovelaceada_12345_6789012_handin\.zip: no student ID/,
    );
  });

  test("Gradescope's export: submission_<n>/ folders, IDs from the README or submission_metadata.yml", async () => {
    writeFileSync(
      path.join(dir, 'submission_metadata.yml'),
      [
        'submission_101:',
        '  :submitters:',
        '  - :name: Alan Turing',
        "    :sid: '4567890'",
        '    :email: alan@example.org',
        '  :score: 0.0',
        'submission_102:',
        '  :submitters:',
        '  - :name: Ada Lovelace',
        "    :sid: '1234567'",
        '',
      ].join('\n'),
    );
    mkdirSync(path.join(dir, 'submission_101'));
    for (const name of NAMES) writeFileSync(path.join(dir, 'submission_101', name), name);
    mkdirSync(path.join(dir, 'submission_102'));
    // the platform's metadata outranks what the student wrote in the README
    writeFileSync(
      path.join(dir, 'submission_101', 'README.md'),
      readmeText({ name: 'X', user: 'x', id: '9999999' }),
    );
    for (const { name, content } of handin('1234567')) {
      writeFileSync(path.join(dir, 'submission_102', name), content!);
    }
    mkdirSync(path.join(dir, 'submission_103'));
    for (const name of NAMES) writeFileSync(path.join(dir, 'submission_103', name), name);
    writeFileSync(
      path.join(dir, 'submission_103', 'submission_metadata.yml'),
      ":submitters:\n- :sid: '5678901'\n",
    );
    const { sources, skipped } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['1234567', 'folder'],
      ['4567890', 'folder'],
      ['5678901', 'folder'],
    ]);
    expect(skipped).toEqual([
      { name: 'submission_metadata.yml', reason: "Gradescope's metadata (IDs read from it)" },
    ]);
    expect([...(await readSubmission(sources[1])).keys()].sort()).toEqual([...NAMES].sort());
  });

  test('one zip of all submissions: zips, per-student folders and folders of files inside it', async () => {
    const inner = async (entries: ZipEntry[]) => zipBuffer(entries);
    await writeZip('all-submissions.zip', [
      { name: 'export/ex5-1234567.zip', content: await inner(handin('1234567')) },
      {
        name: 'export/Alan Turing_1235_assignsubmission_file_/ex5-2345678.zip',
        content: await inner(handin('2345678')),
      },
      ...handin('3456789', 'export/submission_7/'),
      { name: 'export/notes.txt' },
      { name: 'export/broken.tar.gz', content: 'not really' },
      { name: 'export/lovelaceada_1_2_ex5-4567890.zip', content: 'PK\u0003\u0004 not a zip' },
    ]);
    const { sources, skipped } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['1234567', 'zip'],
      ['2345678', 'zip'],
      ['3456789', 'files'],
      ['4567890', 'zip'],
      ['broken.tar.gz', 'unreadable'],
    ]);
    expect(skipped).toEqual([{ name: 'all-submissions.zip/notes.txt', reason: 'not a folder or a .zip' }]);
    for (const source of sources.slice(0, 3)) {
      expect((await readSubmission(source)).get('gmm.ts')!.toString()).toBe(`// ${source.id} gmm.ts\n`);
    }
    expect(await unreadableReason(sources[3])).toMatch(
      /lovelaceada_1_2_ex5-4567890\.zip: not a readable zip/,
    );
    expect(await unreadableReason(sources[4])).toMatch(/broken\.tar\.gz: a \.tar\.gz archive, not a zip/);
  });

  test('a zip of all submissions with an unsafe entry is one unreadable row', async () => {
    const bytes = await zipBuffer([
      { name: 'ex5-1234567.zip', content: await zipBuffer(handin('1234567')) },
      { name: 'aa/evil.zip' },
    ]);
    const patched = Buffer.from(bytes.toString('latin1').replaceAll('aa/evil.zip', '../evil.zip'), 'latin1');
    writeFileSync(path.join(dir, 'all.zip'), patched);
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([['all', 'unreadable']]);
  });

  test('an archive that is not a zip is an unreadable row, not a silent skip', async () => {
    writeFileSync(path.join(dir, 'ex5-1234567.tar.gz'), 'x');
    mkdirSync(path.join(dir, 'ex5-a'));
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([
      ['1234567', 'unreadable'],
      ['a', 'folder'],
    ]);
    // a hostile zip with a `..` entry and a plain name keeps its name as the ID
    await writeZipWithRawName('zip-slip.zip', 'aa/evil.ts', '../evil.ts');
    expect((await findSubmissions(dir)).sources.map((source) => [source.id, source.kind])).toContainEqual([
      'zip-slip',
      'unreadable',
    ]);
    expect(await unreadableReason(sources[0])).toBe(
      'ex5-1234567.tar.gz: a .tar.gz archive, not a zip: hand in ex5-<ID>.zip (npm run pack)',
    );
  });

  test('a zip named by its README alone: the README is read once, at discovery, for ID and name', async () => {
    const zip = await writeZip('turingalan_12346_late_6789013_handin.zip', handin('3456789', 'handin/'));
    mkdirSync(path.join(dir, 'anna'));
    for (const { name, content } of handin('4567890')) writeFileSync(path.join(dir, 'anna', name), content!);
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => source.id)).toEqual(['3456789', '4567890']);
    // gone after discovery: the gradebook's name and login come from that one read, not a second
    rmSync(zip.path);
    rmSync(path.join(dir, 'anna', 'README.md'));
    for (const source of sources)
      expect(await readIdentity(source)).toEqual({ name: 'Ada Lovelace', login: 'ada' });
  });

  test('a zip named by the platform: its README is read only when grading asks for the name', async () => {
    await writeZip('ex5-1234567.zip', handin('1234567'));
    const { sources } = await findSubmissions(dir);
    expect(sources[0].identity).toBeUndefined();
    expect(await readIdentity(sources[0])).toEqual({ name: 'Ada Lovelace', login: 'ada' });
  });

  test("Gradescope's folders that hold only the student's zip: each zip is opened", async () => {
    writeFileSync(
      path.join(dir, 'submission_metadata.yml'),
      "submission_101:\n  :submitters:\n  - :name: Alan Turing\n    :sid: '4567890'\n",
    );
    mkdirSync(path.join(dir, 'submission_101'));
    writeFileSync(path.join(dir, 'submission_101', 'ex5-9999999.zip'), await zipBuffer(handin('9999999')));
    mkdirSync(path.join(dir, 'submission_102'));
    writeFileSync(path.join(dir, 'submission_102', 'ex5-1234567.zip'), await zipBuffer(handin('1234567')));
    mkdirSync(path.join(dir, 'submission_103'));
    writeFileSync(
      path.join(dir, 'submission_103', 'handin.zip'),
      await zipBuffer(handin('2345678', 'handin/')),
    );
    mkdirSync(path.join(dir, 'submission_104'));
    writeFileSync(path.join(dir, 'submission_104', 'notes.txt'), 'no hand-in');
    const { sources } = await findSubmissions(dir);
    // the platform's :sid: first, then the zip's name, then its README; a folder without either stays a row
    expect(sources.map((source) => [source.id, source.kind, path.basename(source.path)])).toEqual([
      ['1234567', 'zip', 'ex5-1234567.zip'],
      ['2345678', 'zip', 'handin.zip'],
      ['4567890', 'zip', 'ex5-9999999.zip'],
      ['submission_104', 'folder', 'submission_104'],
    ]);
    for (const source of sources.slice(0, 3)) {
      const files = await readSubmission(source);
      expect([...files.keys()].sort()).toEqual([...NAMES].sort());
    }
    expect((await readSubmission(sources[0])).get('gmm.ts')!.toString()).toBe('// 1234567 gmm.ts\n');
    expect(await unreadableReason(sources[3])).toMatch(/none of gmm\.ts/);

    // the same export as one zip: the same IDs
    const archive = path.join(os.tmpdir(), `ex5-gradescope-${path.basename(dir)}`);
    mkdirSync(archive);
    try {
      await writeZipIn(archive, 'export.zip', [
        { name: 'submission_metadata.yml', content: readFileSync(path.join(dir, 'submission_metadata.yml')) },
        { name: 'submission_101/ex5-9999999.zip', content: await zipBuffer(handin('9999999')) },
        { name: 'submission_103/handin.zip', content: await zipBuffer(handin('2345678', 'handin/')) },
      ]);
      const zipped = await findSubmissions(archive);
      expect(zipped.sources.map((source) => [source.id, source.kind])).toEqual([
        ['2345678', 'zip'],
        ['4567890', 'zip'],
      ]);
    } finally {
      rmSync(archive, { recursive: true, force: true });
    }
  });

  test('a folder with submission files and a zip beside them is graded from its files', async () => {
    mkdirSync(path.join(dir, 'ex5-a', 'inner'), { recursive: true });
    for (const name of NAMES) writeFileSync(path.join(dir, 'ex5-a', 'inner', name), name);
    writeFileSync(path.join(dir, 'ex5-a', 'old.zip'), await zipBuffer(handin('1234567')));
    const { sources } = await findSubmissions(dir);
    expect(sources.map((source) => [source.id, source.kind])).toEqual([['a', 'folder']]);
  });

  test('gradescopeIds reads the first submitter of each folder', () => {
    expect(gradescopeIds("submission_1:\n  :submitters:\n  - :sid: '123456'\n  - :sid: '999999'\n")).toEqual(
      new Map([['submission_1', '123456']]),
    );
  });
});

describe('reading a zip safely', () => {
  test('files at the root of the zip', async () => {
    const files = await readSubmission(
      await writeZip(
        'ex5-a.zip',
        NAMES.map((name) => ({ name })),
      ),
    );
    expect([...files.keys()].sort()).toEqual([...NAMES].sort());
    expect(files.get('gmm.ts')!.toString()).toBe('// gmm.ts\n');
  });

  test('files inside one top-level folder; __MACOSX and other files ignored', async () => {
    const source = await writeZip('ex5-a.zip', [
      { name: 'ex5-a/' },
      ...NAMES.map((name) => ({ name: `ex5-a/${name}` })),
      { name: '__MACOSX/ex5-a/._gmm.ts' },
      { name: '__MACOSX/gmm.ts' },
      { name: 'ex5-a/notes.md' },
    ]);
    const files = await readSubmission(source);
    expect([...files.keys()].sort()).toEqual([...NAMES].sort());
  });

  test('a missing file is not unreadable: the grader scores it', async () => {
    const files = await readSubmission(await writeZip('ex5-a.zip', [{ name: 'gmm.ts' }]));
    expect([...files.keys()]).toEqual(['gmm.ts']);
  });

  test('files in two folders are ambiguous', async () => {
    const reason = await unreadableReason(
      await writeZip('ex5-a.zip', [{ name: 'x/gmm.ts' }, { name: 'y/umm.ts' }]),
    );
    expect(reason).toMatch(/more than one folder: x, y/);
  });

  test('no submission file at all', async () => {
    const reason = await unreadableReason(
      await writeZip('ex5-a.zip', [{ name: 'a/b/gmm.ts' }, { name: 'x.txt' }]),
    );
    expect(reason).toMatch(/none of gmm.ts/);
  });

  test('zip-slip: a `..` entry makes the zip unreadable', async () => {
    const reason = await unreadableReason(await writeZipWithRawName('ex5-a.zip', 'aa/evil.ts', '../evil.ts'));
    expect(reason).toMatch(/ex5-a\.zip/);
    expect(reason).toMatch(/\.\.\/evil\.ts|invalid relative path/);
  });

  test('an absolute entry name makes the zip unreadable', async () => {
    const reason = await unreadableReason(
      await writeZipWithRawName('ex5-a.zip', 'tmp/evil.ts', '/tm/evil.ts'),
    );
    expect(reason).toMatch(/absolute path|outside/);
  });

  test('a symbolic link entry makes the zip unreadable', async () => {
    const source = await writeZip('ex5-a.zip', [
      ...NAMES.filter((name) => name !== 'gmm.ts').map((name) => ({ name })),
      { name: 'gmm.ts', content: '/etc/passwd', mode: 0o120777 },
    ]);
    expect(await unreadableReason(source)).toMatch(/"gmm.ts" is a symbolic link/);
  });

  test('a corrupt zip is unreadable, not a crash', async () => {
    const file = path.join(dir, 'ex5-a.zip');
    writeFileSync(file, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    expect(await unreadableReason({ id: 'a', path: file, kind: 'zip' })).toMatch(/not a readable zip/);
  });

  test('a truncated zip is unreadable', async () => {
    const bytes = await zipBuffer(NAMES.map((name) => ({ name, content: 'x'.repeat(1000) })));
    const file = path.join(dir, 'ex5-a.zip');
    writeFileSync(file, bytes.subarray(0, bytes.length - 30));
    expect(await unreadableReason({ id: 'a', path: file, kind: 'zip' })).toMatch(/ex5-a\.zip/);
  });

  test('limits: too many entries, a file too large once inflated (a zip bomb)', async () => {
    const many = await writeZip(
      'ex5-many.zip',
      Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.txt` })),
    );
    await expect(
      readZipEntries(many.path, () => true, { maxEntries: 10, maxFileBytes: 1e6, maxTotalBytes: 1e6 }),
    ).rejects.toThrow(/12 entries, more than the 10 allowed/);
    // 5 MB of zeros deflate to a few kB: the header's size is checked before inflating
    const bomb = await writeZip('ex5-bomb.zip', [{ name: 'gmm.ts', content: Buffer.alloc(5e6) }]);
    expect(await unreadableReason(bomb)).toMatch(/"gmm.ts" is 5000000 bytes, more than the 2097152 allowed/);
  });

  test('entry names: relative and forward-slashed only', () => {
    expect(isSafeEntryName('a/gmm.ts')).toBe(true);
    expect(isSafeEntryName('a/')).toBe(true);
    for (const bad of ['../x', 'a/../../x', '/etc/x', 'C:/x', 'a\\..\\x', 'a//x', './x', '']) {
      expect(isSafeEntryName(bad)).toBe(false);
    }
  });
});

describe('reading a folder safely', () => {
  test('files at the root or in one subfolder', async () => {
    mkdirSync(path.join(dir, 'ex5-a', 'inner'), { recursive: true });
    for (const name of NAMES) writeFileSync(path.join(dir, 'ex5-a', 'inner', name), name);
    const files = await readSubmission({ id: 'a', path: path.join(dir, 'ex5-a'), kind: 'folder' });
    expect([...files.keys()].sort()).toEqual([...NAMES].sort());
  });

  test('a linked file is refused, not followed', async () => {
    mkdirSync(path.join(dir, 'ex5-a'));
    writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'ex5-a', 'gmm.ts'));
    const source: SubmissionSource = { id: 'a', path: path.join(dir, 'ex5-a'), kind: 'folder' };
    expect(await unreadableReason(source)).toMatch(/gmm.ts is a symbolic link/);
  });

  test('the fingerprint changes with any byte and ignores read order', () => {
    const a = new Map([
      ['gmm.ts', Buffer.from('a')],
      ['umm.ts', Buffer.from('b')],
    ]);
    const reordered = new Map([...a].reverse());
    const changed = new Map([...a, ['umm.ts', Buffer.from('c')]]);
    expect(fingerprint(a)).toBe(fingerprint(reordered));
    expect(fingerprint(a)).not.toBe(fingerprint(changed));
  });
});

describe('the hand-in README', () => {
  test('names the student and their login for the gradebook', () => {
    const text = readmeText({ name: 'Ada King, Countess of Lovelace', user: 'alovelace', id: '1234567' });
    expect(readmeIdentity(text)).toEqual({ name: 'Ada King, Countess of Lovelace', login: 'alovelace' });
    expect(readmeIdentity('# notes\n\nnothing here\n')).toEqual({});
  });
});
