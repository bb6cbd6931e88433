/**
 * Where the candidate (the process that runs submission code) runs, in one of three modes:
 *
 * - `bwrap`: bubblewrap. New user, PID, network, IPC and UTS namespaces and a new session; it dies with
 *   the judge that started it; it sees only the system's libraries and Node, the candidate's code, lib/
 *   and node_modules read-only, its own submission folder read-only and a private /tmp. When it ends,
 *   its PID namespace ends, and every process it started with it.
 * - `uid`: where bwrap cannot start (an unprivileged container) and the judge is root: the candidate runs
 *   as a dedicated uid that owns nothing; after the grade every process of that uid is killed.
 * - `none`: neither (a student's macOS or Windows machine): the candidate is still a separate process.
 *
 * EX5_SANDBOX=bwrap|uid|none forces a mode (the tests use it to exercise the fallbacks).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const SANDBOX_MODES = ['bwrap', 'uid', 'none'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** The first of the dedicated uids; a batch gives each of its concurrent grades its own. */
export const SANDBOX_UID_BASE = 61_000;
export const SANDBOX_UID_COUNT = 1000;

let bwrapChecked: boolean | undefined;

/** Whether bubblewrap is installed and can make its namespaces here (tried, not guessed). */
export function bwrapWorks(): boolean {
  bwrapChecked ??=
    spawnSync('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', 'true'], {
      stdio: 'ignore',
      timeout: 10_000,
    }).status === 0;
  return bwrapChecked;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** EX5_SANDBOX if set, else bwrap where it starts, else a dedicated uid when root, else none. */
export function chooseSandbox(): SandboxMode {
  const forced = process.env.EX5_SANDBOX;
  if (forced) {
    if (!(SANDBOX_MODES as readonly string[]).includes(forced))
      throw new SandboxError(
        `EX5_SANDBOX='${forced}' is not a sandbox mode: use one of ${SANDBOX_MODES.join(', ')}`,
      );
    const mode = forced as SandboxMode;
    if (mode === 'bwrap' && !bwrapWorks())
      throw new SandboxError('EX5_SANDBOX=bwrap, but bwrap cannot start here');
    if (mode === 'uid' && !isRoot())
      throw new SandboxError('EX5_SANDBOX=uid needs root, to switch to the dedicated uid');
    return mode;
  }
  if (process.platform === 'linux' && bwrapWorks()) return 'bwrap';
  if (process.platform === 'linux' && isRoot()) return 'uid';
  return 'none';
}

/**
 * The mode for a TA's batch or Gradescope: a real sandbox, or `none` only when the TA said so
 * (--no-sandbox); otherwise refuse before grading anyone.
 */
export function requireSandbox(allowNone: boolean): SandboxMode {
  const mode = chooseSandbox();
  if (mode === 'none' && !allowNone)
    throw new SandboxError(
      process.env.EX5_SANDBOX === 'none'
        ? 'EX5_SANDBOX=none: grading without a sandbox also needs --no-sandbox'
        : 'no sandbox here: bwrap cannot start and this is not root (for the uid fallback); install bubblewrap, run as root, or pass --no-sandbox',
    );
  return mode;
}

/**
 * The uid mode needs every folder above the project's node_modules searchable by others; otherwise the
 * candidate could not start, and running it as the judge's user instead would be no sandbox at all.
 */
