/**
 * Type-checks a submission's files against the project's tsconfig, as `npm run typecheck` would, and
 * reports only errors in those files. tsx strips types without checking them, so a submission with a
 * type error still runs and earns what its tests earn; its status says compile-error all the same.
 *
 * The files are checked as if they sat in a folder of the project root that exists only in memory,
 * so `../lib/` resolves to the project's lib/ wherever the submission really lies, and one checker can
 * check submission after submission: every other file (lib/, tfjs's and Node's declarations, the
 * standard library) is parsed and bound once, and each new program is built from the last one.
 */
import path from 'node:path';
import ts from 'typescript';
import { SUBMISSION_FILES } from '../../lib/contract.js';

/** At most this many errors are kept: the first ones say what is wrong. */
export const MAX_TYPE_ERRORS = 20;

/** File name → source text: the submission's files (those it has of the five). */
export type SourceTexts = Record<string, string>;

export class SubmissionTypeChecker {
  private readonly options: ts.CompilerOptions;
  private readonly host: ts.CompilerHost;
  private readonly folder: string;
  private readonly parsed = new Map<string, ts.SourceFile>();
  private sources = new Map<string, string>();
  private program?: ts.Program;

  constructor(projectRoot: string) {
    const configFile = path.join(projectRoot, 'tsconfig.json');
    const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
    if (error) throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`);
    const options = ts.parseJsonConfigFileContent(config, ts.sys, projectRoot).options;
    // Node's types only: Jest's globals (and the 200 declaration files they pull in) are for tests,
    // which a submission's files are not; they would cost half the check
    this.options = {
      ...options,
      noEmit: true,
      types: (options.types ?? []).filter((name) => name !== 'jest'),
    };
    // a name no project folder has, so that nothing on disk is ever read in its place
    this.folder = path.join(projectRoot, '.ex5-typecheck-submission');
    const base = ts.createCompilerHost(this.options, true);
    const inFolder = (file: string) => path.dirname(file) === this.folder;
    this.host = {
      ...base,
      fileExists: (file) => (inFolder(file) ? this.sources.has(file) : base.fileExists(file)),
      readFile: (file) => (inFolder(file) ? this.sources.get(file) : base.readFile(file)),
      directoryExists: (dir) => dir === this.folder || (base.directoryExists?.(dir) ?? true),
      getSourceFile: (file, language, onError) => {
        if (inFolder(file)) {
          const text = this.sources.get(file);
          return text === undefined ? undefined : ts.createSourceFile(file, text, language);
        }
        // the same object every time: the next program reuses it, parsed and bound
        let sourceFile = this.parsed.get(file);
        if (!sourceFile) {
          sourceFile = base.getSourceFile(file, language, onError);
          if (sourceFile) this.parsed.set(file, sourceFile);
        }
        return sourceFile;
      },
    };
  }

  /** `gmm.ts:12:5 TS2322: Type 'string' is not assignable to type 'number'.`, one per error. */
  check(texts: SourceTexts): string[] {
    const known: string[] = Object.values(SUBMISSION_FILES);
    this.sources = new Map(
      Object.entries(texts)
        .filter(([name]) => known.includes(name))
        .map(([name, text]) => [path.join(this.folder, name), text]),
    );
    const roots = [...this.sources.keys()];
    this.program = ts.createProgram({
      rootNames: roots,
      options: this.options,
      host: this.host,
      oldProgram: this.program,
    });
    const errors: string[] = [];
    for (const file of roots) {
      const source = this.program.getSourceFile(file)!;
      for (const diagnostic of [
        ...this.program.getSyntacticDiagnostics(source),
        ...this.program.getSemanticDiagnostics(source),
      ]) {
        if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
        const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
        errors.push(`${path.basename(file)}:${line + 1}:${character + 1} TS${diagnostic.code}: ${message}`);
      }
    }
    return errors.slice(0, MAX_TYPE_ERRORS);
  }
}
