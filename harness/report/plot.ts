/**
 * Plots: a vega-lite spec is kept as <name>.vl.json, compiled by vega to <name>.svg and rasterised by
 * resvg to <name>.png. Text in the PNG needs a font: resvg loads the system's fonts and prefers DejaVu Sans
 * (or EX5_PLOT_FONT); on a machine with no fonts at all the PNGs come out without text (the SVGs keep it).
 * Also the few spec builders the experiments share (scatter, boxes, curves).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { View, parse, scheme } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type PlotSpec = TopLevelSpec;

export interface WrittenPlot {
  spec: string;
  svg: string;
  png: string;
}

const FONT = process.env.EX5_PLOT_FONT || 'DejaVu Sans';
const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Writes `<base>.vl.json`, `<base>.svg` and `<base>.png` (twice the SVG's size, white background). */
export async function writePlot(spec: PlotSpec, base: string): Promise<WrittenPlot> {
  mkdirSync(path.dirname(base), { recursive: true });
  const full = { $schema: VEGA_LITE_SCHEMA, config: { font: FONT }, ...spec } as PlotSpec;
  const view = new View(parse(compile(full).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const written = { spec: `${base}.vl.json`, svg: `${base}.svg`, png: `${base}.png` };
  writeFileSync(written.spec, `${JSON.stringify(full, null, 1)}\n`);
  writeFileSync(written.svg, svg);
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  })
    .render()
    .asPng();
  writeFileSync(written.png, png);
  return written;
}

/** A point of a scatter, with its group (country, component) as a label. */
export interface ScatterPoint {
  x: number;
  y: number;
  group: string;
}

/** An axis-aligned rectangle drawn as an outline, e.g. a UMM box. */
export interface Rectangle {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  group: string;
}

export interface Axes {
  x: { title: string; domain?: [number, number] };
  y: { title: string; domain?: [number, number] };
}

export interface ScatterOptions {
  title: string;
  axes: Axes;
  points: readonly ScatterPoint[];
  /** Legend title, e.g. 'country' or 'component'. */
  groupTitle: string;
  /** Groups in legend order (default: order of first appearance). */
  groups?: readonly string[];
  /** Hide the legend (one group, or too many to be useful). */
  legend?: boolean;
  rectangles?: readonly Rectangle[];
  width?: number;
  height?: number;
}

/** Scatter coloured by group, optionally with rectangles in the same colours on top. */
export function scatterSpec(options: ScatterOptions): PlotSpec {
  const groups = options.groups ?? [...new Set(options.points.map((point) => point.group))];
  const color = {
    field: 'group',
    type: 'nominal' as const,
    title: options.groupTitle,
    scale: { domain: [...groups], range: palette(groups.length) },
    legend:
      options.legend === false
        ? null
        : { columns: groups.length > 17 ? 2 : 1, symbolLimit: 0, labelLimit: 220 },
  };
  const xs = [...options.points.map((p) => p.x), ...(options.rectangles ?? []).flatMap((r) => [r.x0, r.x1])];
  const ys = [...options.points.map((p) => p.y), ...(options.rectangles ?? []).flatMap((r) => [r.y0, r.y1])];
  const x = {
    title: options.axes.x.title,
    scale: { domain: enclose(options.axes.x.domain, xs), zero: false },
  };
  const y = {
    title: options.axes.y.title,
    scale: { domain: enclose(options.axes.y.domain, ys), zero: false },
  };
  // beyond ten groups, colours alone no longer tell neighbours apart: each group also gets a shape
  const shape =
    groups.length > 10
      ? {
          field: 'group',
          type: 'nominal' as const,
          title: options.groupTitle,
          scale: { domain: [...groups], range: groups.map((_, i) => SHAPES[i % SHAPES.length]) },
          legend: color.legend,
        }
      : undefined;
  const layers: unknown[] = [
    {
      data: { values: options.points },
      mark: { type: 'point', filled: true, size: shape ? 14 : 9, opacity: 0.75 },
      encoding: {
        x: { field: 'x', type: 'quantitative', ...x },
        y: { field: 'y', type: 'quantitative', ...y },
        color,
        ...(shape && { shape }),
      },
    },
  ];
  if (options.rectangles?.length)
    layers.push({
      data: { values: options.rectangles },
      mark: { type: 'rect', filled: false, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', ...x },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', ...y },
        y2: { field: 'y1' },
        color,
      },
    });
  return {
    title: options.title,
    width: options.width ?? 420,
    height: options.height ?? 380,
    layer: layers,
  } as PlotSpec;
}

