import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { geoArea } from 'd3-geo';
import { europeShapes, type CountryShape } from '../../staff/data-europe.js';
import { PROJECT_ROOT } from '../submission.js';
import { runScript } from '../../staff/testing/run-script.js';
import { COUNTRIES, countryMeans, EUROPE_DIR, EuropeDataError, loadEurope, readEuropeCsv } from './europe.js';

interface Row {
  long: number;
  lat: number;
  country: number;
}

/** The committed split, parsed here in double precision, independently of the loader. */
function committedRows(split: 'train' | 'test'): Row[] {
  const [header, ...lines] = readFileSync(path.join(EUROPE_DIR, `${split}.csv`), 'utf8')
    .trimEnd()
    .split('\n');
  expect(header).toBe('long,lat,country');
  return lines.map((line) => {
    const [long, lat, country] = line.split(',').map(Number);
    return { long, lat, country };
  });
}

let shapes: CountryShape[];
const rows = { train: [] as Row[], test: [] as Row[] };

beforeAll(() => {
  shapes = europeShapes();
  rows.train = committedRows('train');
  rows.test = committedRows('test');
});

/** `npm run data:europe -- --check --dir DIR` in a plain Node process (Jest's sandbox slows d3-geo ~15x). */
function runCheck(dir: string): { status: number | null; output: string } {
  const run = runScript('staff/data-europe.ts', ['--check', '--dir', dir]);
  return { status: run.status, output: (run.stdout + run.stderr).trim() };
}

