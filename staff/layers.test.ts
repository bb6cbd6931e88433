/**
 * Every folder holds to its audience. lib/ is what a submission may import: it imports only tfjs and
 * pure-rand, never a file or process API. harness/ (the ready-made code students run) builds on lib/;
 * grader/ (grade and pack) on both; reference/ and skeleton/ import only lib/; staff/ may use anything.
 * So nothing handed out imports staff/ or reference/, and the folders import each other without cycles.
 * Tests are staff-only (the handout leaves them out) and may import anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../harness/paths.js';

/** The folders each folder may import from (its own included). */
const MAY_IMPORT: Record<string, string[]> = {
  lib: ['lib'],
  skeleton: ['lib'],
  reference: ['lib', 'reference'],
  harness: ['lib', 'harness'],
  grader: ['lib', 'harness', 'grader'],
  staff: ['lib', 'harness', 'grader', 'reference', 'skeleton', 'staff', 'fixtures', 'data'],
};
/** Packages a folder may import; undefined: any. */
const PACKAGES: Record<string, RegExp | undefined> = {
  lib: /^(@tensorflow\/tfjs|pure-rand(\/.*)?)$/,
  skeleton: /^@tensorflow\/tfjs$/,
  reference: /^@tensorflow\/tfjs$/,
};

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const visit = (relative: string): void => {
    for (const entry of readdirSync(path.join(PROJECT_ROOT, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) files.push(child);
    }
  };
  visit(folder);
  return files;
}

/** Static imports, re-exports and `import('…')` with a literal specifier. */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ file, specifier: node.moduleSpecifier.text });
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ file, specifier: node.arguments[0].text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const topFolder = (file: string): string => file.split('/')[0];

const imports = Object.keys(MAY_IMPORT).flatMap((folder) => sourceFiles(folder).flatMap(importsOf));

/** Relative imports as folder → folder. */
const folderEdges = imports
  .filter(({ specifier }) => specifier.startsWith('.'))
  .map(({ file, specifier }) => ({
    file,
    specifier,
    from: topFolder(file),
    to: topFolder(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))),
  }));

test('the folders are there and hold code', () => {
  for (const folder of Object.keys(MAY_IMPORT)) expect(sourceFiles(folder).length).toBeGreaterThan(0);
  expect(imports.length).toBeGreaterThan(100);
});

test('no folder imports one meant for a narrower audience', () => {
  const wrong = folderEdges
    .filter(({ from, to }) => !MAY_IMPORT[from].includes(to))
    .map(({ file, specifier }) => `${file} imports ${specifier}`);
  expect(wrong).toEqual([]);
});

test('lib/ imports only tfjs and pure-rand (no file or process API); reference/ and skeleton/ only tfjs', () => {
  const wrong = imports
    .filter(({ file, specifier }) => {
      const allowed = PACKAGES[topFolder(file)];
      return allowed !== undefined && !specifier.startsWith('.') && !allowed.test(specifier);
    })
    .map(({ file, specifier }) => `${file} imports ${specifier}`);
  expect(wrong).toEqual([]);
});

test('no import cycles between folders', () => {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of folderEdges) {
    if (from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  const cycles: string[] = [];
  const visit = (node: string, trail: string[]): void => {
    if (trail.includes(node)) {
      cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  expect(cycles).toEqual([]);
});
