/**
 * What every command-line entry point shares: one argument parser (commander) with `--help` and examples,
 * "did you mean" for a mistyped flag, exit code 2 for a usage error, `--no-color` and NO_COLOR, paths
 * relative to the folder the command was typed in, and a clear one-line error instead of a stack trace.
 */
import path from 'node:path';
import chalk from 'chalk';
import { Command, CommanderError, InvalidArgumentError, type OptionValues } from 'commander';

/** The exit code of a command that was called wrongly (unknown flag, bad value, missing argument). */
export const USAGE_ERROR = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A command named as a user types it (`npm run grade --`), with the project's conventions. `examples` are
 * shown under `--help`, each a full command line.
 */
export function command(script: string, description: string, examples: readonly string[]): Command {
  return new Command(`npm run ${script} --`)
    .description(description)
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .option('--no-color', 'plain text, no colours (also: the NO_COLOR environment variable)')
    .addHelpText('after', `\nExamples:\n${examples.map((line) => `  ${line}`).join('\n')}\n`)
    .exitOverride();
}

/**
 * Parses the command line and runs `main` with the parsed options and arguments. Help exits 0, a usage
 * error exits 2 (commander has printed it with a hint), any other error exits 1 with one line.
 */
export async function runCommand<Options extends OptionValues>(
  program: Command,
  main: (options: Options, args: string[]) => Promise<number | void>,
): Promise<void> {
  let options: Options;
  try {
    program.parse(process.argv);
    options = program.opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) {
      const helpShown = error.code === 'commander.helpDisplayed' || error.code === 'commander.help';
      process.exitCode = helpShown ? 0 : USAGE_ERROR;
      return;
    }
    throw error;
  }
  if ((options as { color?: boolean }).color === false || colourRefused()) chalk.level = 0;
  await runMain(() => main(options, program.args), program.name());
}

/** NO_COLOR (no-color.org): present and not empty means no colour, whatever the terminal. */
function colourRefused(): boolean {
  return Boolean(process.env.NO_COLOR);
}

/** Runs `main`, turning a thrown error into one line on stderr; `EX5_DEBUG=1` adds the stack. */
export async function runMain(main: () => Promise<number | void>, usage?: string): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (error instanceof UsageError && usage) process.stderr.write(`(see ${usage} --help)\n`);
    if (process.env.EX5_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof UsageError ? USAGE_ERROR : 1;
  }
}

/**
 * A path as the user typed it, made absolute from the folder they typed the command in: npm runs scripts
 * in the project root but keeps that folder in INIT_CWD.
 */
export function userPath(value: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), value);
}

/** Parser for a flag that must be a positive integer (for commander's `option(…, parser)`). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`must be a positive integer, got '${value}'`);
  return n;
}

/**
 * Parser for a variadic flag whose values come from a fixed list, comma- or space-separated
 * (`--only gmm,umm` or `--only gmm umm`), collecting across repeats.
 */
export function choicesOf<T extends string>(choices: readonly T[], noun: string) {
  return (value: string, previous: T[] | undefined): T[] => [
    ...(previous ?? []),
    ...value
      .split(',')
      .filter(Boolean)
      .map((choice) => {
        if (!(choices as readonly string[]).includes(choice))
          throw new InvalidArgumentError(`the ${noun} are ${choices.join(', ')}; got '${choice}'`);
        return choice as T;
      }),
  ];
}

/** Parser for a flag that must be an integer (a seed may be 0 or negative). */
export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError(`must be an integer, got '${value}'`);
  return n;
}
