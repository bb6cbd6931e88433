/**
 * The score distribution on the index page: ten equal bins of the maximum, the bins of the terminal's
 * bars (formatHistogram in writers.ts; pages.test.ts holds the two to each other), drawn here as SVG
 * rather than by a plotting library so that the page needs nothing but itself.
 */
import type { SubmissionOutcome } from '../outcome.js';
import { html, type Html } from './html.js';

export interface ScoreBin {
  from: number;
  to: number;
  /** Every submission whose score falls in [from, to) ([from, to] for the last bin). */
  count: number;
  /** Of those, the ones whose status is graded; the rest got no (or no full) verdict. */
  graded: number;
}

/** Scores in ten bins of the maximum; a row without a score counts as 0. Undefined when nothing has a maximum. */
export function scoreBins(outcomes: readonly SubmissionOutcome[], count = 10): ScoreBin[] | undefined {
  const maxScore = Math.max(0, ...outcomes.map((outcome) => outcome.maxScore));
  if (maxScore === 0) return undefined;
  const bins = Array.from({ length: count }, (_, k) => ({
    from: (k * maxScore) / count,
    to: ((k + 1) * maxScore) / count,
    count: 0,
    graded: 0,
  }));
  for (const outcome of outcomes) {
    const bin = bins[Math.max(0, Math.min(count - 1, Math.floor((outcome.score / maxScore) * count)))];
    bin.count++;
    if (outcome.status === 'graded') bin.graded++;
  }
  return bins;
}

/** A bin's edge as a label: at most one decimal. */
export function edgeLabel(value: number): string {
  return String(Number(value.toFixed(1)));
}

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { left: 44, right: 12, top: 18, bottom: 58 };

/** Stacked bars (graded, then the rest), counts above them, bin edges below, as inline SVG. */
export function histogramSvg(outcomes: readonly SubmissionOutcome[]): Html {
  const bins = scoreBins(outcomes);
  if (!bins) return html`<p class="meta">(no scores)</p>`;
  const most = Math.max(1, ...bins.map((bin) => bin.count));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = plotWidth / bins.length;
  const y = (count: number) => MARGIN.top + plotHeight - (count / most) * plotHeight;
  const bars = bins.map((bin, k) => {
    const x = MARGIN.left + k * step + 2;
    const width = step - 4;
    const range = `[${edgeLabel(bin.from)}, ${edgeLabel(bin.to)}${k === bins.length - 1 ? ']' : ')'}`;
    const label = `score in ${range}: ${bin.count} submissions, ${bin.count - bin.graded} of them not graded`;
    return html`<g class="bin"
      ><title>${label}</title>
      <rect
        class="graded"
        x="${x}"
        y="${y(bin.graded)}"
        width="${width}"
        height="${y(0) - y(bin.graded)}"
        fill="#4e79a7"
      />
      <rect
        class="other"
        x="${x}"
        y="${y(bin.count)}"
        width="${width}"
        height="${y(bin.graded) - y(bin.count)}"
        fill="#e15759"
      />
      ${bin.count > 0 ? html`<text x="${x + width / 2}" y="${y(bin.count) - 4}" text-anchor="middle">${bin.count}</text>` : ''}
    </g>`;
  });
  const edges = bins.map(
    (bin, k) =>
      html`<text x="${MARGIN.left + k * step}" y="${y(0) + 16}" text-anchor="middle"
        >${edgeLabel(bin.from)}</text
      >`,
  );
  const last = bins[bins.length - 1];
  const bottom = y(0);
  return html`<svg
    class="histogram"
    role="img"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    width="100%"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title>
      Score distribution: ${outcomes.length} submissions in ten bins of ${edgeLabel(last.to)} points
    </title>
    <line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#1f2328" />
    <line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#1f2328" />
    <text x="${MARGIN.left - 6}" y="${bottom}" text-anchor="end">0</text>
    <text x="${MARGIN.left - 6}" y="${MARGIN.top + 4}" text-anchor="end">${most}</text>
    ${bars} ${edges}
    <text x="${MARGIN.left + plotWidth}" y="${bottom + 16}" text-anchor="middle">${edgeLabel(last.to)}</text>
    <text x="${MARGIN.left + plotWidth / 2}" y="${bottom + 34}" text-anchor="middle">score</text>
    <rect x="${MARGIN.left}" y="${HEIGHT - 14}" width="10" height="10" fill="#4e79a7" />
    <text x="${MARGIN.left + 14}" y="${HEIGHT - 5}">graded</text>
    <rect x="${MARGIN.left + 80}" y="${HEIGHT - 14}" width="10" height="10" fill="#e15759" />
    <text x="${MARGIN.left + 94}" y="${HEIGHT - 5}">another status (a row without a score counts as 0)</text>
  </svg>`;
}
