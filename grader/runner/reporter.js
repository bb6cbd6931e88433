// Jest reporter for grading: appends raw results to EX5_RESULTS_FILE as JSON lines, one per finished test
// and one per finished test file, so that what finished still counts when grading is stopped for time.
/* global process */
import { appendFileSync } from 'node:fs';

function write(line) {
  const file = process.env.EX5_RESULTS_FILE;
  if (!file) throw new Error('EX5_RESULTS_FILE is not set');
  appendFileSync(file, `${JSON.stringify(line)}\n`);
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
