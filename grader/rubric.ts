/** The rubric (rubric.json): points, group and visibility of each grader test, keyed by a stable id. */
import { readFileSync } from 'node:fs';
import { GROUPS, type Group } from './results.js';

export interface RubricEntry {
  id: string;
  group: Group;
  points: number;
  name: string;
  hidden: boolean;
  /** The time limit of each candidate call made while this test runs, in seconds. */
  callSeconds?: number;
}

/** A test's per-call limit when its rubric entry gives none (rubric.json's `callSeconds`). */
export const DEFAULT_CALL_SECONDS = 60;

export class RubricError extends Error {
  override name = 'RubricError';
}

export const RUBRIC_FILE = new URL('./rubric.json', import.meta.url);

/** Reads and checks a rubric file; every problem names the entry. */
export function loadRubric(file: URL | string = RUBRIC_FILE): RubricEntry[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { tests?: unknown };
  if (!Array.isArray(raw.tests)) throw new RubricError(`${String(file)}: expected { "tests": [...] }`);
  const seen = new Set<string>();
  return raw.tests.map((entry: Record<string, unknown>, index: number) => {
    const where = `${String(file)}: tests[${index}]`;
    const { id, group, points, name, hidden = false, callSeconds = DEFAULT_CALL_SECONDS } = entry;
    if (typeof id !== 'string' || !/^[a-z]+\.[a-z-]+$/.test(id))
      throw new RubricError(`${where}: bad id ${id}`);
    if (seen.has(id)) throw new RubricError(`${where}: id ${id} appears twice`);
    seen.add(id);
    if (!GROUPS.includes(group as Group)) throw new RubricError(`${where} (${id}): unknown group ${group}`);
    if (typeof points !== 'number' || !(points > 0))
      throw new RubricError(`${where} (${id}): bad points ${points}`);
    if (typeof name !== 'string' || name === '') throw new RubricError(`${where} (${id}): missing name`);
    if (typeof hidden !== 'boolean') throw new RubricError(`${where} (${id}): hidden must be true or false`);
    if (typeof callSeconds !== 'number' || !(callSeconds > 0))
      throw new RubricError(`${where} (${id}): bad callSeconds ${callSeconds}`);
    return { id, group: group as Group, points, name, hidden, callSeconds };
  });
}

/** A test's title in Jest: `[id] name`, so that the scorer finds the id again. */
export function testTitle(entry: RubricEntry): string {
  return `[${entry.id}] ${entry.name}`;
}

/** The id in a Jest title made by testTitle, or undefined. */
export function idOfTitle(title: string): string | undefined {
  return /^\[([a-z]+\.[a-z-]+)\] /.exec(title)?.[1];
}
