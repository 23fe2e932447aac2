// cnfguard's command line. Each subcommand lives in its own module and is imported
// only when named, so `cnfguard hash` never loads the server, SQLite or TLS code.
import { type Command, Exit, IoError, UsageError, wantsHelp } from "./cli/common.js";
import { HASH_ALGORITHMS } from "./shared/hashAlgorithms.js";

/** Subcommand → module (relative to this file) exporting `command: Command`. */
const COMMANDS: Record<string, { module: string; summary: string }> = {
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
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    "usage: cnfguard <command> [options]   (cnfguard <command> --help for details)",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`),
    "",
    "exit codes: 0 ok · 1 verification or check failed · 2 usage error · 3 file or network error",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp() + "\n");
    return name ? Exit.OK : Exit.USAGE;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`cnfguard: unknown command '${name}'\n\n${topHelp()}\n`);
    return Exit.USAGE;
  }
  let command: Command;
  try {
    command = ((await import(entry.module)) as { command: Command }).command;
  } catch (e) {
    process.stderr.write(`cnfguard ${name}: not available in this build (${(e as Error).message})\n`);
    return Exit.USAGE;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(command.help.trimEnd() + "\n");
    return Exit.OK;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cnfguard ${name}: ${e.message}\n${command.help.split("\n")[0]}\n`);
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
