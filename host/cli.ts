// cnfguard's command line. Each subcommand lives in its own module and is imported
// only when named, so `cnfguard hash` never loads the server, SQLite or TLS code.
import { readFileSync } from "node:fs";
import { type Command, Exit, IoError, UsageError, wantsHelp } from "./cli/common.js";
import { didYouMean } from "./cli/didYouMean.js";
import { HASH_ALGORITHMS } from "./shared/hashAlgorithms.js";

/** Subcommand → module (relative to this file) exporting `command: Command`. */
export const COMMANDS: Record<string, { module: string; summary: string }> = {
  hash: { module: "./cli/hashCommand.js", summary: `hash files (or - for stdin) with ${HASH_ALGORITHMS.join("|")}, like md5sum` },
  certhash: { module: "./cli/certhashCommand.js", summary: "print the certHash (MD5 of the certificate DER) of a PEM or DER certificate" },
  inspect: { module: "./cli/inspectCommand.js", summary: "print a signed file's or trust list's header and records" },
  verify: { module: "./cli/verifyCommand.js", summary: "verify a signed file or trust list against a trust list" },
  decrypt: { module: "./cli/decryptCommand.js", summary: "verify and decrypt SEP<MAC>.cnf.xml.enc.sgn with the device key" },
  sign: { module: "./cli/signCommand.js", summary: "sign a file as a version 1.0 .sgn with a TFTP certificate and key" },
  encrypt: { module: "./cli/encryptCommand.js", summary: "encrypt a config to a phone's RSA certificate and sign it (.enc.sgn)" },
  itl: { module: "./cli/itlCommand.js", summary: "write a signed trust list (ITLFile.tlv) from a SAST and role:certificate records" },
  server: { module: "./cli/serverCommand.js", summary: "server init|start: the reference CUCM TFTP/HTTP/CAPF services" },
  profile: { module: "./cli/profileCommand.js", summary: "phone security profiles: add|list|edit" },
  device: { module: "./cli/deviceCommand.js", summary: "devices: add|edit|list|show|delete|export|import|capf" },
  report: { module: "./cli/reportCommand.js", summary: "reports: lsc (state, issuerCurrent) | capf (pending, deadlines, outcomes) | cert-hash" },
  sql: { module: "./cli/sqlCommand.js", summary: "run a read-only SQL query on the server database" },
  trace: { module: "./cli/traceCommand.js", summary: "print the server's timeline of one device: files served or refused, CAPF sessions" },
  phone: { module: "./cli/phoneCommand.js", summary: "boot as a phone: trust list, partial config, CAPF, encrypted config" },
  fleet: { module: "./cli/fleetCommand.js", summary: "boot a fleet of virtual phones at once against a server (load test)" },
  diagnose: { module: "./cli/diagnoseCommand.js", summary: "run the encrypted-config troubleshooting checklist as a phone" },
  demo: { module: "./cli/demoCommand.js", summary: "run the whole seed end to end on loopback" },
  completion: { module: "./cli/completionCommand.js", summary: "print a bash completion script (source <(cnfguard completion bash))" },
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    "usage: cnfguard <command> [options]   (cnfguard help <command>, or cnfguard <command> --help, for details)",
    "       cnfguard --version",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`),
    "",
    "exit codes: 0 ok · 1 verification or check failed · 2 usage error · 3 file or network error",
  ].join("\n");
}

/** The version package.json names (two folders up from dist/host/cli.js). */
function version(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/** A command's module, or undefined (and a message) when it does not load. */
async function loadCommand(name: string): Promise<Command | undefined> {
  try {
    return ((await import(COMMANDS[name].module)) as { command: Command }).command;
  } catch (e) {
    process.stderr.write(`cnfguard ${name}: not available in this build (${(e as Error).message})\n`);
    return undefined;
  }
}

function unknownCommand(name: string): number {
  process.stderr.write(`cnfguard: unknown command '${name}'${didYouMean(name, Object.keys(COMMANDS))}\n\n${topHelp()}\n`);
  return Exit.USAGE;
}

/**
 * The usage lines of `help` for the action argv names (`device capf …` → its line and the lines
 * that continue it); all of the usage block when no line names that action.
 */
export function usageFor(help: string, name: string, argv: readonly string[]): string {
  const block = help.split("\n\n")[0].split("\n");
  const entries: string[][] = [];
  for (const line of block) {
    if (/^(usage:)?\s*cnfguard /.test(line)) entries.push([line]);
    else entries.at(-1)?.push(line);
  }
  const actionOf = (entry: string[]) => new RegExp(`cnfguard ${name} ([\\w-]+)`).exec(entry[0])?.[1];
  const actions = new Set(entries.map(actionOf));
  const action = argv.find((a) => actions.has(a));
  const named = action === undefined ? undefined : entries.find((e) => actionOf(e) === action);
  const lines = named ?? entries.flat();
  return lines.map((l, i) => (i === 0 ? l.replace(/^\s*(usage:\s*)?/, "usage: ") : l)).join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    process.stdout.write(`cnfguard ${version()}\n`);
    return Exit.OK;
  }
  if (name === "help" && rest.length > 0) {
    if (!COMMANDS[rest[0]]) return unknownCommand(rest[0]);
    const command = await loadCommand(rest[0]);
    if (!command) return Exit.USAGE;
    process.stdout.write(command.help.trimEnd() + "\n");
    return Exit.OK;
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp() + "\n");
    return name ? Exit.OK : Exit.USAGE;
  }
  if (!COMMANDS[name]) return unknownCommand(name);
  const command = await loadCommand(name);
  if (!command) return Exit.USAGE;
  if (wantsHelp(rest)) {
    process.stdout.write(command.help.trimEnd() + "\n");
    return Exit.OK;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cnfguard ${name}: ${e.message}\n${usageFor(command.help, name, rest)}\n`);
      return Exit.USAGE;
    }
    if (e instanceof IoError) {
      process.stderr.write(`cnfguard ${name}: ${e.message}\n`);
      return Exit.IO;
    }
    process.stderr.write(`cnfguard ${name}: ${(e as Error).message}\n`);
    return Exit.FAILED;
  }
}
