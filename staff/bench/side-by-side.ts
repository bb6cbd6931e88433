/**
 * Alternating measurements: ours, then PyTorch's, then ours again, … (A B A B), so that both sides see
 * the same machine load. Each side's figure is a time (lower is faster); the ratio printed is PyTorch's
 * time ÷ ours per pair, i.e. our speed in units of PyTorch's (above 1: we are faster), and its median over
 * the pairs.
 */
import { findPyTorch, INSTALL_HINT, PyTorchBaseline } from './pytorch.js';

export interface Figure {
  /** The time compared (ms per step, seconds per run, …). */
  time: number;
  /** The process's own CPU time for the same work, in the same unit, when known. */
  cpu?: number;
}

export interface Pairs {
  ours: Figure[];
  theirs: Figure[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `pairs` rounds of ours then theirs (theirs skipped when absent). */
export async function alternate(
  pairs: number,
  ours: () => Promise<Figure>,
  theirs: (() => Promise<Figure>) | undefined,
  onPair?: (pair: number, our: Figure, their?: Figure) => void,
): Promise<Pairs> {
  const result: Pairs = { ours: [], theirs: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const our = await ours();
    result.ours.push(our);
    const their = theirs ? await theirs() : undefined;
    if (their) result.theirs.push(their);
    onPair?.(pair, our, their);
  }
  return result;
}

/** The speed ratio per pair (their time ÷ ours) and its median. */
export function ratios(pairs: Pairs, key: keyof Figure = 'time'): { each: number[]; median: number } {
  const each = pairs.ours.map((our, i) => (pairs.theirs[i][key] ?? NaN) / (our[key] ?? NaN));
  return { each, median: median(each) };
}

const format = (value: number, digits: number) => value.toFixed(digits);

/** The summary lines: each side's median (time and CPU), the ratio, and how PyTorch ran. */
export function summary(
  pairs: Pairs,
  unit: string,
  digits: number,
  baseline: PyTorchBaseline | undefined,
  missing: string | undefined,
): string[] {
  const mid = (figures: Figure[], key: keyof Figure) => median(figures.map((figure) => figure[key] ?? NaN));
  const lines = [
    `  ours      median ${format(mid(pairs.ours, 'time'), digits)} ${unit}` +
      (pairs.ours[0]?.cpu !== undefined ? `  (CPU ${format(mid(pairs.ours, 'cpu'), digits)} ${unit})` : '') +
      `  per run: ${pairs.ours.map((figure) => format(figure.time, digits)).join(' ')}`,
  ];
  if (!baseline) {
    lines.push(
      `  PyTorch   not measured: ${missing ?? 'not available'}`,
      `            no ratio is printed without it. To install it here: ${INSTALL_HINT}`,
    );
    return lines;
  }
  const wall = ratios(pairs, 'time');
  lines.push(
    `  PyTorch   median ${format(mid(pairs.theirs, 'time'), digits)} ${unit}` +
      (pairs.theirs[0]?.cpu !== undefined
        ? `  (CPU ${format(mid(pairs.theirs, 'cpu'), digits)} ${unit})`
        : '') +
      `  per run: ${pairs.theirs.map((figure) => format(figure.time, digits)).join(' ')}`,
    `  ratio     ${format(wall.median, 2)}× PyTorch's speed (median over ${wall.each.length} A/B pairs of ` +
      `PyTorch's time ÷ ours: ${wall.each.map((r) => format(r, 2)).join(' ')}; above 1 is faster)`,
  );
  if (pairs.ours[0]?.cpu !== undefined && pairs.theirs[0]?.cpu !== undefined) {
    lines.push(`            ${format(ratios(pairs, 'cpu').median, 2)}× by CPU time`);
  }
  const { torch, threads, blas } = baseline.settings;
  lines.push(
    `  PyTorch ran as: ${baseline.command}`,
    `            torch ${torch}, ${threads} thread(s), BLAS ${blas}`,
  );
  return lines;
}

/** Starts a baseline if PyTorch is here; otherwise says why not (the caller prints it). */
export async function startBaseline(
  script: string,
  args: string[],
  wanted: boolean,
): Promise<{ baseline?: PyTorchBaseline; missing?: string }> {
  if (!wanted) return { missing: 'skipped (--no-pytorch)' };
  const found = findPyTorch();
  if ('missing' in found) return { missing: found.missing };
  return { baseline: await PyTorchBaseline.start(found.python, script, args) };
}
