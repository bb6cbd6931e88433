/**
 * Type-checks a submission's files against the project's tsconfig, as `npm run typecheck` would, and
 * reports only errors in those files. tsx strips types without checking them, so a submission with a
 * type error still runs and earns what its tests earn; the status says "compile-error" all the same.
 */
import path from 'node:path';
import ts from 'typescript';
import { SUBMISSION_FILES } from '../../lib/contract.js';

/** At most this many errors are kept: the first ones say what is wrong. */
const MAX_ERRORS = 20;

/** `gmm.ts:12:5 TS2322: Type 'string' is not assignable to type 'number'.`, one per error. */
export function typeErrors(submissionDir: string, projectRoot: string): string[] {
  const configFile = path.join(projectRoot, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) return [`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`];
  const options = ts.parseJsonConfigFileContent(config, ts.sys, projectRoot).options;
  const files = Object.values(SUBMISSION_FILES)
    .map((name) => path.join(submissionDir, name))
    .filter((file) => ts.sys.fileExists(file));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const errors: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    for (const diagnostic of [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]) {
      if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      errors.push(`${path.basename(file)}:${line + 1}:${character + 1} TS${diagnostic.code}: ${message}`);
    }
  }
  return errors.slice(0, MAX_ERRORS);
}
