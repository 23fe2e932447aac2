// `cnfguard device add|edit|list|capf`: phones and their scheduled CAPF operations.

import { type Db, DEFAULT_DATA_DIR } from "../server/database.js";
import type { Device } from "../server/deviceStore.js";
import { classRule, DEVICE_CLASSES, DEVICE_NAME_MAX_LENGTH } from "../shared/deviceNames.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard device add DEVICE --profile NAME [--line DN] [--description TEXT] [--data DIR] [--json]
       cnfguard device edit DEVICE --profile NAME [--data DIR] [--json]
       cnfguard device list [--data DIR] [--json]
       cnfguard device capf DEVICE install|fetch|delete|none [--auth-string DIGITS] [--capf-auth MODE]
                            [--key-size BITS | --curve NAME] [--data DIR] [--json]

DEVICE is a device name of any class (upper case, at most ${DEVICE_NAME_MAX_LENGTH} characters):
${DEVICE_CLASSES.map((c) => `  ${classRule(c)}`).join("\n")}
  (an ATA 191/192's second port is ATA + the MAC's last 10 hex digits + 01)

add    a device with a phone security profile (any profile, any class). Its line
       (directory number, default the next free from 1001) gets a random SIP and SSH password.
edit   assigns another security profile (Device Security Profile on the phone page).
capf   schedules the certificate operation the phone's next CAPF session performs.
       --auth-string DIGITS  4–16 digits; switches the device to by-authentication-string
       --capf-auth MODE      null | string | lsc | mic, overriding the profile's
       --key-size / --curve  the key an install makes, overriding the profile's
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
} as const;

type Values = ReturnType<typeof parse<typeof options>>["values"];

export const command: Command = {
  summary: "devices: add|edit|list|capf",
  help,
  async run(argv) {
    const { values, positionals } = parse(argv, options);
    const [action, ...args] = positionals;
    const { openDatabase } = await import("../server/database.js");
    const run = ACTIONS[action ?? ""];
    if (!run) throw new UsageError(action ? `unknown action '${action}': use add, edit, list or capf` : "say add, edit, list or capf");
    const db = openDatabase(values.data ?? DEFAULT_DATA_DIR);
    try {
      return print(await run(db, args, values), values.json ?? false);
    } finally {
      db.close();
    }
  },
};

type Action = (db: Db, args: string[], v: Values) => Promise<Device[]>;

const ACTIONS: Record<string, Action> = {
  async add(db, args, v) {
    const name = oneName(args, "add");
    if (!v.profile) throw new UsageError(`device add ${name} needs --profile NAME ('profile list' shows them)`);
    const { addDevice } = await import("../server/deviceStore.js");
    return [addDevice(db, name, { profile: v.profile, directorynumber: v.line, description: v.description })];
  },
  async edit(db, args, v) {
    const name = oneName(args, "edit");
    if (!v.profile) throw new UsageError(`device edit ${name}: say what to change (--profile NAME)`);
    const { setDeviceProfile } = await import("../server/deviceStore.js");
    return [setDeviceProfile(db, name, v.profile)];
  },
  async list(_db, args) {
    if (args.length > 0) throw new UsageError(`device list takes no arguments (got '${args[0]}')`);
    const { listDevices } = await import("../server/deviceStore.js");
    return listDevices(_db);
  },
  async capf(db, args, v) {
    if (args.length !== 2) throw new UsageError("device capf needs a device name and an operation: install, fetch, delete or none");
    const { setCapfOperation } = await import("../server/deviceStore.js");
    const { checkCapfAuthMode } = await import("../server/profileStore.js");
    const keySize = v["key-size"];
    if (keySize !== undefined && !/^[0-9]+$/.test(keySize)) throw new UsageError(`--key-size '${keySize}': use 1024, 2048, 3072 or 4096`);
    return [
      setCapfOperation(db, args[0], {
        operation: args[1],
        authString: v["auth-string"],
        authMode: v["capf-auth"] === undefined ? undefined : checkCapfAuthMode(v["capf-auth"]),
        keySize: keySize === undefined ? undefined : Number(keySize),
        curve: v.curve,
      }),
    ];
  },
};

function oneName(args: string[], action: string): string {
  if (args.length !== 1) throw new UsageError(`device ${action} needs exactly one device name (e.g. SEPA45630BBFA40, ATA00778DA1C439, CSFJSMITH)`);
  return args[0];
}

async function print(devices: Device[], json: boolean): Promise<number> {
  if (json) {
    process.stdout.write(JSON.stringify(devices.map(summary)) + "\n");
    return Exit.OK;
  }
  const { textTable } = await import("../server/textTable.js");
  const rows = devices.map(summary);
  process.stdout.write(
    textTable(
      ["name", "profile", "md5hash", "capfoperation", "capfauthmode", "key", "directorynumber"],
      rows.map((d) => [d.name, d.profile, d.md5hash, d.capfoperation, d.capfauthmode, d.key, d.directorynumber]),
    ),
  );
  return Exit.OK;
}

/** What an administrator sees of a device: never its passwords or the certificate bytes. */
function summary(d: Device) {
  return {
    name: d.name,
    description: d.description,
    profile: d.profile.name,
    md5hash: d.md5hash,
    capfoperation: d.capfoperation,
    capfauthmode: d.capfauthmode,
    authenticationstring: d.authenticationstring,
    key: d.keysize !== null ? `rsa${d.keysize}` : `ec ${d.keycurve}`,
    directorynumber: d.directorynumber,
  };
}
