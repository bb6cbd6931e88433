/**
 * Checks for the grader's suites. Each failure is a GradeFailure whose message is the one line a
 * student reads: what was wrong, where, and a hint when the mistake is a typical one.
 */
import type { Received } from '../candidate/protocol.js';

export class GradeFailure extends Error {
  override name = 'GradeFailure';
}

export function fail(message: string): never {
  throw new GradeFailure(message);
}

/**
 * Hidden tests must not show the expected values they hold: while one runs, failures say only where a
 * value is wrong. grade-test.ts sets this around each test.
 */
let hidden = false;

export function setHiddenTest(value: boolean): void {
  hidden = value;
}

/** How a message names a fixture case: by name when public, by number when hidden. */
export function caseLabel(name: string, index: number): string {
  return hidden ? `hidden case ${index + 1}` : `fixture "${name}"`;
}

export function format(value: number): string {
  if (Number.isNaN(value) || !Number.isFinite(value) || value === 0) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}

/** Checks that a submission method returned a tensor of the given shape and dtype, and gives its values. */
export function expectTensor(
  what: string,
  value: Received,
  shape: number[],
  dtype = 'float32',
): Float32Array | Int32Array {
  if (value.kind !== 'tensor')
    fail(
      `${what}: returned ${value.kind === 'other' ? value.description : 'an Int32Array'}, expected a tensor [${shape}]`,
    );
  if (value.shape.length !== shape.length || value.shape.some((size: number, i: number) => size !== shape[i]))
    fail(`${what}: shape is [${value.shape}], expected [${shape}]`);
  if (value.dtype !== dtype) fail(`${what}: dtype is ${value.dtype}, expected ${dtype}`);
  return value.values;
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
    if (hidden) fail(`${what}: wrong value at ${where(i)}`);
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
