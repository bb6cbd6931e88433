/**
 * The allowed-imports rule, checked statically with the TypeScript parser (never by running the code).
 *
 * A submission file may import `@tensorflow/tfjs` and the project's own helpers under `../lib/` (the
 * contract among them), and nothing else. It may not reach around that rule either: no `require`, no
 * dynamic `import()`, no `import.meta`, and none of the globals that hand out the runtime (`process`,
 * `globalThis`, `eval`, `Function`, `fetch`, ...). The check is best effort against deliberate tricks
 * (a computed `obj[name]` cannot be judged statically) and exact for ordinary code.
 *
 * Cost of a violation: the file is not loaded at all (enforce.ts), so every test that needs its part
 * scores 0; the other parts are graded as usual. Not running the code is the point: a file that imports
 * `fs` could read the hidden fixtures or the grader's results. The score table shows the check's
 * outcome and one line per violation (see `importCheckNotes`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { SUBMISSION_FILES, type SubmissionPart } from '../../lib/contract.js';

export interface ImportViolation {
  /** The file's name inside the submission, e.g. `gmm.ts`. */
  file: string;
  part: SubmissionPart;
  /** 1-based. */
  line: number;
  column: number;
  /** The offending source text, shortened to one line. */
  code: string;
  /** Why it is not allowed. */
  reason: string;
}

/** Module specifiers a submission may import. */
export function isAllowedSpecifier(specifier: string): boolean {
  if (specifier === '@tensorflow/tfjs') return true;
  // `../lib/...` but not `../lib/../x`: normalising must keep the path inside lib/.
  return specifier.startsWith('../lib/') && path.posix.normalize(specifier).startsWith('../lib/');
}

const ALLOWED = '@tensorflow/tfjs and ../lib/... may be imported';

/** Free names that hand out the runtime, the module system or the network. */
const FORBIDDEN_GLOBALS: Record<string, string> = {
  require: 'require is not allowed; use a static import of an allowed module',
  module: 'the module object is not allowed',
  exports: 'the exports object is not allowed',
  process: 'process is not allowed (it reaches the file system and native code)',
  globalThis: 'globalThis is not allowed',
  global: 'global is not allowed',
  window: 'window is not allowed',
  self: 'self is not allowed',
  eval: 'eval is not allowed',
  Function: 'the Function constructor is not allowed',
  fetch: 'network access (fetch) is not allowed',
  XMLHttpRequest: 'network access is not allowed',
  WebSocket: 'network access is not allowed',
  Worker: 'workers are not allowed',
  WebAssembly: 'WebAssembly is not allowed',
  Deno: 'Deno is not allowed',
  Bun: 'Bun is not allowed',
  __dirname: '__dirname is not allowed',
  __filename: '__filename is not allowed',
  Reflect: 'Reflect is not allowed',
};

/** Member names that lead to the same places (`(() => 0).constructor('return process')()`, tfjs's fetch). */
const FORBIDDEN_MEMBERS: Record<string, string> = {
  constructor: '.constructor is not allowed (it reaches the Function constructor)',
  __proto__: '.__proto__ is not allowed',
  fetch: '.fetch is not allowed (network access)',
  platform: ".platform is not allowed (tfjs's platform reaches fetch and the file system)",
};

/**
 * The file alone as a TypeScript program, without the standard library: its own declarations resolve
 * (scope by scope, as the language does), and every name it does not declare itself resolves to nothing.
 * So `const self = this` or a parameter named `module` are the submission's own names, not the globals.
 */
function bindAlone(file: string, source: string): { sourceFile: ts.SourceFile; checker: ts.TypeChecker } {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === file ? sourceFile : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === file,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [file], options: { noLib: true, noResolve: true }, host });
  return { sourceFile, checker: program.getTypeChecker() };
}

