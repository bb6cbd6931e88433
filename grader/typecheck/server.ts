/**
 * The type checker as a child process (`node --import tsx server.ts PROJECT_ROOT`), so that a check
 * runs beside the judge instead of before it, and one process checks a batch worker's submissions one
 * after another, parsing the project's declarations once. Requests and replies travel on the IPC
 * channel; it ends when the channel closes. It only reads source text: no submission code runs here.
 */
import { SubmissionTypeChecker } from './checker.js';
import type { TypeCheckReply, TypeCheckRequest } from './process.js';

const projectRoot = process.argv[2];
if (!process.send || !projectRoot) {
  process.stderr.write('grader/typecheck/server.ts is started by the grader, not by hand\n');
  process.exit(2);
}

let checker: SubmissionTypeChecker;
try {
  checker = new SubmissionTypeChecker(projectRoot);
} catch (error) {
  // one line, which the grader quotes as the checker's last output
  process.stderr.write(`cannot type-check: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

process.on('message', (request: TypeCheckRequest) => {
  let reply: TypeCheckReply;
  try {
    reply = { id: request.id, errors: checker.check(request.texts) };
  } catch (error) {
    reply = { id: request.id, failed: error instanceof Error ? error.message : String(error) };
  }
  process.send!(reply);
});
process.on('disconnect', () => process.exit(0));
