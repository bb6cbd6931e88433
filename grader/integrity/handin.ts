/**
 * The hand-in: `ex5-<ID>.zip` with exactly the five submission files and a README.md naming the
 * student, at the zip's root. The zip is deterministic (sorted entries, fixed timestamps and modes), so
 * the same files and identity give the same bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { SUBMISSION_FILES } from '../../lib/contract.js';

export interface Student {
  /** Full name as on the course list. */
  name: string;
  /** University user name (login). */
  user: string;
  /** Student ID: digits only, 6 to 10 of them. */
  id: string;
}

export class HandinError extends Error {
  override name = 'HandinError';
}

export const ID_RULE = { pattern: /^[0-9]{6,10}$/, text: 'digits only, 6 to 10 of them' };
export const USER_RULE = {
  pattern: /^[A-Za-z][A-Za-z0-9._-]{1,31}$/,
  text: 'a letter, then 1 to 31 letters, digits, ".", "_" or "-"',
};
const NAME_RULE = { maxLength: 100, text: 'at least one letter, at most 100 characters, on one line' };

const LABELS: Record<keyof Student, string> = { name: 'name', user: 'user name', id: 'ID' };

/** What is wrong with one field's value, or undefined when it is fine. */
export function fieldProblem(field: keyof Student, value: string | undefined): string | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return `${LABELS[field]} is missing (--${field})`;
  const malformed = (rule: string) => `${LABELS[field]} '${value}' is malformed: ${rule}`;
  switch (field) {
    case 'name':
      // eslint-disable-next-line no-control-regex
      if (text.length > NAME_RULE.maxLength || /[\u0000-\u001f\u007f]/.test(text) || !/\p{L}/u.test(text))
        return malformed(NAME_RULE.text);
      return undefined;
    case 'user':
      return USER_RULE.pattern.test(text) ? undefined : malformed(USER_RULE.text);
    case 'id':
      return ID_RULE.pattern.test(text) ? undefined : malformed(ID_RULE.text);
  }
}

export const STUDENT_FIELDS: (keyof Student)[] = ['name', 'user', 'id'];

/** One line per field that is missing or malformed; empty when all is well. */
export function studentProblems(student: Partial<Student>): string[] {
  return STUDENT_FIELDS.map((field) => fieldProblem(field, student[field])).filter((p) => p !== undefined);
}

/** The student, trimmed; a HandinError listing every problem otherwise. */
export function checkStudent(student: Partial<Student>): Student {
  const problems = studentProblems(student);
  if (problems.length > 0) throw new HandinError(problems.join('; '));
  return { name: student.name!.trim(), user: student.user!.trim(), id: student.id!.trim() };
}

export function zipFileName(student: Student): string {
  return `ex5-${student.id}.zip`;
}

export function readmeText(student: Student): string {
  return [
    '# Exercise 5 hand-in',
    '',
    `- Name: ${student.name}`,
    `- User name: ${student.user}`,
    `- ID: ${student.id}`,
    '',
  ].join('\n');
}

/** The zip's entries: name → content, in the order they are written (sorted). */
export function handinEntries(dir: string, student: Student): Map<string, Buffer> {
  const missing = Object.values(SUBMISSION_FILES).filter((file) => !existsSync(path.join(dir, file)));
  if (missing.length > 0) throw new HandinError(`${dir}: missing ${missing.join(', ')}`);
  const entries = new Map<string, Buffer>();
  for (const file of [...Object.values(SUBMISSION_FILES), 'README.md'].sort()) {
    entries.set(
      file,
      file === 'README.md' ? Buffer.from(readmeText(student)) : readFileSync(path.join(dir, file)),
    );
  }
  return entries;
}

// A fixed local time: DOS timestamps are local, so local fields give the same bytes in every time zone.
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

/** The zip's bytes: same entries, same bytes. */
export function zipEntries(entries: Map<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) {
    // forceDosTimestamp: no extra UTC field, whose value would depend on the time zone.
    zip.addBuffer(content, name, { mtime: FIXED_TIME, mode: FILE_MODE, forceDosTimestamp: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export function buildHandinZip(dir: string, student: Student): Promise<Buffer> {
  return zipEntries(handinEntries(dir, student));
}
