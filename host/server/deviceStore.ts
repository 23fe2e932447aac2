// Devices (the phone page): add, list, schedule a CAPF operation, and read one with its
// profile's settings applied where the device has no override of its own.
import { randomBytes, randomInt } from "node:crypto";
import { canonicalDeviceName, checkDeviceName, deviceClassOf } from "../shared/deviceNames.js";
import { UsageError } from "../shared/errors.js";
import type { Db } from "./database.js";
import {
  type CapfAuthMode,
  type Curve,
  checkCurve,
  checkDescription,
  checkKeySize,
  findProfile,
  requireProfile,
  type SecurityProfile,
} from "./profileStore.js";

export type CapfOperation = "none" | "install" | "fetch" | "delete";
export const CAPF_OPERATIONS: readonly CapfOperation[] = ["none", "install", "fetch", "delete"];

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
}

/** A row as stored: blobs as Buffers, the device's own CAPF overrides (null = the profile's). */
type DeviceRow = Omit<Device, "profile" | "certificate" | "publickey" | "capfauthmode"> & {
  profilename: string;
  certificate: Buffer | null;
  publickey: Buffer | null;
  capfauthmode: CapfAuthMode | null;
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
  const dn = d.directorynumber ?? nextDirectoryNumber(db);
  if (!/^[0-9]{1,24}$/.test(dn)) throw new UsageError(`--line '${dn}': a directory number is 1–24 digits`);
  db.prepare(
    `INSERT INTO device (name, description, fkphonesecurityprofile, directorynumber, sipauthname, sippassword, sshpassword)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(name, checkDescription(d.description ?? defaultDescription(name)), profile.pkid, dn, dn, secret(), secret());
  return requireDevice(db, name);
}

export function listDevices(db: Db): Device[] {
  return db
    .prepare<DeviceRow>(`${SELECT_DEVICE} ORDER BY d.name`)
    .all()
    .map((r) => fromRow(db, r));
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
  /** switches the device to by-authentication-string */
  authString?: string;
  authMode?: CapfAuthMode;
  keySize?: number;
  curve?: string;
}

/** Schedules a CAPF operation (Certificate Operation on the phone page). */
export function setCapfOperation(db: Db, typed: string, c: CapfChange): Device {
  const name = requireDevice(db, typed).name;
  if (!(CAPF_OPERATIONS as readonly string[]).includes(c.operation)) {
    throw new UsageError(`operation '${c.operation}': use one of ${CAPF_OPERATIONS.join(", ")}`);
  }
  if (c.authString !== undefined && !/^[0-9]{4,16}$/.test(c.authString)) {
    throw new UsageError(`--auth-string: an authentication string is 4–16 digits (the user types it on the phone's keypad)`);
  }
  if (c.keySize !== undefined && c.curve !== undefined) throw new UsageError("--key-size and --curve exclude each other: give one");
  const mode = c.authString !== undefined ? "string" : c.authMode;
  db.transaction(() => {
    db.prepare("UPDATE device SET capfoperation = ? WHERE name = ?").run(c.operation, name);
    if (mode !== undefined) db.prepare("UPDATE device SET capfauthmode = ? WHERE name = ?").run(mode, name);
    if (c.authString !== undefined) db.prepare("UPDATE device SET authenticationstring = ? WHERE name = ?").run(c.authString, name);
    if (c.keySize !== undefined) db.prepare("UPDATE device SET keysize = ?, keycurve = NULL WHERE name = ?").run(checkKeySize(c.keySize), name);
    if (c.curve !== undefined) db.prepare("UPDATE device SET keysize = NULL, keycurve = ? WHERE name = ?").run(checkCurve(c.curve), name);
  })();
  const d = requireDevice(db, name);
  if (d.capfauthmode === "string" && !d.authenticationstring) {
    throw new UsageError(`${name} authenticates by string but has none: add --auth-string DIGITS`);
  }
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

function fromRow(db: Db, r: DeviceRow): Device {
  const profile = findProfile(db, r.profilename)!;
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
  };
}

/** "Lab phone A45630BBFA40" for a SEP phone (as before), "Lab Jabber for desktop (softphone) CSFJSMITH" otherwise. */
function defaultDescription(name: string): string {
  const c = deviceClassOf(name)!;
  return c.id === "sep" ? `Lab phone ${name.slice(c.prefix.length)}` : `Lab ${c.what} ${name}`;
}

function nextDirectoryNumber(db: Db): string {
  const row = db.prepare<{ top: number | null }>("SELECT MAX(CAST(directorynumber AS INTEGER)) AS top FROM device").get();
  return String(Math.max(1000, row?.top ?? 1000) + 1);
}

/** A random password for the SIP line and SSH (the secrets that make the config worth encrypting). */
function secret(): string {
  return randomBytes(12).toString("base64url") + randomInt(10);
}
