/**
 * npm run data:europe [-- --dir DIR] [--check]
 * Regenerates the Europe data set (data/europe/: train.csv, test.csv, countries.json) from Natural Earth's
 * 1:50m country shapes in the world-atlas package. Deterministic: every draw comes from new Rng(42) and every
 * number is written with 5 decimals, so the files are byte-for-byte reproducible. --check writes nothing: it
 * verifies that the files in DIR are what the generator makes and that every point lies in its country.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { geoArea, geoBounds, geoContains } from 'd3-geo';
import type { MultiPolygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { command, runCommand, userPath } from '../harness/cli.js';
import { COUNTRIES, EUROPE_COLUMNS, EUROPE_DIR } from '../harness/data/europe.js';
import { DEFAULT_SEED, Rng } from '../lib/random.js';

/** Europe's land in the lon/lat plane; a country's polygons outside it (overseas regions) are dropped. */
const EUROPE_BOX = { long: [-11, 41], lat: [34, 72] } as const;

/** Points per country grow linearly with its European land area, from the smallest to the largest. */
const SMALLEST_COUNT = 650;
const LARGEST_COUNT = 11_300;
/** Of each country's points, this fraction (rounded) goes to the test split: train:test ≈ 8:1. */
const TEST_FRACTION = 1 / 9;
const DECIMALS = 5;

const ATLAS = 'world-atlas/countries-50m.json';
const EARTH_RADIUS_KM = 6371.0088; // mean radius, for areas in km² (the count rule does not depend on the unit)

/** Our names that Natural Earth spells differently (matching also ignores case, accents and punctuation). */
const NATURAL_EARTH_ALIASES: Record<string, string[]> = {
  'Bosnia and Herzegovina': ['Bosnia and Herz.'],
  Czechia: ['Czech Rep.', 'Czech Republic'],
  Moldova: ['Republic of Moldova'],
  Serbia: ['Republic of Serbia'],
  'United Kingdom': ['UK'],
};

/** Islands inside the box that are overseas all the same: each named by a point on it. */
const OVERSEAS_INSIDE_BOX: { country: string; place: string; point: LonLat }[] = [
  { country: 'Norway', place: 'Jan Mayen', point: [-8.5, 71.0] },
];

type Polygon = Position[][];
/** A point: longitude, latitude in degrees. */
type LonLat = [number, number];

export interface CountryShape {
  id: number;
  name: string;
  /** The European polygons only, in d3-geo's spherical winding. */
  geometry: MultiPolygon;
  areaKm2: number;
}

/** The 33 countries' European land, in id order. Fails loudly on a missing name or an unexpected polygon. */
export function europeShapes(): CountryShape[] {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve(ATLAS), 'utf8')) as Topology;
  const features = feature(
    topology,
    topology.objects.countries as GeometryCollection<{ name: string }>,
  ).features;
  return COUNTRIES.map((name, id) => {
    const wanted = [name, ...(NATURAL_EARTH_ALIASES[name] ?? [])].map(normaliseName);
    const matches = features.filter((f) => wanted.includes(normaliseName(f.properties.name)));
    if (matches.length !== 1) {
      const spellings = [name, ...(NATURAL_EARTH_ALIASES[name] ?? [])].map((n) => `'${n}'`).join(' or ');
      throw new Error(`${ATLAS}: expected one country named ${spellings}, found ${matches.length}`);
    }
    const geometry = matches[0].geometry;
    const polygons =
      geometry.type === 'Polygon'
        ? [geometry.coordinates]
        : geometry.type === 'MultiPolygon'
          ? geometry.coordinates
          : [];
    const european = europeanPolygons(name, polygons);
    const shape: MultiPolygon = { type: 'MultiPolygon', coordinates: european };
    return { id, name, geometry: shape, areaKm2: geoArea(shape) * EARTH_RADIUS_KM ** 2 };
  });
}

