/**
 * The fixtures' schema (fixtures/README.md) and their reader. staff/fixtures/cli.ts writes them from the
 * reference; the grader's suites read them. Plain JSON: numbers are float32 values written in as few
 * digits as read back to the same float32.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GMMParameters, GPTConfig, UMMParameters } from '../lib/contract.js';

export interface FixtureFile<Case> {
  /** What made the file: command, seed, backend. */
  about: string;
  seed: number;
  backend: 'cpu';
  cases: Case[];
}

/**
 * Where the points of a mixture case lie; the grader checks each kind in its own test. extreme: inputs that
 * expose numerics (logits hundreds apart, tiny variances, a single point).
 */
export type PointKind = 'normal' | 'far' | 'edges' | 'outside' | 'extreme';

export interface MixtureCase<Parameters> {
  name: string;
  kind: PointKind;
  parameters: Parameters;
  x: number[][]; // [n, 2]
  logLikelihood: number[]; // [n]
  loss: number;
  /** The gradient of the loss −mean log p(x) with respect to each parameter, shaped as the parameters. */
  gradients: Parameters;
}

export interface AttentionCase {
  name: string;
  nEmbd: number;
  nHead: number;
  blockSize: number;
  weights: { cAttn: { kernel: number[][]; bias: number[] }; cProj: { kernel: number[][]; bias: number[] } };
  x: number[][][]; // [B, T, C]
  y: number[][][]; // [B, T, C]
  /** Some cases: gradients of Σ y · projection with respect to x and to each weight (same shapes). */
  projection?: number[][][]; // [B, T, C]
  gradients?: {
    x: number[][][];
    cAttn: { kernel: number[][]; bias: number[] };
    cProj: { kernel: number[][]; bias: number[] };
  };
}

export interface GPTCase {
  name: string;
  config: GPTConfig;
  /** Every weight of lib/gpt's GPT by name, flattened row-major. */
  weights: Record<string, { shape: number[]; values: number[] }>;
  idx: number[][]; // [B, T]
  logits: number[][][]; // [B, T, V]
}

export interface StepCase {
  name: string;
  logits: number[][][]; // [B, T, V]
  targets: number[][]; // [B, T]
  loss: number;
  accuracy: number;
  /** d loss / d logits [B, T, V]. */
  gradient: number[][][];
}

export interface TopKCase {
  name: string;
  k: number;
  logits: number[][]; // [B, V]
  probabilities: number[][]; // [B, V]
}

export interface Fixtures {
  gmm: FixtureFile<MixtureCase<GMMParameters>>;
  umm: FixtureFile<MixtureCase<UMMParameters>>;
  attention: FixtureFile<AttentionCase>;
  gpt: FixtureFile<GPTCase>;
  step: FixtureFile<StepCase>;
  topk: FixtureFile<TopKCase>;
}

export type FixtureName = keyof Fixtures;
export const FIXTURE_NAMES: FixtureName[] = ['gmm', 'umm', 'attention', 'gpt', 'step', 'topk'];

export class FixtureError extends Error {
  override name = 'FixtureError';
}

export function fixtureFile(dir: string, name: FixtureName): string {
  return path.join(dir, `${name}.json`);
}

/** Reads one fixture file; a missing or malformed file is an error naming it. */
export function readFixture<N extends FixtureName>(dir: string, name: N): Fixtures[N] {
  const file = fixtureFile(dir, name);
  let data: Fixtures[N];
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Fixtures[N];
  } catch (error) {
    throw new FixtureError(`${file}: cannot be read: ${error instanceof Error ? error.message : error}`);
  }
  if (!Array.isArray(data.cases) || data.cases.length === 0 || typeof data.seed !== 'number') {
    throw new FixtureError(`${file}: expected { about, seed, backend, cases: [...] } with at least one case`);
  }
  return data;
}

/** Reads every file of a fixture set, so that a missing or broken one stops grading before it starts. */
export function checkFixtureSet(dir: string): void {
  for (const name of FIXTURE_NAMES) readFixture(dir, name);
}

/** The shortest decimal that reads back as the same float32 (so fixtures stay small and exact). */
export function float32Text(value: number): string {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = Number(single.toPrecision(digits));
    if (Math.fround(text) === single) return String(text);
  }
  return String(single);
}

/** Indented JSON, every non-integer number as float32Text, arrays of plain numbers on one line. */
export function fixtureJson(data: unknown): string {
  const json = JSON.stringify(
    data,
    (_key, value: unknown) =>
      typeof value === 'number' && !Number.isInteger(value) ? `__float32:${float32Text(value)}` : value,
    2,
  );
  const numbers = json.replace(/"__float32:([^"]+)"/g, '$1');
  return `${numbers.replace(/\[([-\d.e+,\s]*)\]/g, (_match, inner: string) => `[${inner.replace(/\s+/g, '').replace(/,/g, ', ')}]`)}\n`;
}
