/**
 * The one channel between the judge (the grader's suites) and the candidate (the process that runs the
 * submission). The judge writes one request per line on the candidate's stdin; the candidate answers
 * each on descriptor 3 with one line. Requests carry plain numbers; replies carry plain numbers and
 * what a submission method returned, as `Returned`. The judge checks every reply against the schema
 * of its procedure (`read*` below) and trusts nothing else the candidate writes.
 *
 * No tfjs here: the judge never loads it.
 */
import { LOAD_FAILURE_KINDS, type LoadFailureKind } from '../../harness/submission.js';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';

export interface Request {
  id: number;
  procedure: string;
  args: unknown;
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string; load?: LoadFailureReport };

/** On a failed reply: the part the candidate's loader could not load, and why (harness/submission.ts). */
export interface LoadFailureReport {
  part: SubmissionPart;
  kind: LoadFailureKind;
}

/** What a submission method returned: a tensor (values as base64 float32/int32 bytes), an Int32Array, or anything else. */
export type Returned =
  | { kind: 'tensor'; shape: number[]; dtype: string; base64: string }
  | { kind: 'int32array'; base64: string }
  | { kind: 'other'; description: string };

/** A decoded `Returned`. */
export type Received =
  | { kind: 'tensor'; shape: number[]; dtype: string; values: Float32Array | Int32Array }
  | { kind: 'int32array'; values: Int32Array }
  | { kind: 'other'; description: string };

/** The candidate's first line, once the backend is up. */
export const READY = 'ready';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function bad(what: string): never {
  throw new ProtocolError(`malformed reply from the submission's process: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) bad(`${what} is not an object`);
  return value;
}

/** A JSON number, or null standing for a non-finite value (JSON has no NaN). */
export function readNumber(value: unknown, what: string): number {
  if (value === null) return Number.NaN;
  if (typeof value !== 'number') bad(`${what} is not a number`);
  return value;
}

export function readNumbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) bad(`${what} is not an array`);
  return value.map((entry, i) => readNumber(entry, `${what}[${i}]`));
}

export function readMatrix(value: unknown, what: string): number[][] {
  if (!Array.isArray(value)) bad(`${what} is not an array`);
  return value.map((row, i) => readNumbers(row, `${what}[${i}]`));
}

export function readString(value: unknown, what: string, limit = 2000): string {
  if (typeof value !== 'string') bad(`${what} is not a string`);
  return value.slice(0, limit);
}

function readShape(value: unknown): number[] {
  const shape = readNumbers(value, 'shape');
  if (shape.length > 8 || shape.some((size) => !Number.isInteger(size) || size < 0)) bad('shape');
  return shape;
}

function bytes(base64: unknown, elements: number): Buffer {
  const buffer = Buffer.from(readString(base64, 'values', Number.MAX_SAFE_INTEGER), 'base64');
  if (buffer.length !== elements * 4) bad(`${buffer.length} bytes of values for ${elements} elements`);
  return buffer;
}

/** Decodes and checks one `Returned`. */
export function readReturned(value: unknown): Received {
  const record = readRecord(value, 'a returned value');
  if (record.kind === 'other')
    return { kind: 'other', description: readString(record.description, 'description', 80) };
  if (record.kind === 'int32array') {
    const encoded = readString(record.base64, 'values', Number.MAX_SAFE_INTEGER);
    const buffer = Buffer.from(encoded, 'base64');
    if (buffer.length % 4 !== 0) bad('Int32Array bytes');
    return { kind: 'int32array', values: new Int32Array(Uint8Array.from(buffer).buffer) };
  }
  if (record.kind !== 'tensor') bad('unknown kind of returned value');
  const shape = readShape(record.shape);
  const dtype = readString(record.dtype, 'dtype', 20);
  const elements = shape.reduce((a, b) => a * b, 1);
  const buffer = Uint8Array.from(bytes(record.base64, elements)).buffer;
  return {
    kind: 'tensor',
    shape,
    dtype,
    values: dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer),
  };
}

export function readReturnedList(value: unknown, what: string): Received[] {
  if (!Array.isArray(value)) bad(`${what} is not an array`);
  return value.map(readReturned);
}

/** Parses one reply line; lines that are not replies are reported as undefined and ignored. */
export function parseReply(line: string): Reply | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.id !== 'number') return undefined;
  if (parsed.ok === true) return { id: parsed.id, ok: true, value: parsed.value };
  if (parsed.ok === false) {
    const error = readString(parsed.error, 'error', 500);
    return {
      id: parsed.id,
      ok: false,
      error,
      ...(parsed.load !== undefined && { load: readLoad(parsed.load) }),
    };
  }
  return undefined;
}

function readLoad(value: unknown): LoadFailureReport {
  const { part, kind } = readRecord(value, 'load');
  if (typeof part !== 'string' || !Object.hasOwn(SUBMISSION_FILES, part)) bad('load.part');
  if (!LOAD_FAILURE_KINDS.includes(kind as LoadFailureKind)) bad('load.kind');
  return { part: part as SubmissionPart, kind: kind as LoadFailureKind };
}