/**
 * The domain widened to whole numbers that hold every finite value, so no mark is cut off by the frame
 * (and resvg is never given a clip path: it panics, aborting the process, on some clipped marks).
 */
function enclose(
  domain: [number, number] | undefined,
  values: readonly number[],
): [number, number] | undefined {
  let [low, high] = domain ?? [Infinity, -Infinity];
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return low <= high ? [Math.floor(low), Math.ceil(high)] : undefined;
}

/**
 * `count` colours that stay apart: tableau10 while it suffices, else a Glasbey-style palette, each colour
 * in turn the candidate farthest (in CIELAB) from all colours already taken. Candidates too light to see
 * on white are left out. Deterministic, so a plot's colours never change between runs.
 */
export function palette(count: number): string[] {
  const tableau = scheme('tableau10') as string[];
  if (count <= tableau.length) return tableau.slice(0, Math.max(count, 1));
  const levels = [0, 48, 96, 144, 192, 240];
  const candidates = levels
    .flatMap((r) => levels.flatMap((g) => levels.map((b) => [r, g, b])))
    .map((rgb) => ({ rgb, lab: toLab(rgb) }))
    .filter((c) => c.lab[0] > 35 && c.lab[0] < 80);
  const chosen = tableau.map((hex) => toLab(fromHex(hex)));
  const result = [...tableau];
  const nearest = candidates.map((c) => Math.min(...chosen.map((lab) => labDistance(c.lab, lab))));
  while (result.length < count) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (nearest[i] > nearest[best]) best = i;
    const pick = candidates[best];
    result.push(`#${pick.rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`);
    candidates.forEach((c, i) => (nearest[i] = Math.min(nearest[i], labDistance(c.lab, pick.lab))));
  }
  return result;
}

/** Marker shapes, the second cue where colours are many. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross'];

function fromHex(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** sRGB (0–255) to CIELAB under D65. */
function toLab(rgb: number[]): number[] {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ].map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116));
  return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
}

function labDistance(a: number[], b: number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** One value of a curve: series name, x, y, and optionally a line style shared across series. */
export interface CurvePoint {
  series: string;
  x: number;
  y: number;
  /** Drawn as the dash pattern, e.g. the split ('train', 'test') when colour says the series. */
  style?: string;
}

export interface CurveOptions {
  title: string;
  /** A line under the title, e.g. what each curve averages over. */
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  points: readonly CurvePoint[];
  /** Series in legend order (default: order of first appearance). */
  series?: readonly string[];
  /** x takes whole numbers only (epochs): integer ticks, never `1.000000`. */
  integerX?: boolean;
  width?: number;
  height?: number;
}

/** Lines with point markers, one per series (and per style, dashed, where points carry one). */
export function curveSpec(options: CurveOptions): PlotSpec {
  const series = options.series ?? [...new Set(options.points.map((point) => point.series))];
  const styles = [...new Set(options.points.flatMap((point) => (point.style ? [point.style] : [])))];
  return {
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: options.width ?? 420,
    height: options.height ?? 300,
    data: { values: options.points },
    mark: { type: 'line', point: { size: 14 } },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle,
        ...(options.integerX && { axis: { format: 'd', tickMinStep: 1 } }),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: { zero: false },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: [...series] },
        legend: { labelLimit: 320 },
      },
      ...(styles.length > 0 && {
        strokeDash: {
          field: 'style',
          type: 'nominal',
          title: null,
          scale: { domain: styles, range: styles.map((_, i) => (i === 0 ? [1, 0] : [6, 3])) },
          legend: { symbolType: 'stroke', symbolStrokeWidth: 2 },
        },
      }),
    },
  } as PlotSpec;
}
