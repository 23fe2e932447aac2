// `cnfguard profile add|list|edit`: phone security profiles.

import { DEFAULT_DATA_DIR } from "../server/database.js";
import type { ProfileChanges, SecurityProfile } from "../server/profileStore.js";
import { DEFAULT_LSC_DAYS } from "../shared/capfStatus.js";
import { CURVES, capfAuthModeNames, DEFAULT_KEY_SIZE, KEY_SIZES, keySizeChoices } from "../shared/capfVocabulary.js";
import { DEFAULT_SIGNING_HASH, signingHashChoices } from "../shared/hashAlgorithms.js";
import { SECURITY_MODE_NAMES, securityModeFromName, securityModeName } from "../shared/securityModes.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard profile add NAME  [settings] [--data DIR] [--json]
       cnfguard profile edit NAME [settings] [--data DIR] [--json]
       cnfguard profile list [--data DIR] [--json]

settings:
  --tftp-encrypted-config      tick TFTP Encrypted Config (phones get a partial config, then an encrypted one)
  --no-tftp-encrypted-config   untick it
  --security-mode MODE         ${SECURITY_MODE_NAMES.join(" | ")} (device security mode; default
                               non-secure — TFTP Encrypted Config works without mixed mode)
  --capf-auth MODE             ${capfAuthModeNames()} (CAPF authentication mode; default null)
  --key-size BITS              ${KEY_SIZES.join(" | ")} (RSA key the phone generates; default ${DEFAULT_KEY_SIZE})
  --curve NAME                 ${CURVES.join(" | ")} (EC key instead of RSA)
  --protocol SIP|SCCP          device protocol (default SIP)
  --product TYPE               product type (default "Cisco 7942")
  --hash ${signingHashChoices()}           signing hash of the device's files (default ${DEFAULT_SIGNING_HASH})
  --description TEXT           the profile's Description (up to 200 characters)
  --lsc-days N                 days an LSC issued to this profile's devices is valid (1–7300);
                               'server' = the server's setting (server start --lsc-days, default ${DEFAULT_LSC_DAYS})
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const options = {
  data: { type: "string" },
  json: { type: "boolean" },
  "tftp-encrypted-config": { type: "boolean" },
  "no-tftp-encrypted-config": { type: "boolean" },
  "security-mode": { type: "string" },
  "capf-auth": { type: "string" },
  "key-size": { type: "string" },
  curve: { type: "string" },
  protocol: { type: "string" },
  product: { type: "string" },
  hash: { type: "string" },
  description: { type: "string" },
  "lsc-days": { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof options>>["values"];

export const command: Command = {
  summary: "phone security profiles: add|list|edit",
  help,
  options: options,
  actions: ["add", "edit", "list"],
  async run(argv) {
    const { values, positionals } = parse(argv, options);
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (quote a name with spaces)`);
    const store = await import("../server/profileStore.js");
    const { openDatabase } = await import("../server/database.js");
    if (action !== "add" && action !== "edit" && action !== "list") {
      throw new UsageError(action ? `unknown action '${action}': use add, edit or list` : "say add, edit or list");
    }
    if (action !== "list" && !name) throw new UsageError(`profile ${action} needs the profile NAME`);
    if (action === "list" && name) throw new UsageError(`profile list takes no name (got '${name}')`);
    const db = openDatabase(values.data ?? DEFAULT_DATA_DIR);
    try {
      if (action === "list") return print(store.listProfiles(db), values.json ?? false);
      const changes = profileChanges(values);
      const profile = action === "add" ? store.addProfile(db, name, changes) : store.editProfile(db, name, changes);
      warnEcEncrypted(profile);
      return print([profile], values.json ?? false);
    } finally {
      db.close();
    }
  },
};

function profileChanges(v: Values): ProfileChanges {
  if (v["tftp-encrypted-config"] && v["no-tftp-encrypted-config"]) {
    throw new UsageError("--tftp-encrypted-config and --no-tftp-encrypted-config exclude each other: give one");
  }
  const c: ProfileChanges = {
    description: v.description,
    producttype: v.product,
    deviceprotocol: v.protocol,
    capfauthmode: v["capf-auth"],
    keycurve: v.curve,
    signinghash: v.hash,
  };
  if (v["tftp-encrypted-config"]) c.tftpencryptedconfig = true;
  if (v["no-tftp-encrypted-config"]) c.tftpencryptedconfig = false;
  if (v["key-size"] !== undefined) {
    if (!/^[0-9]+$/.test(v["key-size"])) throw new UsageError(`--key-size '${v["key-size"]}': use ${keySizeChoices()}`);
    c.keysize = Number(v["key-size"]);
  }
  const days = v["lsc-days"];
  if (days !== undefined) {
    if (days !== "server" && !/^[0-9]{1,5}$/.test(days)) throw new UsageError(`--lsc-days '${days}': give whole days (1–7300) or 'server'`);
    c.lscvaliditydays = days === "server" ? null : Number(days);
  }
  if (v["security-mode"] !== undefined) {
    const mode = securityModeFromName(v["security-mode"]);
    if (mode === undefined) throw new UsageError(`--security-mode '${v["security-mode"]}': use ${SECURITY_MODE_NAMES.join(", ")}`);
    c.devicesecuritymode = mode;
  }
  return c;
}

/**
 * Said at once, not as a 404 when a phone asks: the config's AES key is wrapped with the phone's RSA
 * key, so a phone enrolled with an EC key never gets SEP<MAC>.cnf.xml.enc.sgn.
 */
function warnEcEncrypted(p: SecurityProfile): void {
  if (!p.tftpencryptedconfig || p.keycurve === null) return;
  process.stderr.write(
    `cnfguard profile: warning: '${p.name}' has an EC key (${p.keycurve}) and TFTP Encrypted Config: phones with an EC key cannot receive an encrypted config (its key is wrapped with the phone's RSA key) — they get their partial config and a 404 for SEP<MAC>.cnf.xml.enc.sgn. Use --key-size 2048, or --no-tftp-encrypted-config\n`,
  );
}

async function print(profiles: SecurityProfile[], json: boolean): Promise<number> {
  if (json) {
    process.stdout.write(JSON.stringify(profiles.map(({ pkid: _pkid, ...p }) => p)) + "\n");
    return Exit.OK;
  }
  const { textTable } = await import("../server/textTable.js");
  process.stdout.write(
    textTable(
      ["name", "producttype", "deviceprotocol", "devicesecuritymode", "tftpencryptedconfig", "capfauthmode", "key", "signinghash", "lscvaliditydays"],
      profiles.map((p) => [
        p.name,
        p.producttype,
        p.deviceprotocol,
        securityModeName(p.devicesecuritymode),
        p.tftpencryptedconfig,
        p.capfauthmode,
        p.keysize ?? p.keycurve,
        p.signinghash,
        p.lscvaliditydays ?? "server",
      ]),
    ),
  );
  return Exit.OK;
}