/** Checks one file's source; `file` is the name reported. */
export function checkSource(source: string, file: string, part: SubmissionPart): ImportViolation[] {
  const { sourceFile, checker } = bindAlone(file, source);
  // a name declared in this file (in a scope that reaches the use) is the submission's own
  const declaredHere = (node: ts.Identifier) =>
    (checker.getSymbolAtLocation(node)?.declarations ?? []).some((d) => d.getSourceFile() === sourceFile);
  const violations: ImportViolation[] = [];
  const report = (node: ts.Node, reason: string) => {
    const start = node.getStart(sourceFile);
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
    const text = node.getText(sourceFile).replace(/\s+/g, ' ');
    const code = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    violations.push({ file, part, line: line + 1, column: character + 1, code, reason });
  };
  const checkSpecifier = (statement: ts.Node, specifier: ts.Expression | undefined) => {
    if (specifier === undefined) return; // `export { x }` without `from`
    if (!ts.isStringLiteral(specifier)) report(statement, `the module name must be a string; ${ALLOWED}`);
    else if (!isAllowedSpecifier(specifier.text))
      report(statement, `'${specifier.text}' is not allowed; ${ALLOWED}`);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      checkSpecifier(node, node.moduleSpecifier);
      return; // the names it binds are declarations, not uses
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      report(node, 'import = require(...) is not allowed; use a static import');
      return;
    }
    if (ts.isImportTypeNode(node)) {
      checkSpecifier(node, ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, 'dynamic import() is not allowed; use a static import');
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      report(node, 'import.meta is not allowed');
    } else if (
      ts.isIdentifier(node) &&
      isFreeReference(node) &&
      Object.hasOwn(FORBIDDEN_GLOBALS, node.text) &&
      !declaredHere(node)
    ) {
      report(node, FORBIDDEN_GLOBALS[node.text]);
    } else if (ts.isPropertyAccessExpression(node) && Object.hasOwn(FORBIDDEN_MEMBERS, node.name.text)) {
      report(node, FORBIDDEN_MEMBERS[node.name.text]);
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const name = node.argumentExpression.text;
      if (Object.hasOwn(FORBIDDEN_MEMBERS, name) || Object.hasOwn(FORBIDDEN_GLOBALS, name)) {
        report(node, `['${name}'] is not allowed`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return violations;
}

/** Whether an identifier reads a variable (rather than naming a property, a declaration or a type). */
function isFreeReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  // Declaring a name is not using the global; its uses are reported.
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent)) &&
    parent.name === node
  ) {
    return false;
  }
  if (ts.isPropertyDeclaration(parent) && parent.name === node) return false;
  if (ts.isPropertySignature(parent) && parent.name === node) return false;
  if (ts.isMethodDeclaration(parent) && parent.name === node) return false;
  if (ts.isMethodSignature(parent) && parent.name === node) return false;
  if (ts.isGetAccessor(parent) && parent.name === node) return false;
  if (ts.isSetAccessor(parent) && parent.name === node) return false;
  if (ts.isEnumMember(parent) && parent.name === node) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent)) {
    // `implements X`, `: X` name types; `extends Function` in a class heritage is still a use.
    return ts.isExpressionWithTypeArguments(parent) && ts.isHeritageClause(parent.parent)
      ? parent.parent.token === ts.SyntaxKind.ExtendsKeyword
      : false;
  }
  if (ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent)) return false;
  return true;
}

/** Checks every submission file present in `dir` (missing files are the grader's business). */
export function checkImports(dir: string): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const [part, file] of Object.entries(SUBMISSION_FILES) as [SubmissionPart, string][]) {
    const fullPath = path.join(dir, file);
    if (!existsSync(fullPath)) continue;
    violations.push(...checkSource(readFileSync(fullPath, 'utf8'), file, part));
  }
  return violations;
}

/** One line per violation: `gmm.ts:3:1 import fs from 'node:fs' — 'node:fs' is not allowed; ...`. */
export function formatViolations(violations: ImportViolation[]): string[] {
  return violations.map((v) => `${v.file}:${v.line}:${v.column} ${v.code} — ${v.reason}`);
}

/** The parts whose files break the rule: the grader does not load them, and their tests score 0. */
export function forfeitedParts(violations: ImportViolation[]): Set<SubmissionPart> {
  return new Set(violations.map((v) => v.part));
}

/** The score table's lines for the import check (one line when all is well, so the check is visible). */
export function importCheckNotes(violations: ImportViolation[]): string[] {
  if (violations.length === 0)
    return ['Import check: passed (only @tensorflow/tfjs and ../lib/ are imported).'];
  const files = [...new Set(violations.map((v) => v.file))].join(', ');
  return [
    `Import check: FAILED — ${files} not graded (0 points for the tests that need them); only ${ALLOWED}.`,
    ...formatViolations(violations).map((line) => `  ${line}`),
  ];
}
