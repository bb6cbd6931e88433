import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { curveSpec, scatterSpec, writePlot } from './plot.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('writePlot', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ex5-plot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the vega-lite spec, an SVG with the labels and a PNG', async () => {
    const spec = scatterSpec({
      title: 'GMM, K = 2, epoch 3',
      axes: { x: { title: 'longitude (°)' }, y: { title: 'latitude (°)' } },
      points: [
        { x: 1, y: 2, group: 'France' },
        { x: 2, y: 1, group: 'Spain' },
      ],
      groupTitle: 'country',
      rectangles: [{ x0: 0, x1: 1, y0: 0, y1: 1, group: 'Spain' }],
    });
    const written = await writePlot(spec, path.join(dir, 'sub', 'scatter'));
    const svg = readFileSync(written.svg, 'utf8');
    for (const text of ['GMM, K = 2, epoch 3', 'longitude (°)', 'latitude (°)', 'France', 'Spain', 'country'])
      expect(svg).toContain(text);
    expect(JSON.parse(readFileSync(written.spec, 'utf8')).title).toBe('GMM, K = 2, epoch 3');
    const png = readFileSync(written.png);
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBeGreaterThan(400); // width, at twice the SVG's size
  });

  test('curves keep the series order given', async () => {
    const spec = curveSpec({
      title: 'curves',
      xTitle: 'epoch',
      yTitle: 'mean log-likelihood',
      points: [
        { series: 'train', x: 1, y: -3 },
        { series: 'test', x: 1, y: -3.1 },
      ],
      series: ['test', 'train'],
    });
    const svg = readFileSync((await writePlot(spec, path.join(dir, 'curves'))).svg, 'utf8');
    expect(svg.indexOf('>test<')).toBeLessThan(svg.indexOf('>train<'));
    expect(svg).toContain('mean log-likelihood');
  });
});
