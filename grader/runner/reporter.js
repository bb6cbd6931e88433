// Jest reporter for grading: writes raw results as JSON lines to file descriptor 3, a pipe that only the
// grading parent reads. No submission code runs in Jest's process (it runs in the sandboxed candidate,
// which does not inherit this descriptor). One line per finished test and one per finished test file,
// so that what finished still counts when grading is stopped for time.
import { writeSync } from 'node:fs';

const RESULTS_FD = 3;

function write(line) {
  writeSync(RESULTS_FD, `${JSON.stringify(line)}\n`);
}

export default class LineReporter {
  onTestCaseResult(test, result) {
    write({
      file: test.path,
      title: result.title,
      status: result.status,
      failureMessages: result.failureMessages,
    });
  }

  onTestResult(_test, result) {
    write({ file: result.testFilePath, error: result.testExecError?.message ?? null });
  }
}
