import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { pickSubmissionFiles } from '../../staff/batch/submissions.js';
import { readZipEntries } from '../../staff/batch/unzip.js';
import {
  buildHandinZip,
  checkStudent,
  handinEntries,
  readmeText,
  studentProblems,
  zipFileName,
  type Student,
} from './handin.js';

const ADA: Student = { name: 'Ada Lovelace', user: 'alovelace', id: '1234567' };

describe('the student identity', () => {
  test('a well-formed identity is accepted and trimmed', () => {
    expect(checkStudent({ name: '  Ada Lovelace ', user: 'alovelace', id: ' 1234567' })).toEqual(ADA);
    expect(zipFileName(ADA)).toBe('ex5-1234567.zip');
  });

  test('each missing field is named with its flag', () => {
    expect(studentProblems({})).toEqual([
      'name is missing (--name)',
      'user name is missing (--user)',
      'ID is missing (--id)',
    ]);
    expect(() => checkStudent({ name: 'Ada', user: 'ada' })).toThrow('ID is missing (--id)');
  });

  test.each([
    ['12345', 'too short'],
    ['12345678901', 'too long'],
    ['12a4567', 'a letter'],
    ['-1234567', 'a sign'],
    ['1234567.0', 'a dot'],
  ])('the ID %s is refused (%s)', (id) => {
    expect(studentProblems({ ...ADA, id })).toEqual([
      `ID '${id}' is malformed: digits only, 6 to 10 of them`,
    ]);
  });

  test('malformed names and user names are refused', () => {
    expect(studentProblems({ ...ADA, user: '../x' })[0]).toMatch(/^user name '..\/x' is malformed/);
    expect(studentProblems({ ...ADA, user: '7ada' })[0]).toMatch(/^user name '7ada' is malformed/);
    expect(studentProblems({ ...ADA, name: '12345' })[0]).toMatch(/^name '12345' is malformed/);
    expect(studentProblems({ ...ADA, name: 'Ada\nLovelace' })[0]).toMatch(
      /^name 'Ada\nLovelace' is malformed/,
    );
    expect(studentProblems({ ...ADA, name: 'Zoë Ørsted-Łukasiewicz' })).toEqual([]);
  });
});

describe('the hand-in zip', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ex5-handin-'));
    for (const file of Object.values(SUBMISSION_FILES)) writeFileSync(path.join(dir, file), `// ${file}\n`);
    // Things a student's folder may also hold; none may reach the zip.
    writeFileSync(path.join(dir, 'notes.ts'), 'secret\n');
    writeFileSync(path.join(dir, 'README.md'), 'my own readme\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('holds exactly the five submission files and the generated README, at its root', async () => {
    const zipFile = path.join(dir, 'out.zip');
    writeFileSync(zipFile, await buildHandinZip(dir, ADA));
    const entries = await readZipEntries(zipFile, () => true);
    expect([...entries.keys()]).toEqual([
      'README.md',
      'attention.ts',
      'generation.ts',
      'gmm.ts',
      'training.ts',
      'umm.ts',
    ]);
    expect(entries.get('README.md')!.toString()).toBe(readmeText(ADA));
    expect(entries.get('gmm.ts')!.toString()).toBe('// gmm.ts\n');
    // the batch grader finds the files at the root
    expect([...pickSubmissionFiles(zipFile, entries).keys()].sort()).toEqual(
      Object.values(SUBMISSION_FILES).sort(),
    );
  });

  test('the README names the student', () => {
    expect(readmeText(ADA)).toBe(
      '# Exercise 5 hand-in\n\n- Name: Ada Lovelace\n- User name: alovelace\n- ID: 1234567\n',
    );
  });

  test('is deterministic: the same files give the same bytes, another ID other bytes', async () => {
    const first = await buildHandinZip(dir, ADA);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second later: timestamps must not leak in
    const second = await buildHandinZip(dir, ADA);
    expect(second.equals(first)).toBe(true);
    expect((await buildHandinZip(dir, { ...ADA, id: '7654321' })).equals(first)).toBe(false);
  });

  test('is the same in every time zone', () => {
    // Jest's process.env is a copy, so the zone is set for a child process.
    const script = [
      `import { createHash } from 'node:crypto';`,
      `import { buildHandinZip } from ${JSON.stringify(path.join(PROJECT_ROOT, 'grader/integrity/handin.ts'))};`,
      `const zip = await buildHandinZip(${JSON.stringify(dir)}, ${JSON.stringify(ADA)});`,
      `console.log(new Date(2000, 0, 1).getTimezoneOffset(), createHash('sha256').update(zip).digest('hex'));`,
    ].join('\n');
    const scriptFile = path.join(dir, 'zone.mts');
    writeFileSync(scriptFile, script);
    const run = (TZ: string) =>
      execFileSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [scriptFile], {
        env: { ...process.env, TZ },
      })
        .toString()
        .trim()
        .split(' ');
    const [utcOffset, utcHash] = run('UTC');
    const [aucklandOffset, aucklandHash] = run('Pacific/Auckland');
    expect([utcOffset, aucklandOffset]).toEqual(['0', '-780']); // the zones really differ
    expect(aucklandHash).toBe(utcHash);
  });

  test('a missing submission file is refused by name', () => {
    const partial = mkdtempSync(path.join(tmpdir(), 'ex5-handin-partial-'));
    try {
      writeFileSync(path.join(partial, 'gmm.ts'), '');
      expect(() => handinEntries(partial, ADA)).toThrow(
        `${partial}: missing umm.ts, attention.ts, training.ts, generation.ts`,
      );
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });
});