export function checkUidModeCanRun(projectRoot: string): void {
  let dir = realpathSync(path.join(projectRoot, 'node_modules'));
  for (;;) {
    if ((statSync(dir).mode & 0o005) !== 0o005)
      throw new SandboxError(
        `the uid sandbox cannot reach ${dir} (it needs o+rx on every folder above node_modules): fix its mode or install bubblewrap`,
      );
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** One line for a footer or a log: what keeps the submission in. */
export function describeSandbox(mode: SandboxMode): string {
  switch (mode) {
    case 'bwrap':
      return 'the submission ran in a bubblewrap sandbox (no network, no files but its own)';
    case 'uid':
      return 'the submission ran as a dedicated user that owns nothing (bubblewrap cannot start here)';
    case 'none':
      return 'the submission ran unsandboxed in a separate process (no bubblewrap here); the score still comes only from the grader';
  }
}

/** A uid for a grade that does not get one from its batch (EX5_SANDBOX_UID). */
export function sandboxUid(): number {
  const given = Number(process.env.EX5_SANDBOX_UID);
  return Number.isInteger(given) && given > 0 ? given : SANDBOX_UID_BASE + (process.pid % SANDBOX_UID_COUNT);
}

export interface CandidateLaunchOptions {
  mode: SandboxMode;
  /** The project whose lib/, grader/candidate/ and node_modules the candidate runs. */
  projectRoot: string;
  submissionDir: string;
  /** Node's heap limit; the judge also watches the resident memory of the whole tree. */
  memoryMb: number;
  /** CPU seconds the candidate may use in all. */
  cpuSeconds: number;
  /** uid mode: the candidate's uid (and gid) and its own empty HOME/TMPDIR. */
  uid?: number;
  scratchDir?: string;
}

export interface CandidateLaunch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  uid?: number;
  gid?: number;
}

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const SYSTEM_FILES = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/localtime'];
/** What the candidate needs of the project: its own code, the contract and helpers, the packages. */
export const CANDIDATE_ENTRIES = [
  'lib',
  'harness',
  path.join('grader', 'candidate'),
  'package.json',
  'tsconfig.json',
];

function candidateEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    LANG: 'C.UTF-8',
    EX5_QUIET_BACKEND: '1',
  };
  if (process.env.EX5_BACKEND) env.EX5_BACKEND = process.env.EX5_BACKEND;
  return env;
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const file = path.join(dir, command);
    if (dir !== '' && existsSync(file)) return file;
  }
  return undefined;
}

/** The command line that starts the candidate in the given mode. */
export function candidateLaunch(options: CandidateLaunchOptions): CandidateLaunch {
  const server = path.join(options.projectRoot, 'grader', 'candidate', 'server.ts');
  const node = [
    process.execPath,
    `--max-old-space-size=${options.memoryMb}`,
    '--import',
    'tsx',
    server,
    options.submissionDir,
  ];
  // CPU time, no core files, and in the uid mode a cap on processes (RLIMIT_NPROC counts per uid)
  const prlimit = which('prlimit');
  const limits = prlimit
    ? [
        prlimit,
        `--cpu=${Math.ceil(options.cpuSeconds)}`,
        '--core=0',
        ...(options.mode === 'uid' ? ['--nproc=256'] : []),
      ]
    : [];
  if (options.mode === 'bwrap') {
    const args = ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv'];
    for (const [name, value] of Object.entries(candidateEnv('/tmp'))) args.push('--setenv', name, value);
    for (const dir of SYSTEM_DIRS) {
      if (!existsSync(dir)) continue;
      if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
      else args.push('--ro-bind', dir, dir);
    }
    for (const file of SYSTEM_FILES) args.push('--ro-bind-try', file, file);
    // Node itself, when it is installed outside /usr (nvm, a tarball in /opt)
    const nodePrefix = path.dirname(path.dirname(realpathSync(process.execPath)));
    if (!nodePrefix.startsWith('/usr')) args.push('--ro-bind', nodePrefix, nodePrefix);
    args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
    for (const entry of CANDIDATE_ENTRIES) {
      const file = path.join(options.projectRoot, entry);
      args.push('--ro-bind', file, file);
    }
    const modules = path.join(options.projectRoot, 'node_modules');
    args.push('--ro-bind', realpathSync(modules), modules);
    args.push('--ro-bind', options.submissionDir, options.submissionDir);
    args.push('--chdir', options.projectRoot, '--', ...node); // where `--import tsx` resolves
    const [file, ...rest] = [...limits, 'bwrap', ...args];
    return { file, args: rest, env: {}, cwd: '/' };
  }
  const home = options.scratchDir ?? '/tmp';
  const [file, ...args] = [...limits, ...node];
  return {
    file,
    args,
    env: candidateEnv(home),
    cwd: options.projectRoot, // where `--import tsx` resolves
    ...(options.mode === 'uid' ? { uid: options.uid, gid: options.uid } : {}),
  };
}

/** Kills every process of the dedicated uid, re-parented daemons included: kill(-1) issued as that uid. */
export function killAllOf(uid: number): void {
  spawnSync(process.execPath, ['-e', "try { process.kill(-1, 'SIGKILL') } catch {}"], {
    uid,
    gid: uid,
    stdio: 'ignore',
    env: {},
    cwd: '/',
    timeout: 10_000,
  });
}

/** Removes the entries of `dir` that the dedicated uid owns (its scratch folders, anything it left). */
export function removeFilesOf(uid: number, dir: string): void {
  for (const name of readdirSync(dir)) {
    const entry = path.join(dir, name);
    try {
      if (lstatSync(entry).uid === uid) rmSync(entry, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}
