// Ctrl-C during `npm run grade:batch`: every grade stops, no sandbox or process is left, and --resume
// finishes the batch. The real command on the real grader, on copies of the reference.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { runScript } from '../testing/run-script.js';
import { SUBMISSION_PREFIX } from './sandbox.js';

const CLI = path.join(PROJECT_ROOT, 'staff', 'batch', 'cli.ts');
const IDS = ['1000001', '1000002', '1000003'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ex5-interrupt-'));
  for (const id of IDS)
    cpSync(path.join(PROJECT_ROOT, 'reference'), path.join(work, 'handins', id), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every process whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

test('SIGINT stops every grade and leaves nothing behind; --resume grades the rest', async () => {
  const results = path.join(work, 'results');
  const records = path.join(results, 'records');
  // a temporary folder of its own: only this batch's sandbox appears there
  const tmp = path.join(work, 'tmp');
  mkdirSync(tmp);
  const sandboxes = new Set<string>();
  const folders = new Set<string>();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, path.join(work, 'handins'), '--out', results, '--jobs', '1'],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // the sandbox and the submissions' folders in it, seen while it runs; interrupt once the first
  // student is recorded
  await new Promise<void>((resolve) => {
    const watch = setInterval(() => {
      for (const entry of readdirSync(tmp).filter((name) => name.startsWith('ex5-sandbox-'))) {
        const sandbox = path.join(tmp, entry);
        sandboxes.add(sandbox);
        try {
          for (const name of readdirSync(sandbox))
            if (name.startsWith(SUBMISSION_PREFIX)) folders.add(path.join(sandbox, name));
        } catch {
          // removed while we looked
        }
      }
      if (existsSync(records) && readdirSync(records).length >= 1) {
        clearInterval(watch);
        child.kill('SIGINT');
        resolve();
      }
    }, 100);
  });
  expect(await exited).toBe(130);
  expect(stderr).toContain('SIGINT: stopping every grade');
  expect(stderr).toMatch(/stopped after \d of 3 submissions; rerun with --resume/);
  const recorded = readdirSync(records).length;
  expect(recorded).toBeGreaterThanOrEqual(1);
  expect(recorded).toBeLessThan(3);
  expect(sandboxes.size).toBe(1); // one copy of the project for the batch
  expect(folders.size).toBeGreaterThan(recorded); // the interrupted grade had its own folder
  for (const sandbox of [...sandboxes, ...folders]) {
    expect(existsSync(sandbox)).toBe(false);
    expect(processesMentioning(sandbox)).toEqual([]);
  }

  const resumed = runScript('staff/batch/cli.ts', [path.join(work, 'handins'), '--out', results, '--resume']);
  expect(resumed.status).toBe(0);
  const gradebook = readFileSync(path.join(results, 'gradebook.csv'), 'utf8').trim().split('\n').slice(1);
  expect(gradebook.map((row) => row.split(',').slice(0, 4))).toEqual(IDS.map((id) => [id, '', '', '100']));
}, 600_000);
