// What every subcommand shares: exit codes, usage errors, argument parsing.
import { type ParseArgsConfig, parseArgs } from "node:util";

import { UsageError } from "../shared/errors.js";
import { didYouMean } from "./didYouMean.js";

export { Exit, IoError, UsageError } from "../shared/errors.js";

export type OptionTable = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  /** One line: what it does. */
  summary: string;
  /** The full --help text. */
  help: string;
  /** Its options (for completion and config files); absent for a command without any. */
  options?: OptionTable;
  /** The words its first argument may be (actions, algorithms), for completion. */
  actions?: readonly string[];
  run(argv: string[]): Promise<number>;
}

/** node:util parseArgs, strict, with its errors said in our words (UsageError, exit 2). */
export function parse<T extends OptionTable>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(parseProblem(e as Error & { code?: string }, options));
  }
}

/** Every spelling of the table's options: --name and -x. */
function optionSpellings(options: OptionTable): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** node:util's parse error in our words: the option, what is wrong, and the closest known option. */
function parseProblem(e: Error & { code?: string }, options: OptionTable): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted.split(/[ ,=]/)[0];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}${didYouMean(option, optionSpellings(options))}; --help lists the options`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${quoted}': this command takes options only (--help lists them)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(e.message)) return `${option} takes no value (write ${option} alone)`;
      if (/ambiguous/.test(e.message)) return `${option} needs a value, not the option after it (write ${option}=-VALUE for a value that starts with '-')`;
      return `${option} needs a value (${option} VALUE)`;
    default:
      return "the options could not be read; --help lists them";
  }
}

/**
 * The value of an option that has two names (--out and --output): either may be given, both only
 * with the same value.
 */
export function eitherName(values: Record<string, unknown>, a: string, b: string): string | undefined {
  const [x, y] = [values[a], values[b]] as (string | undefined)[];
  if (x !== undefined && y !== undefined && x !== y) throw new UsageError(`--${a} and --${b} are the same option: give one (got '${x}' and '${y}')`);
  return x ?? y;
}

/** True when argv asks for help. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