describe('the Europe generator', () => {
  test('reproduces the committed files byte for byte, and every point lies inside its own country', () => {
    const { status, output } = runCheck(EUROPE_DIR);
    expect({ status, output: output.replace(/ \(.*\)$/, '') }).toEqual({
      status: 0,
      output: 'data/europe: as generated, every point inside its country',
    });
  });

  test('the check fails on a changed row, a point outside its country and a missing row', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'europe-check-'));
    try {
      const [train, test] = (['train', 'test'] as const).map((name) =>
        readFileSync(path.join(EUROPE_DIR, `${name}.csv`), 'utf8').split('\n'),
      );
      const { long, lat, country } = rows.train[1];
      const wrong = `${long.toFixed(5)},${lat.toFixed(5)},${(country + 1) % COUNTRIES.length}`;
      writeFileSync(path.join(dir, 'train.csv'), [train[0], train[1], wrong, ''].join('\n'));
      writeFileSync(path.join(dir, 'test.csv'), [test[0], test[1], ''].join('\n'));
      writeFileSync(path.join(dir, 'countries.json'), readFileSync(path.join(EUROPE_DIR, 'countries.json')));
      expect(runCheck(dir)).toEqual({
        status: 1,
        output: [
          `${dir}/train.csv:3: is ${JSON.stringify(wrong)}, the generator writes ${JSON.stringify(train[2])}`,
          `${dir}/train.csv:3: (${long}, ${lat}) is not inside ${COUNTRIES[(country + 1) % COUNTRIES.length]}`,
          `${dir}/test.csv:3: is "", the generator writes ${JSON.stringify(test[2])}`,
        ].join('\n'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('matches all 33 countries to one shape each, in id order', () => {
    expect(shapes.map((shape) => shape.name)).toEqual(COUNTRIES);
    expect(shapes.map((shape) => shape.id)).toEqual(COUNTRIES.map((_, id) => id));
  });
});

describe('the committed Europe data', () => {
  test('every row is written with 5 decimals and an integer id', () => {
    for (const name of ['train', 'test'] as const) {
      const lines = readFileSync(path.join(EUROPE_DIR, `${name}.csv`), 'utf8').split('\n');
      expect(lines.pop()).toBe(''); // ends with one newline
      const malformed = lines.slice(1).findIndex((line) => !/^-?\d+\.\d{5},\d+\.\d{5},\d+$/.test(line));
      expect(malformed < 0 ? null : `${name}.csv:${malformed + 2}: ${lines[malformed + 1]}`).toBeNull();
    }
  });

  test('all points lie in Europe (long −11…41, lat 34…72), none on Jan Mayen', () => {
    const outside = [...rows.train, ...rows.test].filter(
      ({ long, lat }) => !(long >= -11 && long <= 41 && lat >= 34 && lat <= 72),
    );
    expect(outside.slice(0, 3)).toEqual([]); // the box alone excludes the other overseas parts
    const janMayen = rows.train.concat(rows.test).filter(({ long, lat }) => long < -7 && lat > 70);
    expect(janMayen.slice(0, 3)).toEqual([]);
  });

  test('per-country counts follow the documented rule: linear in area, 650 to 11,300, test ≈ 1/9', () => {
    const perCountry = COUNTRIES.map(() => ({ train: 0, test: 0 }));
    for (const name of ['train', 'test'] as const)
      for (const row of rows[name]) perCountry[row.country][name]++;
    const areas = shapes.map((shape) => geoArea(shape.geometry));
    const [smallest, largest] = [Math.min(...areas), Math.max(...areas)];
    expect([COUNTRIES[areas.indexOf(smallest)], COUNTRIES[areas.indexOf(largest)]]).toEqual([
      'Montenegro',
      'Ukraine',
    ]);
    perCountry.forEach(({ train, test }, id) => {
      const total = train + test;
      const expected = 650 + ((11_300 - 650) * (areas[id] - smallest)) / (largest - smallest); // data/europe/README.md
      expect({ country: COUNTRIES[id], total }).toEqual({
        country: COUNTRIES[id],
        total: Math.round(expected),
      });
      expect(Math.abs(test - total / 9)).toBeLessThanOrEqual(0.5);
      expect(train).toBeGreaterThan(0);
      expect(test).toBeGreaterThan(0);
    });
    const totals = perCountry.map(({ train, test }) => train + test);
    expect([Math.min(...totals), Math.max(...totals)]).toEqual([650, 11_300]);
    expect(rows.train.length).toBeGreaterThan(106_900 * 0.99);
    expect(rows.train.length).toBeLessThan(106_900 * 1.01);
    expect(rows.test.length).toBeGreaterThan(13_400 * 0.99);
    expect(rows.test.length).toBeLessThan(13_400 * 1.01);
  });

  test('rows are shuffled: consecutive rows rarely share a country', () => {
    for (const name of ['train', 'test'] as const) {
      const split = rows[name];
      let same = 0;
      for (let i = 1; i < split.length; i++) if (split[i].country === split[i - 1].country) same++;
      // Shuffled, a row matches its predecessor with probability Σ p_k² ≈ 0.05.
      expect(same / (split.length - 1)).toBeLessThan(0.1);
    }
  });
});

describe('readEuropeCsv', () => {
  test('reads the committed training split in raw degrees', () => {
    const split = readEuropeCsv(path.join(EUROPE_DIR, 'train.csv'));
    expect(split.n).toBe(rows.train.length);
    expect(split.points).toBeInstanceOf(Float32Array);
    expect(split.country).toBeInstanceOf(Int32Array);
    expect(split.points.length).toBe(2 * split.n);
    for (const i of [0, 1, 12_345, split.n - 1]) {
      const { long, lat, country } = rows.train[i];
      expect([split.points[2 * i], split.points[2 * i + 1], split.country[i]]).toEqual([
        Math.fround(long),
        Math.fround(lat),
        country,
      ]);
    }
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'europe-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `text` to a temporary file and returns the loader's one-line error for it. */
  function errorFor(text: string): string {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, text);
    try {
      readEuropeCsv(file);
    } catch (error) {
      expect(error).toBeInstanceOf(EuropeDataError);
      return (error as Error).message.replace(file, 'FILE');
    }
    throw new Error(`no error for ${JSON.stringify(text)}`);
  }

  test.each([
    [
      'a header without lat',
      'long,latitude,country\n1,2,3\n',
      "FILE:1: the header has no 'lat' column (found: long,latitude,country)",
    ],
    ['a line with too few cells', 'long,lat,country\n1,2,3\n4,5\n', 'FILE:3: expected 3 cells, found 2'],
    ['a line with too many cells', 'long,lat,country\n1,2,3,4\n', 'FILE:2: expected 3 cells, found 4'],
    ['a blank line', 'long,lat,country\n1,2,3\n\n4,5,6\n', 'FILE:3: expected 3 cells, found 1'],
    ['a word', 'long,lat,country\n1,2,3\n1,north,3\n', "FILE:3: lat 'north' is not a finite number"],
    ['an empty cell', 'long,lat,country\n,2,3\n', "FILE:2: long '' is not a finite number"],
    ['a hexadecimal number', 'long,lat,country\n0x1F,2,3\n', "FILE:2: long '0x1F' is not a finite number"],
    ['NaN', 'long,lat,country\nNaN,2,3\n', "FILE:2: long 'NaN' is not a finite number"],
    ['Infinity', 'long,lat,country\n1,Infinity,3\n', "FILE:2: lat 'Infinity' is not a finite number"],
    ['an overflowing number', 'long,lat,country\n1,1e999,3\n', "FILE:2: lat '1e999' is not a finite number"],
    ['a label above 32', 'long,lat,country\n1,2,3\n1,2,40\n', "FILE:3: country '40' is outside 0–32"],
    ['a negative label', 'long,lat,country\n1,2,-1\n', "FILE:2: country '-1' is outside 0–32"],
    ['a fractional label', 'long,lat,country\n1,2,2.5\n', "FILE:2: country '2.5' is not an integer"],
    ['an empty file', '', 'FILE:1: the file is empty'],
    ['a header only', 'long,lat,country\n', 'FILE:2: no data rows after the header'],
  ])('rejects %s, naming the file and line', (_what, text, message) => {
    expect(errorFor(text)).toBe(message);
  });

  test('accepts CRLF line ends, a byte-order mark and any column order', () => {
    const file = path.join(dir, 'good.csv');
    writeFileSync(file, '\uFEFFcountry,lat,long\r\n32,48.5,31.25\r\n0,41,20\r\n');
    const split = readEuropeCsv(file);
    expect(split.n).toBe(2);
    expect(Array.from(split.points)).toEqual([31.25, 48.5, 20, 41]);
    expect(Array.from(split.country)).toEqual([32, 0]);
  });

  test('names a missing file relative to the working folder', () => {
    expect(process.cwd()).toBe(PROJECT_ROOT); // npm test runs from the repository root
    expect(() => readEuropeCsv(path.join(EUROPE_DIR, 'missing.csv'))).toThrow(
      new EuropeDataError('data/europe/missing.csv: cannot be read (ENOENT)'),
    );
  });

  test('loadEurope rejects a countries.json that is not the 33 names', () => {
    for (const file of ['train.csv', 'test.csv'])
      writeFileSync(path.join(dir, file), 'long,lat,country\n1,2,3\n4,5,6\n');
    writeFileSync(path.join(dir, 'countries.json'), JSON.stringify(COUNTRIES.slice(1)));
    expect(() => loadEurope(dir)).toThrow(/countries\.json: expected the 33 country names \["Albania",/);
    writeFileSync(path.join(dir, 'countries.json'), '{');
    expect(() => loadEurope(dir)).toThrow(/countries\.json: cannot be read as JSON/);
  });
});

describe('loadEurope', () => {
  /** Mean and sample std (n − 1) per column, straight from the independently parsed rows. */
  function statistics(split: Row[]): { mean: number[]; std: number[] } {
    const columns = [split.map((row) => row.long), split.map((row) => row.lat)];
    const mean = columns.map((values) => values.reduce((sum, v) => sum + v, 0) / values.length);
    const std = columns.map((values, d) =>
      Math.sqrt(values.reduce((sum, v) => sum + (v - mean[d]) ** 2, 0) / (values.length - 1)),
    );
    return { mean, std };
  }

  test('normalises both splits with the training mean and sample standard deviation', () => {
    const data = loadEurope();
    expect(data.countries).toEqual(COUNTRIES);
    expect([data.train.n, data.test.n]).toEqual([rows.train.length, rows.test.length]);
    const { mean, std } = statistics(rows.train);
    for (let d = 0; d < 2; d++) {
      expect(data.mean[d]).toBeCloseTo(mean[d], 10);
      expect(data.std[d]).toBeCloseTo(std[d], 10);
    }
    // Each split against (x − mean_train) / std_train computed here, to float32 precision.
    for (const name of ['train', 'test'] as const) {
      let worst = 0;
      rows[name].forEach(({ long, lat, country }, i) => {
        worst = Math.max(
          worst,
          Math.abs(data[name].points[2 * i] - (long - mean[0]) / std[0]),
          Math.abs(data[name].points[2 * i + 1] - (lat - mean[1]) / std[1]),
        );
        if (data[name].country[i] !== country)
          throw new Error(`${name} row ${i}: country ${data[name].country[i]}`);
      });
      expect(worst).toBeLessThan(1e-6);
    }
    // The normalised training split has mean 0 and std 1; the test split only approximately.
    const normalisedTrain = statistics(
      rows.train.map((_, i) => ({
        long: data.train.points[2 * i],
        lat: data.train.points[2 * i + 1],
        country: 0,
      })),
    );
    for (let d = 0; d < 2; d++) {
      expect(Math.abs(normalisedTrain.mean[d])).toBeLessThan(1e-6);
      expect(Math.abs(normalisedTrain.std[d] - 1)).toBeLessThan(1e-6);
    }
  });

  test('countryMeans is each country’s mean point', () => {
    const data = loadEurope();
    const means = countryMeans(data.test);
    expect(means).toHaveLength(COUNTRIES.length);
    // Independently: the mean of each country's raw rows, then normalised (normalising is affine).
    const { mean, std } = statistics(rows.train);
    COUNTRIES.forEach((name, k) => {
      const own = rows.test.filter((row) => row.country === k);
      const raw = [
        own.reduce((s, r) => s + r.long, 0) / own.length,
        own.reduce((s, r) => s + r.lat, 0) / own.length,
      ];
      for (let d = 0; d < 2; d++) {
        expect({ name, d, error: Math.abs(means[k][d] - (raw[d] - mean[d]) / std[d]) < 1e-6 }).toEqual({
          name,
          d,
          error: true,
        });
      }
    });
  });

  test('countryMeans refuses an id outside 0–K−1 and a country without rows', () => {
    const split = {
      points: Float32Array.from([1, 2, 3, 4, 5, 6]),
      country: Int32Array.from([0, 1, 1]),
      n: 3,
    };
    expect(countryMeans(split, 2)).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(() => countryMeans(split, 1)).toThrow(
      new EuropeDataError('countryMeans: row 1 has country 1, not in 0–0'),
    );
    expect(() => countryMeans(split, 3)).toThrow(
      new EuropeDataError('countryMeans: country 2 (Belarus) has no rows'),
    );
  });
});
