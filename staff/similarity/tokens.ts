/**
 * TypeScript source → the normalised token stream the similarity report compares.
 *
 * Normalised so that cosmetic edits change nothing: every name the file declares itself (variables,
 * parameters, functions, classes, members, imports) becomes `$`, as does every object key (`{ a }` and
 * `{ a: b }` both read `$ : $`); strings become `'s'` and numbers `0`; types (annotations, `as`, type
 * arguments, interfaces), imports, comments, semicolons and trailing commas are dropped. Names the file
 * only uses (tfjs's API, Math, `.length`) are kept: a copier cannot rename them, and they are what tells
 * two independent solutions apart. After a dot a name is `$` only when the file declares it as a member,
 * so renaming a local never changes how `x.length` reads.
 */
import ts from 'typescript';

export interface Token {
  /** The normalised text. */
  text: string;
  /** 1-based line of the token's first character. */
  line: number;
  /**
   * Which top-level statement or class member the token belongs to (0 for none): k-grams that cross
   * from one to the next are not compared, so reordering methods leaves no unmatched seams.
   */
  unit: number;
}

interface Declared {
  /** Variables, parameters, functions, classes, imports, enums. */
  locals: Set<string>;
  /** Class and object members: methods, properties, accessors, parameter properties. */
  members: Set<string>;
}

function declaredNames(sourceFile: ts.SourceFile): Declared {
  const declared: Declared = { locals: new Set(), members: new Set() };
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    if (name !== undefined && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) {
      if (
        ts.isMethodDeclaration(node) ||
        ts.isPropertyDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node) ||
        ts.isEnumMember(node)
      ) {
        declared.members.add(name.text);
      } else if (
        ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isBindingElement(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isClassLike(node) ||
        ts.isImportSpecifier(node) ||
        ts.isNamespaceImport(node) ||
        ts.isImportClause(node) ||
        ts.isEnumDeclaration(node)
      ) {
        declared.locals.add(name.text);
        // `constructor(readonly nEmbd: number)` declares a member too
        if (ts.isParameter(node) && node.modifiers?.some((m) => m.kind !== ts.SyntaxKind.Decorator)) {
          declared.members.add(name.text);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return declared;
}

/** Punctuation that only introduces a type: dropped together with the type. */
const TYPE_INTRODUCERS = new Set([
  ts.SyntaxKind.ColonToken,
  ts.SyntaxKind.AsKeyword,
  ts.SyntaxKind.SatisfiesKeyword,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.QuestionToken,
]);

function isTypeOnly(node: ts.Node): boolean {
  return (
    ts.isTypeNode(node) ||
    ts.isTypeParameterDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isImportDeclaration(node) ||
    (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) ||
    ts.isHeritageClause(node) ||
    node.kind === ts.SyntaxKind.SemicolonToken ||
    (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode)
  );
}

/** A SyntaxList that holds only types (type arguments or parameters). */
function isTypeList(node: ts.Node, sourceFile: ts.SourceFile): boolean {
  if (node.kind !== ts.SyntaxKind.SyntaxList) return false;
  const items = node.getChildren(sourceFile).filter((child) => child.kind !== ts.SyntaxKind.CommaToken);
  return items.length > 0 && items.every((child) => isTypeOnly(child));
}

/** An identifier's normalised text; `owner` is the syntax node it belongs to. */
function normaliseName(
  name: ts.Identifier | ts.PrivateIdentifier,
  owner: ts.Node,
  declared: Declared,
): string {
  const memberName = ts.isPropertyAccessExpression(owner)
    ? owner.name
    : ts.isQualifiedName(owner)
      ? owner.right
      : undefined;
  if (memberName === name) {
    return declared.members.has(name.text) ? '$' : name.text;
  }
  if ((ts.isPropertyAssignment(owner) || ts.isPropertyDeclaration(owner)) && owner.name === name) return '$';
  if (ts.isBindingElement(owner) && owner.propertyName === name) return '$';
  return declared.locals.has(name.text) || declared.members.has(name.text) ? '$' : name.text;
}

function normalise(token: ts.Node): string {
  switch (token.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
    case ts.SyntaxKind.RegularExpressionLiteral:
      return "'s'";
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
      return '0';
    default:
      return ts.tokenToString(token.kind) ?? ts.SyntaxKind[token.kind];
  }
}

/** The normalised tokens of a TypeScript file, in source order. Never throws: the parser recovers. */
export function tokenize(source: string, fileName = 'file.ts'): Token[] {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const declared = declaredNames(sourceFile);
  const tokens: Token[] = [];
  let units = 0;
  /** `owner`: the nearest enclosing node that is not a SyntaxList (a leaf's syntactic parent). */
  const visit = (node: ts.Node, owner: ts.Node, unit: number, holdsStatements: boolean): void => {
    const children = node.getChildren(sourceFile);
    const childOwner = node.kind === ts.SyntaxKind.SyntaxList ? owner : node;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      const childUnit = holdsStatements || ts.isClassElement(child) ? ++units : unit;
      const next = children[i + 1];
      if (isTypeOnly(child) || isTypeList(child, sourceFile)) continue;
      // `: T`, `as T`, `<T>`, `x?: T`: the punctuation goes with the type it introduces.
      if (TYPE_INTRODUCERS.has(child.kind)) {
        const previous = children[i - 1];
        const introducesType = next !== undefined && (isTypeOnly(next) || isTypeList(next, sourceFile));
        const closesTypeList =
          child.kind === ts.SyntaxKind.GreaterThanToken &&
          previous !== undefined &&
          isTypeList(previous, sourceFile);
        const optionalMark = child.kind === ts.SyntaxKind.QuestionToken && !ts.isConditionalExpression(node);
        if (introducesType || closesTypeList || optionalMark) continue;
      }
      if (child.kind === ts.SyntaxKind.EndOfFileToken) continue;
      // a trailing comma (the last item of a list) is formatting
      if (
        child.kind === ts.SyntaxKind.CommaToken &&
        next === undefined &&
        node.kind === ts.SyntaxKind.SyntaxList
      ) {
        continue;
      }
      if (child.kind === ts.SyntaxKind.SyntaxList || child.getChildCount(sourceFile) > 0) {
        visit(child, childOwner, childUnit, node === sourceFile && child.kind === ts.SyntaxKind.SyntaxList);
        continue;
      }
      const line = sourceFile.getLineAndCharacterOfPosition(child.getStart(sourceFile)).line + 1;
      const push = (text: string) => tokens.push({ text, line, unit: childUnit });
      if (ts.isIdentifier(child) || ts.isPrivateIdentifier(child)) {
        // `{ a }` reads as `{ a: a }` in object literals and object patterns alike
        const shorthand =
          ts.isShorthandPropertyAssignment(childOwner) ||
          (ts.isBindingElement(childOwner) &&
            childOwner.propertyName === undefined &&
            ts.isObjectBindingPattern(owner));
        if (shorthand) {
          push('$');
          push(':');
        }
        push(normaliseName(child, childOwner, declared));
      } else {
        push(normalise(child));
      }
    }
  };
  visit(sourceFile, sourceFile, 0, false);
  return tokens;
}
