/**
 * A one-line progress display on a terminal: label, bar, done/total, the caller's fields (loss, tokens/s,
 * …), elapsed time and ETA, redrawn in place at most every `intervalMs`. Silent when the stream is not a
 * TTY (logs, CI, Jest) or when `quiet` is set, so callers never need to check.
 */
export interface ProgressOptions {
  /** Steps in all (epochs, optimiser steps, submissions). */
  total: number;
  /** What is running, e.g. 'GMM K=33'. */
  label: string;
  /** Name of a step in the counter, e.g. 'epoch' → 'epoch 3/50'; default 'step'. */
  unit?: string;
  quiet?: boolean;
  /** Default process.stderr. */
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
  /** Clock in milliseconds (tests pass a fake one); default performance.now. */
  now?: () => number;
}

export type ProgressFields = Record<string, string | number>;

const BAR_WIDTH = 20;

export class Progress {
  readonly enabled: boolean;
  private readonly stream: NodeJS.WriteStream;
  private readonly now: () => number;
  private readonly started: number;
  private lastDrawn = -Infinity;
  private lastLine = '';

  constructor(private readonly options: ProgressOptions) {
    if (!(options.total > 0)) throw new RangeError(`Progress: total must be positive, got ${options.total}`);
    this.stream = options.stream ?? process.stderr;
    this.enabled = !options.quiet && this.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Seconds since the display was created (for rates such as tokens/s). */
  get elapsedSeconds(): number {
    return (this.now() - this.started) / 1000;
  }

  /** Records that `done` of `total` steps are finished; redraws when the interval has passed or at the end. */
  update(done: number, fields: ProgressFields = {}): void {
    if (!this.enabled) return;
    const time = this.now();
    if (done < this.options.total && time - this.lastDrawn < (this.options.intervalMs ?? 100)) return;
    this.lastDrawn = time;
    this.draw(this.render(done, fields));
  }

  /** Leaves the last line on screen with a summary appended, and moves to a new line. */
  finish(summary = ''): void {
    if (!this.enabled) return;
    this.draw(
      summary ? `${this.options.label}: ${summary} (${formatDuration(this.elapsedSeconds)})` : this.lastLine,
    );
    this.stream.write('\n');
  }

  /** The line for `done` steps, without drawing it. */
  render(done: number, fields: ProgressFields = {}): string {
    const { total, label, unit = 'step' } = this.options;
    const share = Math.min(1, Math.max(0, done / total));
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const elapsed = this.elapsedSeconds;
    const eta = done > 0 && done < total ? ` eta ${formatDuration((elapsed / done) * (total - done))}` : '';
    const extra = Object.entries(fields).map(([name, value]) => `${name} ${formatValue(value)}`);
    return [`${label} ${bar} ${unit} ${done}/${total}`, ...extra, `${formatDuration(elapsed)}${eta}`].join(
      '  ',
    );
  }

  private draw(line: string): void {
    const width = this.stream.columns ?? 100;
    const fitted = line.length > width - 1 ? line.slice(0, width - 1) : line;
    this.stream.write(`\r${fitted}\u001b[K`); // \u001b[K clears what a longer previous line left
    this.lastLine = line;
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - 60 * minutes);
  return minutes < 60
    ? `${minutes}m${String(rest).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function formatValue(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}
