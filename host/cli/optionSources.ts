// Options from a config file and from the environment, for any command's option table: every
// flag is also a key of the JSON config file (`--config FILE`) and an environment variable
// (CNFGUARD_ + the flag in capitals, '-' as '_': --http-port → CNFGUARD_HTTP_PORT). The command
// line wins over the environment, the environment over the file. Options other helpers add to
// the table get all three for free.
import { readFileSync } from "node:fs";
import type { ParseArgsConfig } from "node:util";
import { IoError, UsageError } from "../shared/errors.js";
import { didYouMean } from "./didYouMean.js";

type OptionTable = NonNullable<ParseArgsConfig["options"]>;

/** A config file is small: refuse anything larger before reading it whole. */
const MAX_CONFIG_BYTES = 64 * 1024;

/** CNFGUARD_HTTP_PORT for --http-port. */
export function environmentName(flag: string): string {
  return `CNFGUARD_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/** Which flags argv sets itself (by --name, --name=…, or its short letter). */
function flagsGiven(argv: readonly string[], options: OptionTable): Set<string> {
  const given = new Set<string>();
  for (const arg of argv) {
    if (arg === "--") break;
    for (const [name, o] of Object.entries(options)) {
      if (arg === `--${name}` || arg.startsWith(`--${name}=`) || (o.short && arg === `-${o.short}`)) given.add(name);
    }
  }
  return given;
}

/** One option's value from a source, as argv tokens. */
function tokens(name: string, value: unknown, kind: "string" | "boolean", where: string): string[] {
  if (kind === "boolean") {
    if (value === true || value === "1" || value === "true") return [`--${name}`];
    if (value === false || value === "0" || value === "false" || value === "") return [];
    throw new UsageError(`${where}: ${name} is on or off: give true or false`);
  }
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => {
    if (typeof v !== "string" && typeof v !== "number") throw new UsageError(`${where}: ${name} needs a string or a number`);
    return [`--${name}=${v}`];
  });
}

/** The JSON object in FILE, checked against the option table. */
function readConfigFile(file: string, options: OptionTable, skip: readonly string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(`--config ${file}: ${code === "ENOENT" ? "no such file (check the path)" : (e as Error).message}`);
  }
  if (text.length > MAX_CONFIG_BYTES) throw new UsageError(`--config ${file}: larger than ${MAX_CONFIG_BYTES} bytes; a config file holds a few options`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file}: not JSON (${(e as Error).message}); write {"http-port": 6970, …} with the flags as keys`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new UsageError(`--config ${file}: give one JSON object, the flags as keys, e.g. {"http-port": 6970}`);
  const known = Object.keys(options).filter((k) => !skip.includes(k));
  for (const key of Object.keys(parsed)) {
    if (!known.includes(key))
      throw new UsageError(`--config ${file}: unknown key "${key}"${didYouMean(key, known)}; the keys are the flags: ${known.join(", ")}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * argv with the config file's and the environment's options put in front, leaving out every
 * option argv gives itself (so flags win, also for repeatable ones). `configFile` is the
 * --config value already read from argv.
 */
export function withOptionSources(
  argv: readonly string[],
  options: OptionTable,
  o: { configFile?: string; env?: NodeJS.ProcessEnv; skip?: readonly string[] },
): string[] {
  const skip = o.skip ?? [];
  const given = flagsGiven(argv, options);
  const env = o.env ?? process.env;
  const fromFile = o.configFile ? readConfigFile(o.configFile, options, skip) : {};
  const front: string[] = [];
  for (const [name, opt] of Object.entries(options)) {
    if (given.has(name) || skip.includes(name)) continue;
    const variable = environmentName(name);
    const fromEnv = env[variable];
    if (fromEnv !== undefined) front.push(...tokens(name, opt.multiple ? fromEnv.split(",") : fromEnv, opt.type, variable));
    else if (fromFile[name] !== undefined) front.push(...tokens(name, fromFile[name], opt.type, `--config ${o.configFile}`));
  }
  return [...front, ...argv];
}
