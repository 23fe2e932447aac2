// Migration from the open CAPF server Asterisk deployments use (capfd): its SQLite table
//   devices(device_name TEXT PRIMARY KEY, operation TEXT NOT NULL, authentication TEXT,
//           password TEXT, key_size INTEGER, curve_name TEXT, certificate TEXT,
//           serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT)
// becomes device rows of one profile: the operation, the authentication mode (password →
// by authentication string, "no password" → null string, certificate → by existing LSC),
// the key, and the certificate (PEM, stored as a BLOB by capfd; text accepted) with the md5hash
// phones compute (MD5 of its DER). Every row is read and checked first; one unreadable row is
// named and nothing is imported.
import { createHash, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { AUTH_STRING_RULE, CAPF_OPERATIONS, isAuthenticationString, isCapfOperation } from "../shared/capfVocabulary.js";
import { checkDeviceName } from "../shared/deviceNames.js";
import { IoError, UsageError } from "../shared/errors.js";
import type { Db } from "./database.js";
import { addDevice, findDevice, operationDeadline } from "./deviceStore.js";
import { type CapfAuthMode, type Curve, checkKeySize, requireProfile } from "./profileStore.js";

interface CapfdRow {
  device_name: unknown;
  operation: unknown;
  authentication: unknown;
  password: unknown;
  key_size: unknown;
  curve_name: unknown;
  certificate: unknown;
}

/** One device as it will be stored. */
export interface ImportedDevice {
  name: string;
  operation: "install" | "fetch" | "delete" | "none";
  authMode: CapfAuthMode;
  authString: string | null;
  keySize: number | null;
  curve: Curve | null;
  certificateDer: Buffer | null;
}

/** A row that cannot be imported: which, and why. */
export class CapfdRowError extends Error {}

const MAX_ROWS = 100_000;
const AUTH: Record<string, CapfAuthMode> = { password: "string", "no password": "null", certificate: "lsc" };
const CURVES: Record<string, Curve> = {
  secp256r1: "secp256r1",
  prime256v1: "secp256r1",
  "p-256": "secp256r1",
  secp384r1: "secp384r1",
  "p-384": "secp384r1",
  secp521r1: "secp521r1",
  "p-521": "secp521r1",
};

/** Reads and checks every row of FILE's devices table; throws CapfdRowError naming the first bad row. */
export function readCapfdDevices(file: string): ImportedDevice[] {
  if (!existsSync(file)) throw new IoError(`--from-capfd ${file}: no such file`);
  let source: Database.Database;
  try {
    source = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new IoError(`--from-capfd ${file}: not a SQLite database (${(e as Error).message})`);
  }
  try {
    let rows: CapfdRow[];
    try {
      rows = source
        .prepare<CapfdRow>(`SELECT device_name, operation, authentication, password, key_size, curve_name, certificate FROM devices LIMIT ${MAX_ROWS + 1}`)
        .all();
    } catch (e) {
      throw new IoError(`--from-capfd ${file}: no capfd devices table with the expected columns (${(e as Error).message})`);
    }
    if (rows.length > MAX_ROWS) throw new IoError(`--from-capfd ${file}: more than ${MAX_ROWS} devices; import it in parts`);
    return rows.map((r, i) => {
      try {
        return readRow(r);
      } catch (e) {
        const name = typeof r.device_name === "string" ? ` (${printable(r.device_name)})` : "";
        throw new CapfdRowError(`${file}: row ${i + 1}${name}: ${(e as Error).message}; nothing was imported`);
      }
    });
  } finally {
    source.close();
  }
}

function readRow(r: CapfdRow): ImportedDevice {
  if (typeof r.device_name !== "string") throw new Error("device_name is not text");
  const name = checkDeviceName(r.device_name);
  const operation = text(r.operation, "operation");
  if (!isCapfOperation(operation)) throw new Error(`operation '${printable(operation)}' is not ${CAPF_OPERATIONS.join(", ")}`);
  const authentication = r.authentication === null ? "no password" : text(r.authentication, "authentication");
  const authMode = AUTH[authentication];
  if (!authMode) throw new Error(`authentication '${printable(authentication)}' is not password, no password or certificate`);
  const authString = authMode === "string" ? text(r.password, "password") : null;
  if (authString !== null && !isAuthenticationString(authString)) throw new Error(`password is not 4–16 digits (${AUTH_STRING_RULE})`);
  const curveName = r.curve_name === null ? null : text(r.curve_name, "curve_name").toLowerCase();
  const curve = curveName === null ? null : CURVES[curveName];
  if (curve === undefined) throw new Error(`curve_name '${printable(curveName!)}' is not secp256r1, secp384r1 or secp521r1`);
  let keySize: number | null = null;
  if (curve === null && r.key_size !== null) {
    if (typeof r.key_size !== "number" && typeof r.key_size !== "bigint") throw new Error("key_size is not an integer");
    keySize = checkKeySize(Number(r.key_size));
  }
  return { name, operation, authMode, authString, keySize, curve, certificateDer: certificateOf(r.certificate) };
}

/** capfd stores the PEM as a BLOB; text is accepted too. */
function certificateOf(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  const pem = Buffer.isBuffer(value) ? value.toString("latin1") : typeof value === "string" ? value : undefined;
  if (pem === undefined) throw new Error("certificate is neither a BLOB nor text");
  if (pem.trim() === "") return null;
  try {
    return new X509Certificate(pem).raw;
  } catch (e) {
    throw new Error(`certificate is not a PEM certificate (${(e as Error).message})`);
  }
}

function text(v: unknown, column: string): string {
  if (typeof v === "string") return v;
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  throw new Error(`${column} is missing or not text`);
}

function printable(s: string): string {
  const p = s.replace(/[^\x20-\x7e]/g, "?");
  return p.length > 40 ? `${p.slice(0, 40)}…` : p;
}

/** Stores the devices under `profile` in one transaction; a name already present refuses the whole import. */
export function importCapfdDevices(db: Db, devices: ImportedDevice[], profileName: string): number {
  requireProfile(db, profileName);
  const seen = new Set<string>();
  for (const d of devices) {
    if (findDevice(db, d.name) || seen.has(d.name)) throw new UsageError(`device ${d.name} already exists (or is listed twice): nothing was imported`);
    seen.add(d.name);
  }
  const setCapf = db.prepare(
    `UPDATE device SET capfoperation = ?, capfauthmode = ?, authenticationstring = ?, keysize = ?, keycurve = ?,
       certificate = ?, publickey = ?, md5hash = ?, lscnotbefore = ?, lscnotafter = ?,
       certificateoperationstatus = ?, certificateoperationstatusat = ?, capfoperationdeadline = ? WHERE name = ?`,
  );
  const at = new Date();
  const now = at.toISOString();
  const deadline = operationDeadline(undefined, at);
  db.transaction(() => {
    for (const d of devices) {
      addDevice(db, d.name, { profile: profileName, description: `Imported from capfd: ${d.name}` });
      const cert = d.certificateDer ? new X509Certificate(d.certificateDer) : undefined;
      const ownKey = d.keySize !== null || d.curve !== null;
      setCapf.run(
        d.operation,
        d.authMode,
        d.authString,
        ownKey ? d.keySize : null,
        ownKey ? d.curve : null,
        d.certificateDer,
        cert ? cert.publicKey.export({ type: "spki", format: "der" }) : null,
        d.certificateDer ? createHash("md5").update(d.certificateDer).digest("hex") : null,
        cert ? new Date(cert.validFrom).toISOString() : null,
        cert ? new Date(cert.validTo).toISOString() : null,
        d.operation === "none" ? "none" : "operationPending",
        d.operation === "none" ? null : now,
        d.operation === "none" ? null : deadline,
        d.name,
      );
    }
  })();
  return devices.length;
}
