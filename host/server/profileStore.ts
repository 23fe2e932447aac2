// Phone security profiles (System > Security > Phone Security Profile): add, edit, list.
// Every value is checked here with a message naming the option and the fix; the table's
// CHECK constraints are the second line of defence.
import {
  type CapfAuthMode,
  CURVES,
  type Curve,
  capfAuthModeChoices,
  DEFAULT_KEY_SIZE,
  isCurve,
  KEY_SIZES,
  parseCapfAuthMode,
} from "../shared/capfVocabulary.js";
import { UsageError } from "../shared/errors.js";
import { DEFAULT_SIGNING_HASH, type SigningHash, signingHashProblem } from "../shared/hashAlgorithms.js";
import { SECURITY_MODE } from "../shared/securityModes.js";
import type { Db } from "./database.js";

export type DeviceProtocol = "SIP" | "SCCP";
export { CAPF_AUTH_MODES, type CapfAuthMode, CURVES, type Curve, KEY_SIZES } from "../shared/capfVocabulary.js";

export { SECURITY_MODE } from "../shared/securityModes.js";

export interface SecurityProfile {
  pkid: number;
  name: string;
  description: string;
  producttype: string;
  deviceprotocol: DeviceProtocol;
  devicesecuritymode: number;
  tftpencryptedconfig: boolean;
  capfauthmode: CapfAuthMode;
  keysize: number | null;
  keycurve: Curve | null;
  signinghash: SigningHash;
  /** days an LSC issued to a device of this profile is valid; null = the server's setting */
  lscvaliditydays: number | null;
}

/** What `profile add` / `profile edit` may set; absent fields keep their value (or default). */
export interface ProfileChanges {
  description?: string;
  producttype?: string;
  deviceprotocol?: string;
  devicesecuritymode?: number;
  tftpencryptedconfig?: boolean;
  capfauthmode?: string;
  keysize?: number;
  keycurve?: string;
  signinghash?: string;
  lscvaliditydays?: number | null;
}

type ProfileRow = Omit<SecurityProfile, "tftpencryptedconfig"> & { tftpencryptedconfig: number };

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$/;

export function addProfile(db: Db, name: string, changes: ProfileChanges): SecurityProfile {
  checkProfileName(name);
  if (findProfile(db, name)) throw new UsageError(`profile '${name}' already exists — use 'profile edit ${name} …' to change it`);
  const p = applyChanges(defaultProfile(name), changes);
  db.prepare(`INSERT INTO phonesecurityprofile (name, ${SETTINGS.join(", ")}) VALUES (@name, ${SETTINGS.map((c) => `@${c}`).join(", ")})`).run({
    name: p.name,
    ...settingsOf(p),
  });
  return requireProfile(db, name);
}

export function editProfile(db: Db, name: string, changes: ProfileChanges): SecurityProfile {
  const p = applyChanges(requireProfile(db, name), changes);
  db.prepare(`UPDATE phonesecurityprofile SET ${SETTINGS.map((c) => `${c} = @${c}`).join(", ")} WHERE pkid = @pkid`).run({ pkid: p.pkid, ...settingsOf(p) });
  return requireProfile(db, name);
}

/** The columns a profile's settings are stored in (all but pkid and name). */
const SETTINGS = [
  "description",
  "producttype",
  "deviceprotocol",
  "devicesecuritymode",
  "tftpencryptedconfig",
  "capfauthmode",
  "keysize",
  "keycurve",
  "signinghash",
  "lscvaliditydays",
] as const;

function settingsOf(p: SecurityProfile): Record<(typeof SETTINGS)[number], string | number | null> {
  return {
    description: p.description,
    producttype: p.producttype,
    deviceprotocol: p.deviceprotocol,
    devicesecuritymode: p.devicesecuritymode,
    tftpencryptedconfig: p.tftpencryptedconfig ? 1 : 0,
    capfauthmode: p.capfauthmode,
    keysize: p.keysize,
    keycurve: p.keycurve,
    signinghash: p.signinghash,
    lscvaliditydays: p.lscvaliditydays,
  };
}

export function listProfiles(db: Db): SecurityProfile[] {
  return db.prepare<ProfileRow>("SELECT * FROM phonesecurityprofile ORDER BY name").all().map(fromRow);
}

export function findProfile(db: Db, name: string): SecurityProfile | undefined {
  const row = db.prepare<ProfileRow>("SELECT * FROM phonesecurityprofile WHERE name = ?").get(name);
  return row ? fromRow(row) : undefined;
}

export function requireProfile(db: Db, name: string): SecurityProfile {
  const p = findProfile(db, name);
  if (!p) throw new UsageError(`no profile named '${name}' — 'profile list' shows the existing ones, 'profile add ${name}' creates it`);
  return p;
}

