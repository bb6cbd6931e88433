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
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  })
    .render()
    .asPng();
  const written = { spec: `${base}.vl.json`, svg: `${base}.svg`, png: `${base}.png` };
  writeFileSync(written.spec, `${JSON.stringify(full, null, 1)}\n`);
  writeFileSync(written.svg, svg);
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
  const x = { title: options.axes.x.title, scale: { domain: options.axes.x.domain, zero: false } };
  const y = { title: options.axes.y.title, scale: { domain: options.axes.y.domain, zero: false } };
  const layers: unknown[] = [
    {
      data: { values: options.points },
      mark: { type: 'circle', size: 9, opacity: 0.7, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', ...x },
        y: { field: 'y', type: 'quantitative', ...y },
        color,
      },
    },
  ];
  if (options.rectangles?.length)
    layers.push({
      data: { values: options.rectangles },
      mark: { type: 'rect', filled: false, strokeWidth: 1.5, clip: true },
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

/** Distinct colours for up to 40 groups (tableau20, then category20b), repeating beyond. */
function palette(count: number): string[] {
  const colours = [...(scheme('tableau20') as string[]), ...(scheme('category20b') as string[])];
  return Array.from({ length: Math.max(count, 1) }, (_, i) => colours[i % colours.length]);
}

/** One value of a curve: series name, x, y. */
export interface CurvePoint {
  series: string;
  x: number;
  y: number;
}

export interface CurveOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  points: readonly CurvePoint[];
  /** Series in legend order (default: order of first appearance). */
  series?: readonly string[];
  width?: number;
  height?: number;
}

/** Lines with point markers, one per series. */
export function curveSpec(options: CurveOptions): PlotSpec {
  const series = options.series ?? [...new Set(options.points.map((point) => point.series))];
  return {
    title: options.title,
    width: options.width ?? 420,
    height: options.height ?? 300,
    data: { values: options.points },
    mark: { type: 'line', point: { size: 14 } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle },
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
    },
  } as PlotSpec;
}
