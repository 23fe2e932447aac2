// What every subcommand shares: exit codes, usage errors, argument parsing.
import { type ParseArgsConfig, parseArgs } from "node:util";

import { UsageError } from "../shared/errors.js";

export { Exit, IoError, UsageError } from "../shared/errors.js";

export interface Command {
  /** One line: what it does. */
  summary: string;
  /** The full --help text. */
  help: string;
  run(argv: string[]): Promise<number>;
}

/** node:util parseArgs, strict, with errors turned into UsageError. */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

/** True when argv asks for help. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
