/**
 * Checks for the grader's suites. Each failure is a GradeFailure whose message is the one line a
 * student reads: what was wrong, where, and a hint when the mistake is a typical one.
 */
import * as tf from '@tensorflow/tfjs';

export class GradeFailure extends Error {
  override name = 'GradeFailure';
}

export function fail(message: string): never {
  throw new GradeFailure(message);
}

/** The first line of whatever was thrown. */
export function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  return text.split('\n')[0];
}

/** Runs submission code; anything it throws becomes `what threw: <first line>`. */
export function call<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GradeFailure) throw error;
    const line = firstLine(error);
    // the skeleton's own "Method: not implemented" already names the method
    fail(line.startsWith(`${what.split(/[ (]/)[0]}:`) ? line : `${what} threw: ${line}`);
  }
}

export function format(value: number): string {
  if (Number.isNaN(value) || !Number.isFinite(value) || value === 0) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}

/**
 * Frees models made by submission code after a check. dispose is not graded, and one that throws must
 * not hide why the check failed, so its errors are dropped.
 */
export function release(...models: ({ dispose(): void } | undefined)[]): void {
  for (const model of models) {
    try {
      model?.dispose();
    } catch {
      // not graded
    }
  }
}

/** Checks that `value` is a tensor of the given shape and dtype, and returns it. */
export function expectTensor<T extends tf.Tensor>(
  what: string,
  value: unknown,
  shape: number[],
  dtype = 'float32',
): T {
  if (!(value instanceof tf.Tensor))
    fail(`${what}: returned ${describe(value)}, expected a tensor [${shape}]`);
  if (value.shape.length !== shape.length || value.shape.some((size: number, i: number) => size !== shape[i]))
    fail(`${what}: shape is [${value.shape}], expected [${shape}]`);
  if (value.dtype !== dtype) fail(`${what}: dtype is ${value.dtype}, expected ${dtype}`);
  return value as T;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : `a ${typeof value}`;
}

/** Reads a tensor returned by submission code and disposes it. */
export function take(tensor: tf.Tensor): Float32Array | Int32Array {
  const values = tensor.dataSync() as Float32Array | Int32Array;
  tensor.dispose();
  return values;
}

/**
 * |received − expected| ≤ 1e-4 · max(|expected|, 1): relative for large values, absolute below 1, where
 * float32 errors scale with the terms summed rather than with their (possibly tiny) result. float32
 * rounding across backends and orders of operations stays below 2e-6 on every fixture (grader/README.md),
 * while every typical mistake moves some value by more than 1e-2.
 */
export const RELATIVE_TOLERANCE = 1e-4;
export const TOLERANCE_FLOOR = 1;

export function isClose(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * Math.max(Math.abs(expected), TOLERANCE_FLOOR);
}

export interface CloseOptions {
  /** How to name the i-th value in a message, e.g. `row 3` (default `index i`). */
  where?: (i: number) => string;
  /** A hint for a typical mistake, from the received and the expected values. */
  hint?: (actual: number, expected: number, i: number) => string | undefined;
}

/** Every value finite and within the tolerance of the expected one; reports the first that is not. */
export function expectClose(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
): void {
  if (actual.length !== expected.length)
    fail(`${what}: ${actual.length} values, expected ${expected.length}`);
  const where = options.where ?? ((i: number) => `index ${i}`);
  for (let i = 0; i < expected.length; i++) {
    if (isClose(actual[i], expected[i])) continue;
    const hint = options.hint?.(actual[i], expected[i], i);
    fail(
      `${what}: value at ${where(i)} is ${format(actual[i])}, expected ${format(expected[i])}${hint ? ` (${hint})` : ''}`,
    );
  }
}

/** `row r, column c` naming for row-major [rows, columns] values. */
export function rowColumn(columns: number): (i: number) => string {
  return (i) => `row ${Math.floor(i / columns)}, column ${i % columns}`;
}

/** `[b, t, c]` naming for row-major [B, T, C] values. */
export function position3(T: number, C: number): (i: number) => string {
  return (i) => `[${Math.floor(i / (T * C))}, ${Math.floor(i / C) % T}, ${i % C}]`;
}
