/**
 * The Europe data set: 2-D points (longitude, latitude in degrees) labelled with one of 33 countries.
 * `readEuropeCsv` reads and validates one split; `loadEurope` normalises both splits with the training
 * split's mean and sample standard deviation. See data/europe/README.md for how the files were made.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

/** The 33 countries, in id order (the `country` column holds the index into this list). */
export const COUNTRIES: readonly string[] = Object.freeze([
  'Albania',
  'Austria',
  'Belarus',
  'Belgium',
  'Bosnia and Herzegovina',
  'Bulgaria',
  'Croatia',
  'Czechia',
  'Denmark',
  'Estonia',
  'Finland',
  'France',
  'Germany',
  'United Kingdom',
  'Greece',
  'Hungary',
  'Ireland',
  'Italy',
  'Latvia',
  'Lithuania',
  'Moldova',
  'Montenegro',
  'Netherlands',
  'Norway',
  'Poland',
  'Portugal',
  'Romania',
  'Serbia',
  'Slovakia',
  'Slovenia',
  'Spain',
  'Sweden',
  'Ukraine',
]);

export const EUROPE_DIR = path.join(PROJECT_ROOT, 'data', 'europe');

/** The CSV's columns, in the order the generator writes them. */
export const EUROPE_COLUMNS = ['long', 'lat', 'country'] as const;

/** One split: `points` is row-major [n, 2] (long, lat), `country` the id of each row. */
export interface EuropeSplit {
  points: Float32Array;
  country: Int32Array;
  n: number;
}

export interface EuropeData {
  train: EuropeSplit;
  test: EuropeSplit;
  countries: readonly string[];
  /** Training-split statistics, applied to both splits. */
  mean: [number, number];
  std: [number, number];
}

export class EuropeDataError extends Error {
  override name = 'EuropeDataError';
}

/** Reads one split in raw degrees; any malformed line is an EuropeDataError naming the file and line. */
export function readEuropeCsv(file: string): EuropeSplit {
  const { points, country, n } = parseEuropeCsv(file);
  return { points: Float32Array.from(points), country, n };
}

/** Both splits, each (x − mean_train) / std_train, with std the sample standard deviation (n − 1). */
export function loadEurope(dir: string = EUROPE_DIR): EuropeData {
  const countries = readCountries(path.join(dir, 'countries.json'));
  const train = parseEuropeCsv(path.join(dir, 'train.csv'));
  const test = parseEuropeCsv(path.join(dir, 'test.csv'));
  const { mean, std } = columnStatistics(train.points);
  return {
    train: normalise(train, mean, std),
    test: normalise(test, mean, std),
    countries,
    mean,
    std,
  };
}

/** The mean point of each country in `split`: [K][2]. Every id must be below K and every country present. */
export function countryMeans(split: EuropeSplit, K: number = COUNTRIES.length): number[][] {
  if (!Number.isInteger(K) || K < 1)
    throw new EuropeDataError(`countryMeans: K must be a positive integer, got ${K}`);
  const sums = Array.from({ length: K }, () => [0, 0]);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < split.n; i++) {
    const k = split.country[i];
    if (!(k >= 0 && k < K))
      throw new EuropeDataError(`countryMeans: row ${i} has country ${k}, not in 0–${K - 1}`);
    sums[k][0] += split.points[2 * i];
    sums[k][1] += split.points[2 * i + 1];
    counts[k]++;
  }
  return sums.map(([long, lat], k) => {
    if (counts[k] === 0)
      throw new EuropeDataError(`countryMeans: country ${k} (${countryName(k)}) has no rows`);
    return [long / counts[k], lat / counts[k]];
  });
}

/** A split parsed in double precision, so that normalisation rounds to float32 only once. */
interface ParsedSplit {
  points: Float64Array;
  country: Int32Array;
  n: number;
}

