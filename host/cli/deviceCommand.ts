// `cnfguard device add|edit|list|show|delete|export|import|capf`: devices of every class, their
// scheduled CAPF operations and the certificates CAPF recorded.

import { renameSync, rmSync, writeFileSync } from "node:fs";
import { type Db, DEFAULT_DATA_DIR } from "../server/database.js";
import type { Device } from "../server/deviceStore.js";
import { DEFAULT_OPERATION_DAYS, GENERATED_AUTH_STRING_DIGITS } from "../shared/capfStatus.js";
import { capfAuthModeNames, keySizeChoices } from "../shared/capfVocabulary.js";
import { classRule, DEVICE_CLASSES, DEVICE_NAME_MAX_LENGTH, deviceNameFromInput } from "../shared/deviceNames.js";
import { fixHints } from "../shared/fixHints.js";
import { type Command, Exit, IoError, parse, UsageError } from "./common.js";

const help = `usage: cnfguard device add DEVICE --profile NAME [--line DN] [--description TEXT] [--data DIR] [--json]
       cnfguard device edit DEVICE [--profile NAME] [--line DN] [--description TEXT] [--data DIR] [--json]
       cnfguard device list [--name PATTERN] [--limit N] [--data DIR] [--json]
       cnfguard device show DEVICE [--data DIR] [--json]
       cnfguard device delete DEVICE [--data DIR] [--json]
       cnfguard device export DEVICE --certificate [-o FILE] [--data DIR]
       cnfguard device import FILE.csv [--data DIR] [--json]
       cnfguard device import --from-capfd FILE --profile NAME [--data DIR] [--json]
       cnfguard device capf DEVICE install|fetch|delete|none [--until TIME] [--auth-string DIGITS|generate]
                            [--capf-auth MODE] [--key-size BITS | --curve NAME] [--data DIR] [--json]

DEVICE is a device name of any class (upper case, at most ${DEVICE_NAME_MAX_LENGTH} characters):
${DEVICE_CLASSES.map((c) => `  ${classRule(c)}`).join("\n")}
  (an ATA 191/192's second port is ATA + the MAC's last 10 hex digits + 01)
An existing device is found by its name in any case.

add     a device with a phone security profile (any profile, any class). Its line
        (directory number, default the next free from 1001) gets a random SIP and SSH password.
edit    changes what add set: --profile (Device Security Profile), --line, --description.
list    the devices in name order. --name PATTERN: a name prefix (SEP0011) or a glob (SEP*FA40, ? = one
        character); --limit N: at most N rows.
show    one device: profile, CAPF settings, Certificate Operation Status, deadline, the LSC's validity.
delete  removes the device; its files are no longer served from the next request on.
export  --certificate: the certificate CAPF recorded for the device, as PEM (stdout, or -o FILE).
import  FILE.csv: the bulk path (CUCM's Bulk Administration Tool): a CSV file whose header row names the columns
        name,profile,line,description,certificate,capf (name and profile required; any order).
        certificate: path of the phone's PEM certificate, relative to the CSV's folder, recorded as if
        CAPF had installed it (certificate, public key, md5hash); rows may share a file.
        capf: install|fetch|delete|none, the CAPF operation to schedule (default none).
        line: directory number (default the next free). All rows are written in one transaction, or
        none: the first bad row stops the import with its line, column and the fix.
import  --from-capfd FILE: the devices and certificates of a capfd (open CAPF server) SQLite database,
        all under --profile NAME; md5hash is the MD5 of each certificate's DER. Every row is checked
        first: an unreadable row is named (exit 1) and nothing is imported.
capf    schedules the certificate operation the device's next CAPF session performs.
        --until TIME          Operation Completes By, ISO 8601 with its zone (e.g. 2026-12-24T18:00:00Z);
                              default ${DEFAULT_OPERATION_DAYS} days from now. After it a session is refused and the
                              status is operationTimedOut.
        --auth-string DIGITS  4–16 digits; switches the device to by-authentication-string.
                              'generate' makes ${GENERATED_AUTH_STRING_DIGITS} random digits, printed here once (not by list/show).
        --capf-auth MODE      ${capfAuthModeNames()}, overriding the profile's
        --key-size / --curve  the key an install makes, overriding the profile's
        Scheduling install again renews the LSC.
--json  certificateOperationStatus is one of none, operationPending, upgradeSuccess, upgradeFailed,
        deleteSuccess, deleteFailed, fetchSuccess, fetchFailed, invalidAuthenticationString, invalidLsc,
        invalidMic, phoneCommunicationFailure, keyGenerationFailure, operationTimedOut, unknownDevice.
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const options = {
  data: { type: "string" },
  json: { type: "boolean" },
  profile: { type: "string" },
  line: { type: "string" },
  description: { type: "string" },
  "auth-string": { type: "string" },
  "capf-auth": { type: "string" },
  "key-size": { type: "string" },
  curve: { type: "string" },
  until: { type: "string" },
  certificate: { type: "boolean" },
  output: { type: "string", short: "o" },
  "from-capfd": { type: "string" },
  name: { type: "string" },
  limit: { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof options>>["values"];

const ACTION_LIST = ["add", "edit", "list", "show", "delete", "export", "import", "capf"] as const;
const ACTION_NAMES = `${ACTION_LIST.slice(0, -1).join(", ")} or ${ACTION_LIST.at(-1)}`;

export const command: Command = {
  summary: "devices: add|edit|list|show|delete|export|import|capf",
  help,
  options: options,
  actions: ACTION_LIST,
  async run(argv) {
    const { values, positionals } = parse(argv, options);
    const [action, ...named] = positionals;
    // The device's name in any case, or a phone's MAC in any spelling (A4:56:30:BB:FA:40 …), as `phone --mac` takes it.
    const args = action === "import" ? named : named.map((a, i) => (i === 0 ? deviceNameFromInput(a) : a));
    const { openDatabase } = await import("../server/database.js");
    const run = ACTIONS[action ?? ""];
    if (action === "import" && values["from-capfd"] === undefined) return importAction(args, values);
    if (!run) throw new UsageError(action ? `unknown action '${action}': use ${ACTION_NAMES}` : `say ${ACTION_NAMES}`);
    const db = openDatabase(values.data ?? DEFAULT_DATA_DIR);
    try {
      const result = await run(db, args, values);
      return typeof result === "number" ? result : print(result, values.json ?? false, action === "show" ? "show" : "table");
    } finally {
      db.close();
    }
  },
};

/** Devices to print (with what to reveal), or an exit code when the action printed its own output. */
type Shown = { devices: Device[]; revealAuthString?: boolean };
type Action = (db: Db, args: string[], v: Values) => Promise<Shown | number>;

const ACTIONS: Record<string, Action> = {
  async add(db, args, v) {
    const name = oneName(args, "add");
    if (!v.profile) throw new UsageError(`device add ${name} needs --profile NAME ('profile list' shows them)`);
    const { addDevice } = await import("../server/deviceStore.js");
    return { devices: [addDevice(db, name, { profile: v.profile, directorynumber: v.line, description: v.description })] };
  },
  async edit(db, args, v) {
    const name = oneName(args, "edit");
    if (v.profile === undefined && v.line === undefined && v.description === undefined) {
      throw new UsageError(`device edit ${name}: say what to change (--profile NAME, --line DN, --description TEXT)`);
    }
    const { editDevice } = await import("../server/deviceStore.js");
    return { devices: [editDevice(db, name, { profile: v.profile, directorynumber: v.line, description: v.description })] };
  },
  async list(db, args, v) {
    if (args.length > 0) throw new UsageError(`device list takes no arguments (got '${args[0]}'); to filter, use --name PATTERN`);
    if (v.name !== undefined && !/^[A-Za-z0-9*?[\]-]{1,64}$/.test(v.name)) {
      throw new UsageError(`--name '${v.name}': give a name prefix or a glob of letters, digits, * and ?, e.g. SEP0011*`);
    }
    if (v.limit !== undefined && !/^[1-9][0-9]{0,6}$/.test(v.limit)) throw new UsageError(`--limit '${v.limit}': give a number of rows, 1–9999999`);
    const { listDevices } = await import("../server/deviceStore.js");
    return { devices: listDevices(db, { name: v.name, limit: v.limit === undefined ? undefined : Number(v.limit) }) };
  },
  async show(db, args) {
    const { requireDevice } = await import("../server/deviceStore.js");
    return { devices: [requireDevice(db, oneName(args, "show"))] };
  },
  async delete(db, args) {
    const { deleteDevice } = await import("../server/deviceStore.js");
    return { devices: [deleteDevice(db, oneName(args, "delete"))] };
  },
  async export(db, args, v) {
    const name = oneName(args, "export");
    if (!v.certificate) throw new UsageError(`device export ${name}: say what to export (--certificate)`);
    const { requireDevice } = await import("../server/deviceStore.js");
    const d = requireDevice(db, name);
    if (!d.certificate) {
      process.stderr.write(`cnfguard device: no certificate recorded for ${d.name}: schedule one with '${fixHints.scheduleCapf(d.name).text}' and boot it\n`);
      return Exit.FAILED;
    }
    const { certificatePem } = await import("../shared/pki/certificateBuilder.js");
    const pem = certificatePem(d.certificate);
    if (v.output === undefined) process.stdout.write(pem);
    else writeOutput(v.output, pem);
    return Exit.OK;
  },
  async import(db, args, v) {
    if (v["from-capfd"] === undefined) throw new UsageError("device import: say where from (--from-capfd FILE)");
    if (args.length > 0) throw new UsageError(`device import --from-capfd takes no other arguments (got '${args[0]}')`);
    if (!v.profile) throw new UsageError("device import --from-capfd FILE needs --profile NAME for the imported devices ('profile list' shows them)");
    const { CapfdRowError, importCapfdDevices, readCapfdDevices } = await import("../server/capfdImport.js");
    let devices: import("../server/capfdImport.js").ImportedDevice[];
    try {
      devices = readCapfdDevices(v["from-capfd"]);
    } catch (e) {
      if (!(e instanceof CapfdRowError)) throw e;
      process.stderr.write(`cnfguard device: ${e.message}\n`);
      return Exit.FAILED;
    }
    importCapfdDevices(db, devices, v.profile);
    const { requireDevice } = await import("../server/deviceStore.js");
    return { devices: devices.map((d) => requireDevice(db, d.name)) };
  },
  async capf(db, args, v) {
    if (args.length !== 2) throw new UsageError("device capf needs a device name and an operation: install, fetch, delete or none");
    const { setCapfOperation } = await import("../server/deviceStore.js");
    const { checkCapfAuthMode } = await import("../server/profileStore.js");
    const keySize = v["key-size"];
    if (keySize !== undefined && !/^[0-9]+$/.test(keySize)) throw new UsageError(`--key-size '${keySize}': use ${keySizeChoices()}`);
    if (v.until !== undefined) {
      const { futureDeadline } = await import("../server/deviceStore.js");
      futureDeadline(v.until, new Date());
    }
    const device = setCapfOperation(db, args[0], {
      operation: args[1],
      until: v.until,
      authString: v["auth-string"],
      authMode: v["capf-auth"] === undefined ? undefined : checkCapfAuthMode(v["capf-auth"]),
      keySize: keySize === undefined ? undefined : Number(keySize),
      curve: v.curve,
    });
    return { devices: [device], revealAuthString: v["auth-string"] !== undefined };
  },
};

/** `device import FILE.csv`: the source is chosen here; importDevices checks and writes whatever it yields. */
async function importAction(args: string[], v: Values): Promise<number> {
  if (args.length !== 1) throw new UsageError("device import needs one FILE.csv (columns name,profile,line,description,certificate,capf)");
  const { devicesFromCsv } = await import("../server/deviceCsv.js");
  const { importDevices } = await import("../server/deviceImport.js");
  const { openDatabase } = await import("../server/database.js");
  const records = devicesFromCsv(args[0]);
  const db = openDatabase(v.data ?? DEFAULT_DATA_DIR);
  try {
    const started = performance.now();
    const s = importDevices(db, records);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    if (v.json) process.stdout.write(JSON.stringify({ file: args[0], ...s, seconds }) + "\n");
    else {
      const ops = Object.entries(s.capf).filter(([op, n]) => op !== "none" && n > 0);
      const capf = ops.length ? `; CAPF ${ops.map(([op, n]) => `${op} ${n}`).join(", ")}` : "";
      process.stdout.write(`imported ${s.imported} devices from ${args[0]} (${s.withCertificate} with a certificate${capf}) in ${seconds} s\n`);
    }
    return Exit.OK;
  } finally {
    db.close();
  }
}

function oneName(args: string[], action: string): string {
  if (args.length !== 1) throw new UsageError(`device ${action} needs exactly one device name (e.g. SEPA45630BBFA40, ATA00778DA1C439, CSFJSMITH)`);
  return args[0];
}

/** Writes FILE whole or not at all (a temporary file renamed into place). */
function writeOutput(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o644, flag: "wx" });
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new IoError(`-o ${file}: ${(e as Error).message}`);
  }
}

async function print(shown: Shown, json: boolean, mode: "table" | "show"): Promise<number> {
  const rows = shown.devices.map((d) => summary(d, shown.revealAuthString ?? false));
  if (json) {
    process.stdout.write(JSON.stringify(rows) + "\n");
    return Exit.OK;
  }
  if (mode === "show") {
    for (const row of rows) {
      const width = Math.max(...Object.keys(row).map((k) => k.length));
      for (const [k, value] of Object.entries(row)) process.stdout.write(`${k.padEnd(width)}  ${value ?? "-"}\n`);
    }
    return Exit.OK;
  }
  const { textTable } = await import("../server/textTable.js");
  process.stdout.write(
    textTable(
      ["name", "profile", "md5hash", "capfoperation", "capfauthmode", "key", "directorynumber", "certificateOperationStatus", "capfoperationdeadline"],
      rows.map((d) => [
        d.name,
        d.profile,
        d.md5hash,
        d.capfoperation,
        d.capfauthmode,
        d.key,
        d.directorynumber,
        d.certificateOperationStatus,
        d.capfoperationdeadline,
      ]),
    ),
  );
  return Exit.OK;
}

/**
 * What an administrator sees of a device: never its passwords or the certificate bytes; the
 * authentication string only in the answer to the command that set it.
 */
function summary(d: Device, revealAuthString: boolean) {
  return {
    name: d.name,
    description: d.description,
    profile: d.profile.name,
    md5hash: d.md5hash,
    capfoperation: d.capfoperation,
    capfoperationdeadline: d.capfoperationdeadline,
    capfauthmode: d.capfauthmode,
    authenticationstring: revealAuthString ? d.authenticationstring : d.authenticationstring ? "(set)" : null,
    key: d.keysize !== null ? `rsa${d.keysize}` : `ec ${d.keycurve}`,
    directorynumber: d.directorynumber,
    certificateOperationStatus: d.certificateOperationStatus,
    certificateOperationStatusAt: d.certificateoperationstatusat,
    lscNotBefore: d.lscnotbefore,
    lscNotAfter: d.lscnotafter,
  };
}
