/**
 * The suites' only way to the submission: named procedures run by the candidate (grader/candidate),
 * with plain numbers in and schema-checked values out.
 */
import { candidate } from '../candidate/client.js';
import {
  readMatrix,
  readNumbers,
  readRecord,
  readReturned,
  readReturnedList,
  readString,
  type Received,
} from '../candidate/protocol.js';

export type { Received };

/** The test that is running and its per-call limit (rubric.json's callSeconds); grade-test.ts sets it. */
let running: { id: string; callSeconds: number } | undefined;

export function setRunningTest(test: { id: string; callSeconds: number } | undefined): void {
  running = test;
}

export function ask(procedure: string, args: object): Promise<unknown> {
  return candidate().call(procedure, args, running && { test: running.id, seconds: running.callSeconds });
}

/** A procedure whose answer is one value a submission method returned. */
export async function askReturned(procedure: string, args: object): Promise<Received> {
  return readReturned(await ask(procedure, args));
}

export async function askReturnedList(procedure: string, args: object): Promise<Received[]> {
  return readReturnedList(await ask(procedure, args), procedure);
}

/** A procedure whose answer is a record: each field read with its own reader. */
export async function askRecord<T extends Record<string, unknown>>(
  procedure: string,
  args: object,
  readers: { [K in keyof T]: (value: unknown, what: string) => T[K] },
): Promise<T> {
  const record = readRecord(await ask(procedure, args), procedure);
  const result = {} as T;
  for (const key of Object.keys(readers) as (keyof T)[])
    result[key] = readers[key](record[key as string], String(key));
  return result;
}

export const read = {
  returned: (value: unknown): Received => readReturned(value),
  returnedList: readReturnedList,
  numbers: readNumbers,
  matrix: readMatrix,
  string: (value: unknown, what: string): string => readString(value, what, 200),
  strings: (value: unknown, what: string): string[] => {
    if (!Array.isArray(value)) return readString(undefined, what) as never;
    return value.map((entry, i) => readString(entry, `${what}[${i}]`, 200));
  },
};
