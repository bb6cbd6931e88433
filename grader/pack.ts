/**
 * npm run pack -- [--submission DIR] [--name "FULL NAME"] [--user USERNAME] [--id DIGITS] [--out DIR]
 * Builds out/ex5-<ID>.zip (or DIR/…) for the hand-in: the five submission files of DIR (default skeleton/) and a
 * README.md with name, user name and ID. Asks for what is missing on a terminal; refuses otherwise.
 * Before zipping it runs the import check and the grader and prints both; a score below full is a
 * warning, not a refusal. The zip is deterministic: the same files give the same bytes.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatReportTable } from './format/table.js';
import { gradeSubmission } from './grade.js';
import {
  buildHandinZip,
  checkStudent,
  fieldProblem,
  HandinError,
  ID_RULE,
  STUDENT_FIELDS,
  studentProblems,
  USER_RULE,
  zipFileName,
  type Student,
} from './integrity/handin.js';
import { checkImports, importCheckNotes } from './integrity/imports.js';
import { command, runCommand, userPath } from '../harness/cli.js';
import { PROJECT_ROOT, resolveSubmissionDir } from '../harness/submission.js';

const QUESTIONS: Record<keyof Student, string> = {
  name: 'Full name',
  user: `User name (${USER_RULE.text})`,
  id: `Student ID (${ID_RULE.text})`,
};

/** Asks on a terminal for each field missing or malformed, until it is well-formed; elsewhere asks nothing. */
async function askMissing(given: Partial<Student>): Promise<Partial<Student>> {
  const student = { ...given };
  if (studentProblems(student).length === 0 || !process.stdin.isTTY) return student;
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (const field of STUDENT_FIELDS) {
      for (
        let problem = fieldProblem(field, student[field]);
        problem;
        problem = fieldProblem(field, student[field])
      ) {
        if (student[field] !== undefined) process.stdout.write(`  ${problem}\n`);
        student[field] = await terminal.question(`${QUESTIONS[field]}: `);
      }
    }
  } finally {
    terminal.close();
  }
  return student;
}

interface Options {
  submission?: string;
  name?: string;
  user?: string;
  id?: string;
  out?: string;
}

const program = command(
  'pack',
  'Checks, grades and zips your submission for the hand-in: out/ex5-<ID>.zip.',
  ['npm run pack', 'npm run pack -- --name "Ada Lovelace" --user alovelace --id 1234567'],
)
  .option('--submission <dir>', 'the folder with the five submission files (default: skeleton/)')
  .option('--name <full name>', 'your full name (asked on a terminal when missing)')
  .option('--user <user name>', `your user name: ${USER_RULE.text}`)
  .option('--id <digits>', `your student ID: ${ID_RULE.text}`)
  .option('--out <dir>', 'where the zip goes (default: out/, which git ignores)');

await runCommand<Options>(program, async (values) => {
  const submission = values.submission ?? 'skeleton';
  const dir = resolveSubmissionDir(
    values.submission ? userPath(values.submission) : path.join(PROJECT_ROOT, 'skeleton'),
  );
  const outDir = values.out === undefined ? path.join(PROJECT_ROOT, 'out') : userPath(values.out);
  const student = checkStudent(await askMissing({ name: values.name, user: values.user, id: values.id }));

  process.stdout.write(`${importCheckNotes(checkImports(dir)).join('\n')}\n`);
  process.stdout.write(`Grading ${submission}...\n`);
  const report = await gradeSubmission(dir);
  process.stdout.write(`${formatReportTable(report)}\n`);
  if (report.score < report.maxScore) {
    process.stderr.write(
      `warning: ${report.score}/${report.maxScore} points; the zip is made anyway, hand it in when you are ready\n`,
    );
  }
  // the course's gradebook shows this status too: a type error is worth fixing before the hand-in
  if (report.status !== 'graded') {
    process.stderr.write(`warning: status ${report.status}; the zip is made anyway\n`);
  }

  const zip = await buildHandinZip(dir, student);
  const file = path.join(outDir, zipFileName(student));
  await mkdir(outDir, { recursive: true });
  await writeFile(file, zip).catch((error: Error) => {
    throw new HandinError(`cannot write ${file}: ${error.message}`);
  });
  const sha = createHash('sha256').update(zip).digest('hex').slice(0, 16);
  process.stdout.write(`${file}: ${zip.length} bytes, sha256 ${sha}…; upload this file.\n`);
  return 0;
});
