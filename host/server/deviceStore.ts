// Devices (the phone page): add, list, schedule a CAPF operation, and read one with its
// profile's settings applied where the device has no override of its own.
import { randomBytes, randomInt } from "node:crypto";
import { type CertificateOperationStatus, DEFAULT_OPERATION_DAYS, GENERATED_AUTH_STRING_DIGITS } from "../shared/capfStatus.js";
import {
  type CapfAuthMode,
  type CapfOperation,
  type Curve,
  capfOperationChoices,
  isAuthenticationString,
  parseCapfOperation,
} from "../shared/capfVocabulary.js";
import { canonicalDeviceName, checkDeviceName, deviceClassOf } from "../shared/deviceNames.js";
import { UsageError } from "../shared/errors.js";
import type { Db } from "./database.js";
import { globMatch, globValue, integerOf, noLimit } from "./db/dialect.js";
import { checkCurve, checkDescription, checkKeySize, findProfile, requireProfile, type SecurityProfile } from "./profileStore.js";

export { CAPF_OPERATIONS, type CapfOperation } from "../shared/capfVocabulary.js";

export interface Device {
  name: string;
  description: string;
  profile: SecurityProfile;
  /** lowercase hex MD5 of the certificate CAPF recorded, or null */
  md5hash: string | null;
  certificate: Uint8Array | null;
  publickey: Uint8Array | null;
  capfoperation: CapfOperation;
  /** effective: the device's own mode, else the profile's */
  capfauthmode: CapfAuthMode;
  authenticationstring: string | null;
  /** effective key: an RSA size or an EC curve (exactly one is set) */
  keysize: number | null;
  keycurve: Curve | null;
  loadinformation: string;
  directorynumber: string;
  sipauthname: string;
  sippassword: string;
  sshuserid: string;
  sshpassword: string;
  /** "Operation Completes By" (ISO 8601 UTC) of the scheduled operation, or null */
  capfoperationdeadline: string | null;
  /**
   * Certificate Operation Status (capfStatus.ts) as recorded at the last session outcome — except
   * that a pending operation whose deadline has passed shows as operationTimedOut at once.
   */
  certificateOperationStatus: CertificateOperationStatus;
  /** when that status was recorded (ISO 8601 UTC), or null */
  certificateoperationstatusat: string | null;
  /** the recorded certificate's validity (ISO 8601 UTC), or null */
  lscnotbefore: string | null;
  lscnotafter: string | null;
}

/** A row as stored: blobs as Buffers, the device's own CAPF overrides (null = the profile's). */
type DeviceRow = Omit<Device, "profile" | "certificate" | "publickey" | "capfauthmode" | "certificateOperationStatus"> & {
  profilename: string;
  certificate: Buffer | null;
  publickey: Buffer | null;
  capfauthmode: CapfAuthMode | null;
  certificateoperationstatus: CertificateOperationStatus;
};

/** Throws a UsageError saying how a device name must look (every class). Returns the name. */
export { checkDeviceName } from "../shared/deviceNames.js";

export interface NewDevice {
  profile: string;
  description?: string;
  directorynumber?: string;
}

export function addDevice(db: Db, name: string, d: NewDevice): Device {
  checkDeviceName(name);
  const profile = requireProfile(db, d.profile);
  if (findDevice(db, name)) throw new UsageError(`device ${name} already exists — 'device list' shows it`);
  const dn = checkDirectoryNumber(d.directorynumber ?? nextDirectoryNumber(db));
  insertDevice(db)({ name, fkprofile: profile.pkid, directorynumber: dn, description: checkDescription(d.description ?? defaultDescription(name)) });
  return requireDevice(db, name);
}

/** A checked new row: what `device add` and `device import` write. */
export interface DeviceInsert {
  name: string;
  fkprofile: number;
  directorynumber: string;
  description?: string;
  /** recorded as if CAPF had installed it */
  certificate?: { der: Uint8Array; publicKeyDer: Uint8Array; md5hash: string };
  capfoperation?: CapfOperation;
}

