// What every subcommand shares: exit codes, usage errors, argument parsing.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes scripts can rely on. */
export const Exit = {
  OK: 0,
  /** the operation ran and the answer is "no": verification failed, a check failed */
  FAILED: 1,
  /** bad arguments or usage */
  USAGE: 2,
  /** a file could not be read or written, a service could not be reached */
  IO: 3,
} as const;

/** Thrown for bad arguments; the dispatcher prints the message and the command's usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Thrown when a named input or output cannot be used; carries exit code IO. */
export class IoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IoError";
  }
}

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
