/**
 * autograder.zip end to end in a temporary /autograder: unzip the package into source/ (node_modules
 * linked in place of setup.sh's npm ci), upload the reference as a zip, run run_autograder, and check
 * results.json against the committed schema of Gradescope's specification.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { SUBMISSION_FILES } from '../../lib/contract.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { loadRubric } from '../../grader/rubric.js';
import { readZipEntries } from '../batch/unzip.js';
import { gradescopeResultsFor } from './autograder.js';
import { buildAutograderZip } from './bundle.js';
import { gradescopeResultsProblems } from './validate.js';

let root: string;
let names: string[];

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ex5-autograder-'));
  chmodSync(root, 0o755);
  const hidden = path.join(root, 'ta-hidden');
  cpSync(path.join(PROJECT_ROOT, 'fixtures'), hidden, { recursive: true });
  names = await buildAutograderZip({
    projectRoot: PROJECT_ROOT,
    out: path.join(root, 'autograder.zip'),
    hiddenFixturesDir: hidden,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('autograder.zip', () => {
  test('setup.sh and run_autograder at the root; the grader, fixtures and lock file; no solution or tests', () => {
    expect(names).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'package-lock.json']));
    expect(names).toEqual(
      expect.arrayContaining(['grader/grade.ts', 'staff/gradescope/run.ts', 'fixtures/gmm.json']),
    );
    expect(names).toContain('hidden-fixtures/gmm.json');
    expect(
      names.filter((name) => /^(reference|skeleton)\/|\.test\.ts$|^staff\/hostile\//.test(name)),
    ).toEqual([]);
  });

  test('the same tree gives the same bytes', async () => {
    const again = path.join(root, 'again.zip');
    await buildAutograderZip({
      projectRoot: PROJECT_ROOT,
      out: again,
      hiddenFixturesDir: path.join(root, 'ta-hidden'),
    });
    expect(readFileSync(again).equals(readFileSync(path.join(root, 'autograder.zip')))).toBe(true);
  });

  test('a hidden fixture set with a broken file is refused, naming it', async () => {
    const broken = path.join(root, 'ta-hidden-broken');
    cpSync(path.join(root, 'ta-hidden'), broken, { recursive: true });
    writeFileSync(path.join(broken, 'umm.json'), '{"cases": [');
    await expect(
      buildAutograderZip({
        projectRoot: PROJECT_ROOT,
        out: path.join(root, 'broken.zip'),
        hiddenFixturesDir: broken,
      }),
    ).rejects.toThrow(`${path.join(broken, 'umm.json')}: cannot be read`);
    expect(existsSync(path.join(root, 'broken.zip'))).toBe(false);
  });
});

describe('results.json', () => {
  test('the schema rejects what the specification does not allow', () => {
    expect(gradescopeResultsProblems({ score: 3, tests: [] })).toEqual([]);
    expect(gradescopeResultsProblems({ tests: [{ score: 1, max_score: 1 }] })).toEqual([]);
    expect(gradescopeResultsProblems({ tests: [] })).toContain("/ must have required property 'score'");
    expect(gradescopeResultsProblems({ score: 1, tests: [{ status: 'ok', visibility: 'secret' }] })).toEqual([
      '/tests/0/status must be equal to one of the allowed values',
      '/tests/0/visibility must be equal to one of the allowed values',
    ]);
    expect(gradescopeResultsProblems({ score: 1, grade: 'A' })).toEqual([
      '/ must NOT have additional properties',
    ]);
    expect(gradescopeResultsProblems({ score: 1, max_score: 1 })).toEqual([
      '/ must NOT have additional properties',
    ]);
  });

  test('a submission that was not graded scores 0 and says why', () => {
    const results = gradescopeResultsFor({
      status: 'timeout',
      reason: 'killed after 600 s',
      score: 0,
      maxScore: 0,
      groups: [],
      seconds: 600.2,
      peakRssMb: 900,
    });
    expect(gradescopeResultsProblems(results)).toEqual([]);
    expect(results).toMatchObject({
      score: 0,
      execution_time: 600,
      output: 'status: timeout — killed after 600 s',
    });
  });

  test('run_autograder grades an uploaded zip and writes a valid results.json', async () => {
    const source = path.join(root, 'source');
    for (const [name, bytes] of await readZipEntries(path.join(root, 'autograder.zip'), () => true, {
      maxEntries: 10_000,
      maxFileBytes: 64 * 2 ** 20,
      maxTotalBytes: 512 * 2 ** 20,
    })) {
      mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
      writeFileSync(path.join(source, name), bytes);
    }
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(source, 'node_modules')); // npm ci's stand-in
    const upload = new yazl.ZipFile();
    for (const file of Object.values(SUBMISSION_FILES)) {
      upload.addBuffer(readFileSync(path.join(PROJECT_ROOT, 'reference', file)), `ex5-123/${file}`);
    }
    upload.end();
    mkdirSync(path.join(root, 'submission'));
    await new Promise<void>((resolve) => {
      const chunks: Buffer[] = [];
      upload.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upload.outputStream.on('end', () => {
        writeFileSync(path.join(root, 'submission', 'ex5-123.zip'), Buffer.concat(chunks));
        resolve();
      });
    });

    const run = spawnSync('bash', [path.join(source, 'run_autograder')], {
      env: { PATH: process.env.PATH, EX5_AUTOGRADER_ROOT: root, EX5_TIMEOUT_S: '240' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as {
      score: number;
      tests: { score: number; max_score: number; visibility: string; status: string }[];
    };
    expect(gradescopeResultsProblems(results)).toEqual([]);
    const rubric = loadRubric();
    expect(results.tests).toHaveLength(rubric.length);
    expect(results.tests.map((test) => test.visibility)).toEqual(
      rubric.map((entry) => (entry.hidden ? 'after_published' : 'visible')),
    );
    // the reference scores full marks (CI checks it too), hidden tests included
    expect(results.tests.filter((test) => test.status !== 'passed')).toEqual([]);
    expect(results.score).toBe(results.tests.reduce((sum, test) => sum + test.score, 0));
    expect(results.score).toBe(results.tests.reduce((sum, test) => sum + test.max_score, 0));
    expect(results).not.toHaveProperty('max_score'); // not in Gradescope's documented top level
  }, 300_000);
});