function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Keeps the polygons inside EUROPE_BOX, drops those wholly outside it; one across its edge is an error. */
function europeanPolygons(name: string, polygons: Polygon[]): Polygon[] {
  const [west, east] = EUROPE_BOX.long;
  const [south, north] = EUROPE_BOX.lat;
  const kept = polygons.filter((polygon) => {
    const { long, lat } = vertexBox(polygon);
    const inside = long[0] >= west && long[1] <= east && lat[0] >= south && lat[1] <= north;
    const outside = long[1] < west || long[0] > east || lat[1] < south || lat[0] > north;
    if (!inside && !outside) {
      throw new Error(
        `${ATLAS}: a polygon of ${name} crosses the edge of Europe's box (${boxText(long, lat)})`,
      );
    }
    return inside;
  });
  for (const { country, place, point } of OVERSEAS_INSIDE_BOX) {
    if (country !== name) continue;
    const at = kept.findIndex((polygon) => geoContains({ type: 'Polygon', coordinates: polygon }, point));
    if (at < 0) throw new Error(`${ATLAS}: ${name} has no polygon at ${place} (${point}) to drop`);
    kept.splice(at, 1);
  }
  if (kept.length === 0) throw new Error(`${ATLAS}: ${name} has no polygon inside Europe's box`);
  return kept;
}

function vertexBox(polygon: Polygon): { long: [number, number]; lat: [number, number] } {
  const long: [number, number] = [Infinity, -Infinity];
  const lat: [number, number] = [Infinity, -Infinity];
  for (const ring of polygon) {
    for (const [x, y] of ring) {
      long[0] = Math.min(long[0], x);
      long[1] = Math.max(long[1], x);
      lat[0] = Math.min(lat[0], y);
      lat[1] = Math.max(lat[1], y);
    }
  }
  return { long, lat };
}

function boxText(long: [number, number], lat: [number, number]): string {
  return `long ${long[0].toFixed(2)}…${long[1].toFixed(2)}, lat ${lat[0].toFixed(2)}…${lat[1].toFixed(2)}`;
}

/** Rows per country (train + test): linear in area from SMALLEST_COUNT to LARGEST_COUNT. */
function countryCounts(areas: readonly number[]): number[] {
  const smallest = Math.min(...areas);
  const largest = Math.max(...areas);
  return areas.map((area) =>
    Math.round(
      SMALLEST_COUNT + ((LARGEST_COUNT - SMALLEST_COUNT) * (area - smallest)) / (largest - smallest),
    ),
  );
}

/**
 * Point-in-country tests for rejection sampling, fast but exactly geoContains's answers. The sampling box is
 * cut into CELL-degree cells; a cell that a border arc touches (by the arc's exact spherical bounds) is a
 * border cell, where each point gets geoContains. Cells that no arc touches form connected regions that
 * are wholly inside or wholly outside, so geoContains runs once per region, on its first point.
 */
class CountryRegion {
  readonly long: [number, number];
  readonly lat: [number, number];
  private readonly columns: number;
  private readonly rows: number;
  /** Per cell: the index of its border-free region, or BORDER. */
  private readonly region: Int32Array;
  /** Per region: UNKNOWN until its first point is tested, then INSIDE or OUTSIDE. */
  private readonly answer: Uint8Array;

  constructor(private readonly shape: CountryShape) {
    const [[west, south], [east, north]] = geoBounds(shape.geometry);
    this.long = [Math.max(west, EUROPE_BOX.long[0]), Math.min(east, EUROPE_BOX.long[1])];
    this.lat = [Math.max(south, EUROPE_BOX.lat[0]), Math.min(north, EUROPE_BOX.lat[1])];
    this.columns = Math.ceil((this.long[1] - this.long[0]) / CELL);
    this.rows = Math.ceil((this.lat[1] - this.lat[0]) / CELL);
    this.region = new Int32Array(this.columns * this.rows).fill(UNLABELLED);
    this.markBorders();
    this.answer = new Uint8Array(this.labelRegions()).fill(UNKNOWN);
  }

