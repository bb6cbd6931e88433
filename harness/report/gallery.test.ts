import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSections, writeGallery, writeSection, type GallerySection } from './gallery.js';

function section(id: string, order: number): GallerySection {
  return {
    id,
    title: `${id} <results>`,
    order,
    blocks: [
      {
        heading: `${id}: samples`,
        text: 'Why & how',
        figures: [
          { file: `${id}/a.png`, caption: 'first' },
          { file: `${id}/b.png`, caption: 'second' },
          { file: `${id}/c.png`, caption: 'third' },
        ],
        table: { columns: ['K', 'test'], rows: [[33, -2.5]] },
      },
    ],
  };
}

describe('gallery', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ex5-gallery-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('orders sections, puts figures in rows of two and escapes text', async () => {
    writeSection(dir, section('transformer', 2));
    writeSection(dir, section('mixture', 1));
    const html = readFileSync(await writeGallery(dir), 'utf8');
    expect(html.indexOf('id="mixture"')).toBeLessThan(html.indexOf('id="transformer"'));
    expect(html).toContain('mixture &#60;results&#62;');
    expect(html).toContain('Why &#38; how');
    expect(html).toContain('<img src="mixture/a.png" alt="first">');
    expect(html.match(/<tr><td><a href="mixture\/[abc]\.png">/g)).toHaveLength(2); // rows: a+b, c
    expect(html).toContain('<td class="number">-2.5</td>');
  });

  test('says so when there is nothing to show', async () => {
    expect(readFileSync(await writeGallery(dir), 'utf8')).toContain('No experiment has written results yet');
  });

  test('names the file and the field of a malformed section', () => {
    mkdirSync(path.join(dir, 'broken'));
    const file = path.join(dir, 'broken', 'section.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'broken',
        title: 't',
        order: 1,
        blocks: [{ heading: 'h', figures: [{ file: '../x.png', caption: 'c' }] }],
      }),
    );
    expect(() => readSections(dir)).toThrow(
      `${file}: blocks[0].figures[0].file must be a path inside the output folder`,
    );
    writeFileSync(file, '{');
    expect(() => readSections(dir)).toThrow(`${file}: not valid JSON`);
  });
});