/** Deletes a profile no device uses (CUCM refuses to delete a profile in use, and so do we). */
export function deleteProfile(db: Db, name: string): void {
  const p = requireProfile(db, name);
  const users = db.prepare<{ n: number }>("SELECT count(*) AS n FROM device WHERE fkphonesecurityprofile = ?").get(p.pkid) as { n: number };
  if (users.n > 0) {
    throw new UsageError(
      `profile '${name}' is the security profile of ${users.n} device(s): give them another profile first ('device edit SEP… --profile OTHER')`,
    );
  }
  db.prepare("DELETE FROM phonesecurityprofile WHERE pkid = ?").run(p.pkid);
}

/** A new profile's settings (pkid 0: not stored). */
export function defaultProfile(name: string): SecurityProfile {
  return {
    pkid: 0,
    name,
    description: "",
    producttype: "Cisco 7942",
    deviceprotocol: "SIP",
    devicesecuritymode: SECURITY_MODE.nonSecure,
    tftpencryptedconfig: false,
    capfauthmode: "null",
    keysize: DEFAULT_KEY_SIZE,
    keycurve: null,
    signinghash: DEFAULT_SIGNING_HASH,
    lscvaliditydays: null,
  };
}

/**
 * The profile with `changes` applied, validated. TFTP Encrypted Config is independent of the
 * device security mode (a Non Secure profile may tick it: the seed's cluster is not in mixed mode).
 */
function applyChanges(p: SecurityProfile, c: ProfileChanges): SecurityProfile {
  const out = { ...p };
  if (c.description !== undefined) out.description = checkDescription(c.description);
  if (c.producttype !== undefined) out.producttype = checkProduct(c.producttype);
  if (c.deviceprotocol !== undefined) out.deviceprotocol = checkProtocol(c.deviceprotocol);
  if (c.capfauthmode !== undefined) out.capfauthmode = checkCapfAuthMode(c.capfauthmode);
  if (c.signinghash !== undefined) out.signinghash = checkHash(c.signinghash);
  if (c.keysize !== undefined && c.keycurve !== undefined)
    throw new UsageError("--key-size and --curve exclude each other: an RSA key has a size, an EC key a curve — give one");
  if (c.keysize !== undefined) [out.keysize, out.keycurve] = [checkKeySize(c.keysize), null];
  if (c.keycurve !== undefined) [out.keysize, out.keycurve] = [null, checkCurve(c.keycurve)];
  if (c.tftpencryptedconfig !== undefined) out.tftpencryptedconfig = c.tftpencryptedconfig;
  if (c.lscvaliditydays !== undefined) out.lscvaliditydays = c.lscvaliditydays === null ? null : checkLscDays(c.lscvaliditydays);
  if (c.devicesecuritymode !== undefined) out.devicesecuritymode = c.devicesecuritymode;
  if (![1, 2, 3].includes(out.devicesecuritymode))
    throw new UsageError(`--security-mode: ${out.devicesecuritymode} is not 1 (non secure), 2 (authenticated) or 3 (encrypted)`);
  return out;
}

export function checkProfileName(name: string): void {
  if (!NAME.test(name)) throw new UsageError(`profile name '${name}': use 1–50 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit`);
}

/** A description: up to 200 characters of any text but control characters (pages escape it when shown). */
export function checkDescription(v: string): string {
  if (v.length > 200 || /[\x00-\x1f\x7f]/.test(v)) throw new UsageError("--description: give up to 200 characters, without control characters or line breaks");
  return v;
}

function checkProduct(v: string): string {
  if (!/^[\x20-\x7e]{1,50}$/.test(v)) throw new UsageError(`--product '${v}': give a product type of 1–50 printable characters, e.g. "Cisco 7942"`);
  return v;
}

export function checkProtocol(v: string): DeviceProtocol {
  const up = v.toUpperCase();
  if (up !== "SIP" && up !== "SCCP") throw new UsageError(`--protocol '${v}': use SIP or SCCP`);
  return up;
}

/** --capf-auth: our short name, CUCM's words or the config's number (host/shared/capfVocabulary.ts). */
export function checkCapfAuthMode(v: string): CapfAuthMode {
  const mode = parseCapfAuthMode(v);
  if (mode === undefined) throw new UsageError(`--capf-auth '${v}': use one of ${capfAuthModeChoices()}`);
  return mode;
}

export function checkKeySize(v: number): number {
  if (!KEY_SIZES.includes(v)) throw new UsageError(`--key-size ${v}: use one of ${KEY_SIZES.join(", ")} (bits of the phone's RSA key)`);
  return v;
}

export function checkCurve(v: string): Curve {
  if (!isCurve(v)) throw new UsageError(`--curve '${v}': use one of ${CURVES.join(", ")}`);
  return v;
}

export function checkLscDays(v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 7300) throw new UsageError(`--lsc-days ${v}: an LSC validity is 1–7300 days (whole days)`);
  return v;
}

function checkHash(v: string): SigningHash {
  const problem = signingHashProblem(v);
  if (problem !== undefined) throw new UsageError(`--hash '${v}': ${problem}`);
  return v as SigningHash;
}

function fromRow(r: ProfileRow): SecurityProfile {
  return { ...r, tftpencryptedconfig: r.tftpencryptedconfig === 1 };
}