  contains(point: LonLat): boolean {
    const column = Math.floor((point[0] - this.long[0]) / CELL);
    const row = Math.floor((point[1] - this.lat[0]) / CELL);
    const outsideGrid = column < 0 || column >= this.columns || row < 0 || row >= this.rows;
    const region = outsideGrid ? BORDER : this.region[row * this.columns + column];
    if (region === BORDER) return geoContains(this.shape.geometry, point);
    if (this.answer[region] === UNKNOWN)
      this.answer[region] = geoContains(this.shape.geometry, point) ? INSIDE : OUTSIDE;
    return this.answer[region] === INSIDE;
  }

  private markBorders(): void {
    const index = (value: number, origin: number, last: number) =>
      Math.min(Math.max(Math.floor((value - origin) / CELL), 0), last);
    for (const polygon of this.shape.geometry.coordinates) {
      for (const ring of polygon) {
        for (let i = 1; i < ring.length; i++) {
          const [[w, s], [e, n]] = geoBounds({ type: 'LineString', coordinates: [ring[i - 1], ring[i]] });
          const [row0, row1] = [s - EPSILON, n + EPSILON].map((lat) =>
            index(lat, this.lat[0], this.rows - 1),
          );
          const [column0, column1] = [w - EPSILON, e + EPSILON].map((long) =>
            index(long, this.long[0], this.columns - 1),
          );
          for (let row = row0; row <= row1; row++) {
            this.region.fill(BORDER, row * this.columns + column0, row * this.columns + column1 + 1);
          }
        }
      }
    }
  }

  /** Flood-fills the border-free cells (4-neighbours) with region indices; returns how many regions. */
  private labelRegions(): number {
    let regions = 0;
    const stack: number[] = [];
    for (let start = 0; start < this.region.length; start++) {
      if (this.region[start] !== UNLABELLED) continue;
      this.region[start] = regions;
      stack.push(start);
      while (stack.length > 0) {
        const cell = stack.pop()!;
        const column = cell % this.columns;
        const neighbours = [
          column > 0 ? cell - 1 : -1,
          column < this.columns - 1 ? cell + 1 : -1,
          cell - this.columns,
          cell + this.columns,
        ];
        for (const next of neighbours) {
          if (next >= 0 && next < this.region.length && this.region[next] === UNLABELLED) {
            this.region[next] = regions;
            stack.push(next);
          }
        }
      }
      regions++;
    }
    return regions;
  }
}

const CELL = 0.02; // degrees; smaller cells leave fewer points to the slow border test
const EPSILON = 1e-9; // degrees added around each arc's bounds against rounding
const [UNLABELLED, BORDER] = [-2, -1];
const [UNKNOWN, INSIDE, OUTSIDE] = [0, 1, 2];

/** `count` points uniform in the lon/lat plane inside `shape` (rejection sampling), on the written grid. */
function samplePoints(shape: CountryShape, count: number, rng: Rng): LonLat[] {
  const region = new CountryRegion(shape);
  const onGrid = (value: number) => Number(value.toFixed(DECIMALS)); // test the point exactly as written
  const points: LonLat[] = [];
  while (points.length < count) {
    const point: LonLat = [
      onGrid(region.long[0] + rng.uniform() * (region.long[1] - region.long[0])),
      onGrid(region.lat[0] + rng.uniform() * (region.lat[1] - region.lat[0])),
    ];
    if (region.contains(point)) points.push(point);
  }
  return points;
}

export interface EuropeFiles {
  train: string;
  test: string;
  countries: string;
}

/** The three files' contents. Draw order: each country's points in id order, then the two shuffles. */
export function generateEurope(shapes: CountryShape[] = europeShapes()): EuropeFiles {
  const rng = new Rng(DEFAULT_SEED);
  const counts = countryCounts(shapes.map((shape) => shape.areaKm2));
  const train: string[] = [];
  const test: string[] = [];
  shapes.forEach((shape, id) => {
    const points = samplePoints(shape, counts[id], rng);
    const testCount = Math.round(counts[id] * TEST_FRACTION); // the points are iid, so the first ones will do
    points.forEach(([long, lat], i) => {
      (i < testCount ? test : train).push(`${long.toFixed(DECIMALS)},${lat.toFixed(DECIMALS)},${id}`);
    });
  });
  const csv = (rows: string[]) => {
    const order = rng.permutation(rows.length); // interleave the countries, as real data would be
    return [EUROPE_COLUMNS.join(','), ...Array.from(order, (i) => rows[i])].join('\n') + '\n';
  };
  return { train: csv(train), test: csv(test), countries: JSON.stringify(COUNTRIES, null, 2) + '\n' };
}