function parseEuropeCsv(file: string): ParsedSplit {
  const where = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EuropeDataError(`${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last row
  if (lines.length === 0) throw new EuropeDataError(`${where}:1: the file is empty`);

  const header = lines[0].split(',').map((cell) => cell.trim());
  const [longAt, latAt, countryAt] = EUROPE_COLUMNS.map((column) => {
    const at = header.indexOf(column);
    if (at < 0) {
      throw new EuropeDataError(`${where}:1: the header has no '${column}' column (found: ${lines[0]})`);
    }
    return at;
  });
  const n = lines.length - 1;
  if (n === 0) throw new EuropeDataError(`${where}:2: no data rows after the header`);

  const points = new Float64Array(2 * n);
  const country = new Int32Array(n);
  const lastId = COUNTRIES.length - 1;
  for (let i = 0; i < n; i++) {
    const line = i + 2;
    const cells = lines[i + 1].split(',');
    if (cells.length !== header.length) {
      throw new EuropeDataError(`${where}:${line}: expected ${header.length} cells, found ${cells.length}`);
    }
    points[2 * i] = parseNumber(cells[longAt], 'long', where, line);
    points[2 * i + 1] = parseNumber(cells[latAt], 'lat', where, line);
    const id = parseNumber(cells[countryAt], 'country', where, line);
    if (!Number.isInteger(id))
      throw new EuropeDataError(`${where}:${line}: country '${cells[countryAt]}' is not an integer`);
    if (id < 0 || id > lastId) {
      throw new EuropeDataError(`${where}:${line}: country '${cells[countryAt]}' is outside 0–${lastId}`);
    }
    country[i] = id;
  }
  return { points, country, n };
}

// A plain decimal number: Number() alone would also take '', ' ', '0x1F' and 'Infinity'.
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function parseNumber(cell: string, column: string, where: string, line: number): number {
  const value = DECIMAL.test(cell) ? Number(cell) : NaN;
  if (!Number.isFinite(value))
    throw new EuropeDataError(`${where}:${line}: ${column} '${cell}' is not a finite number`);
  return value;
}

function readCountries(file: string): readonly string[] {
  const where = displayPath(file);
  let names: unknown;
  try {
    names = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EuropeDataError(`${where}: cannot be read as JSON (${(error as Error).message})`);
  }
  const expected = JSON.stringify(COUNTRIES);
  if (JSON.stringify(names) !== expected) {
    throw new EuropeDataError(
      `${where}: expected the 33 country names ${expected}, found ${JSON.stringify(names)}`,
    );
  }
  return COUNTRIES;
}

/** Mean and sample standard deviation (n − 1, as PyTorch's x.std(0)) of each column, two-pass for accuracy. */
function columnStatistics(points: Float64Array): { mean: [number, number]; std: [number, number] } {
  const n = points.length / 2;
  const mean: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    mean[0] += points[2 * i];
    mean[1] += points[2 * i + 1];
  }
  mean[0] /= n;
  mean[1] /= n;
  const squares = [0, 0];
  for (let i = 0; i < n; i++) {
    squares[0] += (points[2 * i] - mean[0]) ** 2;
    squares[1] += (points[2 * i + 1] - mean[1]) ** 2;
  }
  const std: [number, number] = [Math.sqrt(squares[0] / (n - 1)), Math.sqrt(squares[1] / (n - 1))];
  if (!(std[0] > 0 && std[1] > 0)) {
    throw new EuropeDataError(
      `the training split needs at least two distinct points per column, std is ${std}`,
    );
  }
  return { mean, std };
}

function normalise(split: ParsedSplit, mean: [number, number], std: [number, number]): EuropeSplit {
  const points = new Float32Array(split.points.length);
  for (let i = 0; i < split.points.length; i++) points[i] = (split.points[i] - mean[i % 2]) / std[i % 2];
  return { points, country: split.country, n: split.n };
}

function countryName(id: number): string {
  return COUNTRIES[id] ?? `country ${id}`;
}

/** Paths in messages: relative to the working folder when inside it, as the user typed them. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
