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

  test('the axes grow to hold every point and box, so nothing is cut off by the frame', async () => {
    // two samples far outside the map on opposite sides: with the marks clipped to the frame, resvg
    // panicked on exactly such a plot and took the process down
    const spec = scatterSpec({
      title: 'outliers',
      axes: {
        x: { title: 'longitude (°)', domain: [-11, 41] },
        y: { title: 'latitude (°)', domain: [34, 72] },
      },
      points: [
        { x: 20.5, y: 25.2, group: 'sample' },
        { x: 48.3, y: 83.9, group: 'sample' },
      ],
      groupTitle: '',
      rectangles: [{ x0: 40, x1: 52.5, y0: 50, y1: 60, group: 'sample' }],
    });
    const layers = (
      spec as unknown as { layer: { encoding: Record<string, { scale: { domain: number[] } }> }[] }
    ).layer;
    for (const layer of layers) {
      expect(layer.encoding.x.scale.domain).toEqual([-11, 53]);
      expect(layer.encoding.y.scale.domain).toEqual([25, 84]);
    }
    expect(JSON.stringify(spec)).not.toContain('clip');
    const written = await writePlot(spec, path.join(dir, 'outliers'));
    expect(Array.from(readFileSync(written.png).subarray(0, 8))).toEqual(PNG_SIGNATURE);
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
