import path from 'node:path';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { candidateLaunch, CANDIDATE_ENTRIES } from './sandbox.js';

const submissionDir = path.join(PROJECT_ROOT, 'reference');
const options = { projectRoot: PROJECT_ROOT, submissionDir, memoryMb: 1024, cpuSeconds: 60 };

describe('the command that starts the candidate', () => {
  test('bwrap: every namespace, its own session, dies with the judge, a clean environment', () => {
    const { args } = candidateLaunch({ ...options, mode: 'bwrap' });
    for (const flag of ['--unshare-all', '--new-session', '--die-with-parent', '--clearenv'])
      expect(args).toContain(flag);
    expect(args.join(' ')).not.toMatch(/--share-net|--bind |--dev-bind /); // nothing writable, no network
  });

  test('bwrap: only the candidate entries, node_modules and the submission are mounted from the project', () => {
    const { args } = candidateLaunch({ ...options, mode: 'bwrap' });
    const mounted = args
      .map((arg, i) => (args[i - 2] === '--ro-bind' ? arg : undefined)) // --ro-bind SOURCE TARGET
      .filter((target): target is string => target?.startsWith(PROJECT_ROOT) === true)
      .map((target) => path.relative(PROJECT_ROOT, target));
    expect(mounted.sort()).toEqual([...CANDIDATE_ENTRIES, 'node_modules', 'reference'].sort());
  });

  test('without bwrap the environment still names no fixtures and no results channel', () => {
    for (const mode of ['uid', 'none'] as const) {
      const { env } = candidateLaunch({ ...options, mode, uid: 61_000, scratchDir: '/tmp' });
      expect(Object.keys(env).filter((name) => /FIXTURE|RESULT|SUBMISSION|TIMINGS/.test(name))).toEqual([]);
    }
  });
});