const FILES = { train: 'train.csv', test: 'test.csv', countries: 'countries.json' } as const;

/**
 * What is wrong with the files in `dir` (empty when nothing): each must equal what the generator makes, and
 * each point of the CSVs must lie inside its own country by plain geoContains, independently of the grid
 * that sampling used. The test runs it through --check in a Node process of its own, because inside Jest's
 * sandbox d3-geo is about 15 times slower.
 */
export function checkEurope(dir: string, shapes: CountryShape[] = europeShapes()): string[] {
  const problems: string[] = [];
  const generated = generateEurope(shapes);
  for (const [key, name] of Object.entries(FILES) as [keyof EuropeFiles, string][]) {
    const where = path.join(dir, name);
    const lines = readFileSync(where, 'utf8').split('\n');
    const expected = generated[key].split('\n');
    const at = lines.findIndex((line, i) => line !== expected[i]);
    const differs =
      at >= 0 ? at : lines.length !== expected.length ? Math.min(lines.length, expected.length) : -1;
    if (differs >= 0) {
      const text = (line: string | undefined) =>
        line === undefined ? 'the end of the file' : JSON.stringify(line);
      problems.push(
        `${where}:${differs + 1}: is ${text(lines[differs])}, the generator writes ${text(expected[differs])}`,
      );
    }
    if (key === 'countries') continue;
    lines.forEach((line, i) => {
      if (i === 0 || line === '') return;
      const [long, lat, country] = line.split(',').map(Number);
      const shape = shapes[country];
      if (!shape || !geoContains(shape.geometry, [long, lat])) {
        problems.push(
          `${where}:${i + 1}: (${long}, ${lat}) is not inside ${shape?.name ?? `country ${country}`}`,
        );
      }
    });
  }
  return problems;
}

interface Options {
  dir?: string;
  check: boolean;
}

async function main(options: Options): Promise<number> {
  const values = {
    dir: options.dir === undefined ? EUROPE_DIR : userPath(options.dir),
    check: options.check,
  };
  const relative = path.relative(process.cwd(), values.dir);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? values.dir : relative || '.';
  const started = performance.now();
  const shapes = europeShapes();
  if (values.check) {
    const problems = checkEurope(values.dir, shapes);
    for (const problem of problems.slice(0, 10)) console.error(problem);
    if (problems.length > 10) console.error(`… and ${problems.length - 10} more`);
    if (problems.length > 0) return 1;
    console.log(`${shown}: as generated, every point inside its country (${seconds(started)})`);
    return 0;
  }
  const files = generateEurope(shapes);
  mkdirSync(values.dir, { recursive: true });
  for (const [key, name] of Object.entries(FILES) as [keyof EuropeFiles, string][]) {
    writeFileSync(path.join(values.dir, name), files[key]);
  }
  const counts = countryCounts(shapes.map((shape) => shape.areaKm2));
  const rows = (text: string) => text.split('\n').length - 2;
  console.log(
    `wrote ${shown}: ${rows(files.train)} train + ${rows(files.test)} test rows, ` +
      `${Math.min(...counts)}–${Math.max(...counts)} per country (${seconds(started)})`,
  );
  return 0;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

// Run only as a script, not when the test imports this file.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const program = command(
    'data:europe',
    'Generates the Europe points from Natural Earth shapes, or checks the committed ones.',
    ['npm run data:europe', 'npm run data:europe -- --check'],
  )
    .option('--dir <dir>', 'the data folder (default: data/europe/)')
    .option(
      '--check',
      'write nothing: verify the files regenerate byte for byte and every point lies in its country',
      false,
    );
  await runCommand<Options>(program, main);
}
