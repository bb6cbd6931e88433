/**
 * Generates the similarity test corpus at test time: a skeleton, "independent" submissions (each method
 * a variant from variants.ts, chosen per submission, every local name renamed, and each tfjs call
 * written as `tf.op(x)` or `x.op()` at random), and disguised copies (renamed again, methods and
 * functions reordered, reprinted by the TypeScript printer).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { TEMPLATES, todo, type FileTemplate } from './variants.js';

export type Files = Record<string, string>;

/** A small deterministic generator (mulberry32), so the corpus is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(template: FileTemplate, body: (method: string, variants: string[]) => string): string {
  return template.shell.replace(/@(\w+)@/g, (_, method: string) => body(method, template.methods[method]));
}

export function skeletonFiles(): Files {
  return Object.fromEntries(
    TEMPLATES.map(({ template }) => [
      template.file,
      fill(template, (method) => todo(`${template.file} ${method}`)),
    ]),
  );
}

/** Method bodies chosen with `random`; a helper a body needs is added once, after its first user. */
function chooseFile(template: FileTemplate, helpers: Record<string, string>, random: () => number): string {
  const added = new Set<string>();
  return fill(template, (_, variants) => {
    const chosen = variants[Math.floor(random() * variants.length)];
    return chosen.replace(/\n\s*\/\/helpers: (\w+)$/, (__, helper: string) => {
      if (added.has(helper)) return '';
      added.add(helper);
      return `\n${helpers[helper]}`;
    });
  });
}

const WORDS = [
  'val',
  'tmp',
  'res',
  'acc',
  'buf',
  'cur',
  'vec',
  'mat',
  'data',
  'item',
  'part',
  'step',
  'out',
  'w',
];

/**
 * Renames every name the file declares that the contract does not fix: locals, parameters, private
 * members (shorthand `{ a }` becomes `{ a: b }` so object keys stay).
 */
export function renameLocals(source: string, random: () => number): string {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const locals = new Set<string>();
  const privateMembers = new Set<string>();
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    if (name && ts.isIdentifier(name)) {
      const isPrivate = ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Private;
      if (ts.isVariableDeclaration(node) || ts.isBindingElement(node)) locals.add(name.text);
      // a constructor's `readonly nEmbd` parameter is a public member: the contract fixes its name
      if (ts.isParameter(node) && !ts.isParameterPropertyDeclaration(node, node.parent))
        locals.add(name.text);
      if (ts.isMethodDeclaration(node) && isPrivate) privateMembers.add(name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const names = new Map<string, string>();
  for (const name of [...locals, ...privateMembers]) {
    names.set(name, `${WORDS[Math.floor(random() * WORDS.length)]}${names.size}`);
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const rename = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && names.has(node.text)) {
      const parent = node.parent;
      const renamed = names.get(node.text)!;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyDeclaration(parent) && parent.name === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node);
      const isKey =
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node);
      const isShorthand =
        ts.isShorthandPropertyAssignment(parent) || (ts.isBindingElement(parent) && !parent.propertyName);
      if (isMemberName ? privateMembers.has(node.text) : !isKey) {
        const start = node.getStart(file);
        const keyOf = ts.isBindingElement(parent) && ts.isObjectBindingPattern(parent.parent);
        const text =
          isShorthand && (keyOf || ts.isShorthandPropertyAssignment(parent))
            ? `${node.text}: ${renamed}`
            : renamed;
        edits.push({ start, end: node.end, text });
      }
    }
    ts.forEachChild(node, rename);
  };
  rename(file);
  let result = source;
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) {
    result = result.slice(0, start) + text + result.slice(end);
  }
  return result;
}

/** Reverses the members of every class and the order of top-level functions, then reprints the file. */
export function reorderAndReprint(source: string): string {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const statements = file.statements.map((statement) =>
    ts.isClassDeclaration(statement)
      ? ts.factory.updateClassDeclaration(
          statement,
          statement.modifiers,
          statement.name,
          statement.typeParameters,
          statement.heritageClauses,
          [...statement.members].reverse(),
        )
      : statement,
  );
  const functions = statements.filter(ts.isFunctionDeclaration).reverse();
  const reordered = statements.map((statement) =>
    ts.isFunctionDeclaration(statement) ? functions.shift()! : statement,
  );
  const printer = ts.createPrinter({ removeComments: true });
  return printer.printFile(ts.factory.updateSourceFile(file, reordered));
}

/** tfjs operations that exist both as `tf.op(x, ...)` and as the method `x.op(...)`. */
const DUAL_OPS = new Set(
  'abs add argMax cast div equal exp expandDims gather less lessEqual log logSoftmax matMul max mean min mul neg reshape slice softmax square squeeze sub sum tile transpose'.split(
    ' ',
  ),
);

/**
 * Rewrites each dual operation's call, with probability ½ per call, into the other form
 * (`tf.sub(a, b)` ↔ `a.sub(b)`): the style choice that independent students make differently.
 */
export function flipCallStyles(source: string, random: () => number): string {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const { factory } = ts;
  const flip = (context: ts.TransformationContext) => {
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      if (!ts.isCallExpression(visited) || !ts.isPropertyAccessExpression(visited.expression)) return visited;
      const callee = visited.expression;
      const op = callee.name.text;
      if (!DUAL_OPS.has(op) || random() < 0.5) return visited;
      if (ts.isIdentifier(callee.expression) && callee.expression.text === 'tf') {
        const [receiver, ...rest] = visited.arguments;
        if (
          receiver === undefined ||
          ts.isArrayLiteralExpression(receiver) ||
          ts.isNumericLiteral(receiver)
        ) {
          return visited;
        }
        const target =
          ts.isIdentifier(receiver) ||
          ts.isCallExpression(receiver) ||
          ts.isPropertyAccessExpression(receiver)
            ? receiver
            : factory.createParenthesizedExpression(receiver);
        return factory.createCallExpression(
          factory.createPropertyAccessExpression(target, op),
          undefined,
          rest,
        );
      }
      return factory.createCallExpression(
        factory.createPropertyAccessExpression(factory.createIdentifier('tf'), op),
        undefined,
        [callee.expression, ...visited.arguments],
      );
    };
    return (root: ts.SourceFile) => ts.visitEachChild(root, visit, context);
  };
  const [transformed] = ts.transform(file, [flip]).transformed;
  return ts.createPrinter().printFile(transformed);
}

export function independentSubmission(seed: number): Files {
  const random = seeded(seed);
  return Object.fromEntries(
    TEMPLATES.map(({ template, helpers }) => [
      template.file,
      flipCallStyles(renameLocals(chooseFile(template, helpers, random), random), random),
    ]),
  );
}

export function disguisedCopy(original: Files, seed: number): Files {
  const random = seeded(seed);
  return Object.fromEntries(
    Object.entries(original).map(([file, source]) => [file, reorderAndReprint(renameLocals(source, random))]),
  );
}

export function writeSubmission(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) writeFileSync(path.join(dir, file), source);
}
