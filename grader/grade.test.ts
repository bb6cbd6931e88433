// End-to-end: grading runs Jest in a child process, so each test here takes several seconds.
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/submission.js';
import { gradeSubmission } from './grade.js';
import { formatReportTable } from './format/table.js';

describe('gradeSubmission', () => {
  test('the reference scores full marks', async () => {
    const report = await gradeSubmission(path.join(PROJECT_ROOT, 'reference'));
    expect(report.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.reason}`)).toEqual([]);
    expect(report.score).toBe(100);
  });

  test('the skeleton scores 0, each test saying what is not implemented', async () => {
    const report = await gradeSubmission(path.join(PROJECT_ROOT, 'skeleton'));
    expect(report.score).toBe(0);
    expect(report.maxScore).toBe(100);
    for (const test of report.tests) expect(test.reason).toMatch(/not implemented/);
    const table = formatReportTable(report);
    expect(table).toContain('0/100');
    expect(table).not.toMatch(/\n\s+at /); // no stack traces
  });
});
