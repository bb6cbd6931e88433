/**
 * The gallery: `<outDir>/index.html`, built from whatever sections the experiments wrote. Each experiment
 * writes `<outDir>/<name>/section.json` (a GallerySection, file paths relative to outDir); the gallery
 * orders sections by `order` and shows each block's text, its figures in a table and its table of numbers.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GalleryFigure {
  /** Path relative to outDir, e.g. 'mixture/gmm-k33-samples.png'. */
  file: string;
  caption: string;
}

export interface GalleryBlock {
  heading: string;
  text?: string;
  figures?: GalleryFigure[];
  /** Figures per row of the figure table (default 2). */
  columns?: number;
  table?: { columns: string[]; rows: (string | number)[][] };
}

export interface GallerySection {
  id: string;
  title: string;
  order: number;
  blocks: GalleryBlock[];
}

export const SECTION_FILE = 'section.json';

export class GalleryError extends Error {
  override name = 'GalleryError';
}

/** Writes `<outDir>/<section.id>/section.json`. */
export function writeSection(outDir: string, section: GallerySection): string {
  const file = path.join(outDir, section.id, SECTION_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(section, null, 2)}\n`);
  return file;
}

/** Every `<outDir>/*\/section.json`, checked, in `order`. */
export function readSections(outDir: string): GallerySection[] {
  if (!existsSync(outDir)) return [];
  const sections: GallerySection[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    const file = path.join(outDir, entry.name, SECTION_FILE);
    if (!entry.isDirectory() || !existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new GalleryError(`${file}: not valid JSON (${error instanceof Error ? error.message : error})`);
    }
    sections.push(checkSection(parsed, file));
  }
  return sections.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** Builds `<outDir>/index.html` from the sections found and returns its path. */
export async function writeGallery(outDir: string): Promise<string> {
  const sections = readSections(outDir);
  const file = path.join(outDir, 'index.html');
  writeFileSync(file, renderGallery(sections));
  return file;
}

export function renderGallery(sections: readonly GallerySection[]): string {
  const contents = sections
    .map((s) => `<li><a href="#${escape(s.id)}">${escape(s.title)}</a></li>`)
    .join('\n');
  const body = sections.length
    ? sections.map(renderSection).join('\n')
    : '<p>No experiment has written results yet: run <code>npm run experiments</code>.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Exercise 5: experiments</title>
<style>
body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #f3f3f3; }
table.figures td { border: none; text-align: center; font-size: 0.9em; }
table.figures img { max-width: 100%; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
p.text { white-space: pre-line; }
</style>
</head>
<body>
<h1>Exercise 5: experiments</h1>
<ol>
${contents}
</ol>
${body}
</body>
</html>
`;
}

function renderSection(section: GallerySection): string {
  return [
    `<h2 id="${escape(section.id)}">${escape(section.title)}</h2>`,
    ...section.blocks.map(renderBlock),
  ].join('\n');
}

function renderBlock(block: GalleryBlock): string {
  const parts = [`<h3>${escape(block.heading)}</h3>`];
  if (block.text) parts.push(`<p class="text">${escape(block.text)}</p>`);
  if (block.figures?.length) {
    const columns = block.columns ?? 2;
    const rows: string[] = [];
    for (let i = 0; i < block.figures.length; i += columns) {
      const cells = block.figures
        .slice(i, i + columns)
        .map(
          (figure) =>
            `<td><a href="${escape(figure.file)}"><img src="${escape(figure.file)}" alt="${escape(figure.caption)}"></a>` +
            `<br>${escape(figure.caption)}</td>`,
        );
      rows.push(`<tr>${cells.join('')}</tr>`);
    }
    parts.push(`<table class="figures">\n${rows.join('\n')}\n</table>`);
  }
  if (block.table) {
    const head = block.table.columns.map((column) => `<th>${escape(column)}</th>`).join('');
    const rows = block.table.rows.map(
      (row) =>
        `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="number">${cell}</td>` : `<td>${escape(cell)}</td>`)).join('')}</tr>`,
    );
    parts.push(`<table>\n<tr>${head}</tr>\n${rows.join('\n')}\n</table>`);
  }
  return parts.join('\n');
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Checks the shape of a parsed section.json, naming the file and the field that is wrong. */
function checkSection(value: unknown, file: string): GallerySection {
  const fail = (what: string): never => {
    throw new GalleryError(`${file}: ${what}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return fail('expected an object { id, title, order, blocks }');
  if (typeof value.id !== 'string' || !value.id) fail('id must be a non-empty string');
  if (typeof value.title !== 'string') fail('title must be a string');
  if (typeof value.order !== 'number' || !Number.isFinite(value.order)) fail('order must be a number');
  if (!Array.isArray(value.blocks)) return fail('blocks must be an array');
  value.blocks.forEach((block: unknown, i: number) => {
    if (!isObject(block) || typeof block.heading !== 'string') fail(`blocks[${i}].heading must be a string`);
    const b = block as Record<string, unknown>;
    if (b.text !== undefined && typeof b.text !== 'string') fail(`blocks[${i}].text must be a string`);
    if (b.figures !== undefined) {
      if (!Array.isArray(b.figures)) fail(`blocks[${i}].figures must be an array`);
      (b.figures as unknown[]).forEach((figure, j) => {
        if (!isObject(figure) || typeof figure.file !== 'string' || typeof figure.caption !== 'string')
          fail(`blocks[${i}].figures[${j}] must be { file: string, caption: string }`);
        const figureFile = (figure as { file: string }).file;
        if (path.isAbsolute(figureFile) || figureFile.split(/[\\/]/).includes('..'))
          fail(`blocks[${i}].figures[${j}].file must be a path inside the output folder, got ${figureFile}`);
      });
    }
    if (b.table !== undefined) {
      const table = b.table as Record<string, unknown>;
      if (!isObject(table) || !Array.isArray(table.columns) || !Array.isArray(table.rows))
        fail(`blocks[${i}].table must be { columns: string[], rows: (string | number)[][] }`);
      (table.rows as unknown[]).forEach((row, j) => {
        if (!Array.isArray(row) || row.length !== (table.columns as unknown[]).length)
          fail(`blocks[${i}].table.rows[${j}] must have ${(table.columns as unknown[]).length} cells`);
      });
    }
  });
  return value as unknown as GallerySection;
}
