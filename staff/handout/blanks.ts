/**
 * The blanks of the skeleton and the solution bodies of the reference, found with the TypeScript parser.
 * A blank is a function or method whose whole body in skeleton/ is one `throw new Error('… not
 * implemented …')`; the same function or method in reference/ holds the solution there.
 */
import ts from 'typescript';

export interface Body {
  /** `GMM.logLikelihood`, `GMM.constructor`, `generate`. */
  name: string;
  /** 1-based lines of the body, braces included. */
  lines: [number, number];
  /** Character offsets of the body in the file, braces included. */
  start: number;
  end: number;
}

type WithBody = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration;

const parse = (text: string): ts.SourceFile =>
  ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

function nameOf(node: WithBody): string {
  const own = ts.isConstructorDeclaration(node) ? 'constructor' : (node.name?.getText() ?? '(anonymous)');
  const owner = node.parent;
  return ts.isClassDeclaration(owner) && owner.name ? `${owner.name.text}.${own}` : own;
}

/** Every top-level function and class member with a body, in source order. */
export function bodies(text: string): Body[] {
  const sourceFile = parse(text);
  const found: Body[] = [];
  const add = (node: WithBody): void => {
    if (!node.body) return;
    const start = node.body.getStart(sourceFile);
    const end = node.body.getEnd();
    const line = (offset: number): number => sourceFile.getLineAndCharacterOfPosition(offset).line + 1;
    found.push({ name: nameOf(node), lines: [line(start), line(end)], start, end });
  };
  for (const statement of sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement)) add(statement);
    if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        if (
          ts.isMethodDeclaration(member) ||
          ts.isConstructorDeclaration(member) ||
          ts.isGetAccessorDeclaration(member)
        ) {
          add(member as WithBody);
        }
      }
    }
  }
  return found;
}

/** True when a body is exactly one `throw new Error(...)` whose message says "not implemented". */
function isBlank(text: string, body: Body): boolean {
  const block = parse(`function f() ${text.slice(body.start, body.end)}`)
    .statements[0] as ts.FunctionDeclaration;
  const statements = block.body?.statements ?? [];
  if (statements.length !== 1 || !ts.isThrowStatement(statements[0])) return false;
  const thrown = statements[0].expression;
  return (
    ts.isNewExpression(thrown) &&
    thrown.expression.getText() === 'Error' &&
    thrown.arguments?.length === 1 &&
    ts.isStringLiteralLike(thrown.arguments[0]) &&
    thrown.arguments[0].text.includes('not implemented')
  );
}

/** The names of the skeleton file's blanks. */
export function blankNames(skeletonText: string): string[] {
  return bodies(skeletonText)
    .filter((body) => isBlank(skeletonText, body))
    .map((body) => body.name);
}

/** The reference's bodies of the functions and methods that the skeleton blanks. */
export function solutionBodies(referenceText: string, skeletonText: string): Body[] {
  const blanks = new Set(blankNames(skeletonText));
  return bodies(referenceText).filter((body) => blanks.has(body.name));
}

/**
 * The file's code tokens (comments and whitespace dropped), with every blank's body replaced by one
 * `{…}` token and the names each import brings in dropped (which helpers a file imports may differ).
 */
export function codeOutsideBlanks(text: string, blanks: ReadonlySet<string>): string[] {
  const sourceFile = parse(text);
  const skipped = bodies(text).filter((body) => blanks.has(body.name));
  const importBindings = sourceFile.statements
    .filter(ts.isImportDeclaration)
    .flatMap((declaration) => (declaration.importClause ? [declaration.importClause] : []))
    .map((clause) => [clause.getStart(sourceFile), clause.getEnd()] as const);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const tokens: string[] = [];
  // open braces inside each template's current `${…}`: a `}` at depth 0 continues the template
  const templates: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templates.length > 0) templates[templates.length - 1]++;
    if (kind === ts.SyntaxKind.CloseBraceToken && templates.length > 0) {
      if (templates[templates.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
      } else templates[templates.length - 1]--;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(0);
    const at = scanner.getTokenStart();
    const body = skipped.find(({ start, end }) => at >= start && at < end);
    if (body) {
      tokens.push('{…}');
      scanner.resetTokenState(body.end);
      continue;
    }
    if (importBindings.some(([start, end]) => at >= start && at < end)) continue;
    tokens.push(scanner.getTokenText());
  }
  return tokens;
}
