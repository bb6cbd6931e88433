/**
 * The processes a child started, their memory and how to end them all, from /proc (Linux). The judge
 * watches its candidate with these, and the batch grader its judges.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
}

/** Every process from /proc (Linux); elsewhere none, and only the time limit and V8's heap limit apply. */
function allProcesses(): ProcStat[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const stats: ProcStat[] = [];
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.push({ pid: Number(pid), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // the process ended while we looked
    }
  }
  return stats;
}

/** The child, its descendants, and anything left in its process group. */
export function processTree(root: number): number[] {
  const stats = allProcesses();
  const tree = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of stats) {
      if (!tree.has(stat.pid) && (tree.has(stat.ppid) || stat.pgid === root)) {
        tree.add(stat.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

export function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) the process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the last ')': state is field 3 of proc(5), utime and stime are fields 14 and 15, in ticks
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS = 100;

export function killTree(root: number, tree: number[]): void {
  for (const target of [-root, ...tree]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The last `count` non-empty lines of a process's output, each cut at 200 characters. */
export function lastLines(output: string, count: number): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .map((line) => (line.length > 200 ? `${line.slice(0, 200)}…` : line));
}

/**
 * How a process ended, for a reason line: its signal or exit code, then the last lines of the first of
 * `outputs` (stderr before stdout) that has any: `exit code 1; last output: a | b`, `killed by SIGKILL;
 * no output`.
 */
export function describeEnding(
  code: number | null,
  signal: NodeJS.Signals | null,
  outputs: readonly string[],
  count = 3,
): string {
  const how = signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;
  const lines = outputs.map((output) => lastLines(output, count)).find((found) => found.length > 0) ?? [];
  return `${how}; ${lines.length > 0 ? `last output: ${lines.join(' | ')}` : 'no output'}`;
}