/** One prepared INSERT for many rows (the caller holds the transaction); the line's passwords are random. */
export function insertDevice(db: Db): (row: DeviceInsert) => void {
  const insert = db.prepare(
    `INSERT INTO device (name, description, fkphonesecurityprofile, directorynumber, sipauthname, sippassword, sshpassword,
       certificate, publickey, md5hash, capfoperation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (r) => {
    const c = r.certificate;
    insert.run(
      r.name,
      r.description ?? defaultDescription(r.name),
      r.fkprofile,
      r.directorynumber,
      r.directorynumber,
      secret(),
      secret(),
      c ? Buffer.from(c.der) : null,
      c ? Buffer.from(c.publicKeyDer) : null,
      c?.md5hash ?? null,
      r.capfoperation ?? "none",
    );
  };
}

export interface DeviceFilter {
  /** a glob on the name (* any characters, ? one); without a wildcard, a name prefix */
  name?: string;
  /** at most this many, in name order */
  limit?: number;
}

export function listDevices(db: Db, filter: DeviceFilter = {}): Device[] {
  const pattern = filter.name === undefined ? "*" : /[*?[]/.test(filter.name) ? filter.name.toUpperCase() : `${filter.name.toUpperCase()}*`;
  const profiles = new Map<string, SecurityProfile>();
  return db
    .prepare<DeviceRow>(`${SELECT_DEVICE} WHERE ${globMatch(db, "d.name")} ORDER BY d.name LIMIT ?`)
    .all(globValue(db, pattern), filter.limit ?? noLimit(db))
    .map((r) => fromRow(db, r, profiles));
}

export function findDevice(db: Db, name: string): Device | undefined {
  const row = db.prepare<DeviceRow>(`${SELECT_DEVICE} WHERE d.name = ?`).get(name);
  return row ? fromRow(db, row) : undefined;
}

/** An existing device by the name an administrator typed, matched case-insensitively. */
export function requireDevice(db: Db, typed: string): Device {
  const name = canonicalDeviceName(typed) ?? checkDeviceName(typed);
  const d = findDevice(db, name);
  if (!d) throw new UsageError(`no device named ${name} — 'device add ${name} --profile NAME' creates it`);
  return d;
}

export interface CapfChange {
  operation: string;
  /** switches the device to by-authentication-string; "generate" makes one of 8 random digits */
  authString?: string;
  /** "Operation Completes By", ISO 8601 with a zone (e.g. 2026-12-24T18:00:00Z); default now + 7 days */
  until?: string;
  /** the clock (tests) */
  now?: Date;
  authMode?: CapfAuthMode;
  keySize?: number;
  curve?: string;
}

/** Schedules a CAPF operation (Certificate Operation on the phone page). */
export function setCapfOperation(db: Db, typed: string, c: CapfChange): Device {
  const name = requireDevice(db, typed).name;
  const operation = parseCapfOperation(c.operation);
  if (operation === undefined) throw new UsageError(`operation '${c.operation}': use one of ${capfOperationChoices()}`);
  const authString = c.authString === "generate" ? generateAuthString() : c.authString;
  if (authString !== undefined && !isAuthenticationString(authString)) {
    throw new UsageError(`--auth-string: an authentication string is 4–16 digits (the user types it on the phone's keypad), or 'generate'`);
  }
  if (c.keySize !== undefined && c.curve !== undefined) throw new UsageError("--key-size and --curve exclude each other: give one");
  const mode = authString !== undefined ? "string" : c.authMode;
  const now = c.now ?? new Date();
  const deadline = operation === "none" ? null : operationDeadline(c.until, now);
  db.transaction(() => {
    db.prepare("UPDATE device SET capfoperation = ?, capfoperationdeadline = ? WHERE name = ?").run(operation, deadline, name);
    // Scheduling opens an operation (Operation Pending); clearing it leaves the last outcome shown.
    if (operation !== "none") {
      db.prepare("UPDATE device SET certificateoperationstatus = 'operationPending', certificateoperationstatusat = ? WHERE name = ?").run(
        now.toISOString(),
        name,
      );
    } else {
      db.prepare("UPDATE device SET certificateoperationstatus = 'none' WHERE name = ? AND certificateoperationstatus = 'operationPending'").run(name);
    }
    if (mode !== undefined) db.prepare("UPDATE device SET capfauthmode = ? WHERE name = ?").run(mode, name);
    if (authString !== undefined) db.prepare("UPDATE device SET authenticationstring = ? WHERE name = ?").run(authString, name);
    if (c.keySize !== undefined) db.prepare("UPDATE device SET keysize = ?, keycurve = NULL WHERE name = ?").run(checkKeySize(c.keySize), name);
    if (c.curve !== undefined) db.prepare("UPDATE device SET keysize = NULL, keycurve = ? WHERE name = ?").run(checkCurve(c.curve), name);
  })();
  const d = requireDevice(db, name);
  if (d.capfauthmode === "string" && !d.authenticationstring) {
    throw new UsageError(`${name} authenticates by string but has none: add --auth-string DIGITS`);
  }
  return d;
}

/** A random authentication string of GENERATED_AUTH_STRING_DIGITS digits (CUCM: 4–10), uniformly drawn. */
export function generateAuthString(): string {
  let digits = "";
  for (let i = 0; i < GENERATED_AUTH_STRING_DIGITS; i++) digits += String(randomInt(10));
  return digits;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The deadline as ISO 8601 UTC: `until` checked, else `now` + DEFAULT_OPERATION_DAYS. `field`
 * names where the time came from in the message (`--until`, or the page's Operation Completes By).
 */
export function operationDeadline(until: string | undefined, now: Date, field = "--until"): string {
  if (until === undefined) return new Date(now.getTime() + DEFAULT_OPERATION_DAYS * 86_400_000).toISOString();
  const at = ISO_8601.test(until) ? new Date(until) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new UsageError(`${field} '${until.slice(0, 40)}': give a time in ISO 8601 with its zone, e.g. 2026-12-24T18:00:00Z`);
  }
  return at.toISOString();
}

/**
 * A deadline an administrator gives for an operation scheduled now: well-formed (operationDeadline)
 * and not already passed — `device capf --until` and the phone page's Operation Completes By.
 */
export function futureDeadline(until: string, now: Date, field = "--until"): string {
  const at = operationDeadline(until, now, field);
  if (new Date(at) <= now) {
    const example = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 19);
    throw new UsageError(`${field} ${until.slice(0, 40)}: that time has passed — give a time in the future, e.g. ${example}Z`);
  }
  return at;
}

/** The status shown: a pending operation past its deadline is timed out, whether or not a session saw it. */
export function effectiveStatus(recorded: CertificateOperationStatus, deadline: string | null, now: Date = new Date()): CertificateOperationStatus {
  return recorded === "operationPending" && deadline !== null && new Date(deadline) < now ? "operationTimedOut" : recorded;
}

/** What `device edit` may change: everything `device add` sets. */
export interface DeviceEdit {
  profile?: string;
  description?: string;
  directorynumber?: string;
}

/** Edits a device's profile, description and line (Device Information on the phone page). */
export function editDevice(db: Db, typed: string, e: DeviceEdit): Device {
  const name = requireDevice(db, typed).name;
  const profile = e.profile === undefined ? undefined : requireProfile(db, e.profile);
  if (e.directorynumber !== undefined) checkDirectoryNumber(e.directorynumber);
  if (e.description !== undefined) checkDescription(e.description);
  db.transaction(() => {
    if (profile) db.prepare("UPDATE device SET fkphonesecurityprofile = ? WHERE name = ?").run(profile.pkid, name);
    if (e.description !== undefined) db.prepare("UPDATE device SET description = ? WHERE name = ?").run(e.description, name);
    if (e.directorynumber !== undefined) {
      db.prepare("UPDATE device SET directorynumber = ?, sipauthname = ? WHERE name = ?").run(e.directorynumber, e.directorynumber, name);
    }
  })();
  return requireDevice(db, name);
}

/** Deletes a device; its files are no longer served from the next request on (the renderer reads the table). */
export function deleteDevice(db: Db, typed: string): Device {
  const d = requireDevice(db, typed);
  db.prepare("DELETE FROM device WHERE name = ?").run(d.name);
  return d;
}

/** Assigns another security profile (Device Security Profile on the phone page). */
export function setDeviceProfile(db: Db, typed: string, profileName: string): Device {
  const name = requireDevice(db, typed).name;
  const profile = requireProfile(db, profileName);
  db.prepare("UPDATE device SET fkphonesecurityprofile = ? WHERE name = ?").run(profile.pkid, name);
  return requireDevice(db, name);
}

/** Sets the device's Description (free text: pages and reports escape it). */
export function setDeviceDescription(db: Db, name: string, description: string): Device {
  requireDevice(db, name);
  db.prepare("UPDATE device SET description = ? WHERE name = ?").run(checkDescription(description), name);
  return requireDevice(db, name);
}

const SELECT_DEVICE = `SELECT d.*, p.name AS profilename FROM device d JOIN phonesecurityprofile p ON p.pkid = d.fkphonesecurityprofile`;

/** `profiles` caches profiles by name across the rows of one listing. */
function fromRow(db: Db, r: DeviceRow, profiles?: Map<string, SecurityProfile>): Device {
  let profile = profiles?.get(r.profilename);
  if (!profile) {
    profile = findProfile(db, r.profilename)!;
    profiles?.set(r.profilename, profile);
  }
  const ownKey = r.keysize !== null || r.keycurve !== null;
  return {
    name: r.name,
    description: r.description,
    profile,
    md5hash: r.md5hash,
    certificate: r.certificate ? new Uint8Array(r.certificate) : null,
    publickey: r.publickey ? new Uint8Array(r.publickey) : null,
    capfoperation: r.capfoperation,
    capfauthmode: r.capfauthmode ?? profile.capfauthmode,
    authenticationstring: r.authenticationstring,
    keysize: ownKey ? r.keysize : profile.keysize,
    keycurve: ownKey ? r.keycurve : profile.keycurve,
    loadinformation: r.loadinformation,
    directorynumber: r.directorynumber,
    sipauthname: r.sipauthname,
    sippassword: r.sippassword,
    sshuserid: r.sshuserid,
    sshpassword: r.sshpassword,
    capfoperationdeadline: r.capfoperationdeadline,
    certificateOperationStatus: effectiveStatus(r.certificateoperationstatus, r.capfoperationdeadline),
    certificateoperationstatusat: r.certificateoperationstatusat,
    lscnotbefore: r.lscnotbefore,
    lscnotafter: r.lscnotafter,
  };
}

/** "Lab phone A45630BBFA40" for a SEP phone (as before), "Lab Jabber for desktop (softphone) CSFJSMITH" otherwise. */
function defaultDescription(name: string): string {
  const c = deviceClassOf(name)!;
  return c.id === "sep" ? `Lab phone ${name.slice(c.prefix.length)}` : `Lab ${c.what} ${name}`;
}

function checkDirectoryNumber(dn: string): string {
  if (!/^[0-9]{1,24}$/.test(dn)) throw new UsageError(`--line '${dn.slice(0, 30)}': a directory number is 1–24 digits`);
  return dn;
}

/** The directory number after the highest in use (from 1001). */
export function nextDirectoryNumber(db: Db): string {
  const row = db.prepare<{ top: number | null }>(`SELECT MAX(${integerOf(db, "directorynumber")}) AS top FROM device`).get();
  return String(Math.max(1000, row?.top ?? 1000) + 1);
}

/** A random password for the SIP line and SSH (the secrets that make the config worth encrypting). */
function secret(): string {
  return randomBytes(12).toString("base64url") + randomInt(10);
}
