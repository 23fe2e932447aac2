// The CAPF service's view of the device table: a device's CAPF settings (its own, else its
// profile's), and the outcome of a session recorded in one transaction — certificate, public
// key, md5hash and the LSC's validity together with the operation set back to none and the
// Certificate Operation Status (capfStatus.ts) with its time. Failures record their status too.
import { X509Certificate } from "node:crypto";
import { type CertificateOperationStatus, SUCCESS_STATUS } from "../shared/capfStatus.js";
import { canonicalDeviceName } from "../shared/deviceNames.js";
import type { CapfCompletion, CapfDevice, CapfStore } from "./capfService.js";
import type { Db } from "./database.js";
import { findDevice } from "./deviceStore.js";

/** The CapfStore over SQLite: synchronous, as better-sqlite3 is. */
export interface SqliteCapfStore extends CapfStore {
  findDevice(name: string): CapfDevice | undefined;
  completeOperation(name: string, completion: CapfCompletion, scheduled?: CapfDevice["operation"]): void;
  recordStatus(name: string, status: CertificateOperationStatus, at?: Date): void;
}

/** Another session (on this node or another) recorded this device's outcome first. */
export class CapfOutcomeSupersededError extends Error {
  constructor(name: string, scheduled: string, now: string | undefined) {
    super(`CAPF: outcome superseded — ${name}'s ${scheduled} operation was completed by another session first (now ${now ?? "no device"}); nothing recorded`);
    this.name = "CapfOutcomeSupersededError";
  }
}

/** Unknown names kept for `report capf`; the oldest go first beyond this. */
const MAX_UNKNOWN_DEVICES = 1000;

export function capfDeviceStore(db: Db): SqliteCapfStore {
  // The row is locked (PostgreSQL: FOR UPDATE; SQLite takes the one write lock) before the
  // operation is read, so of two nodes finishing the same device's session at once one records
  // and the other finds the operation done and ends by name (CapfOutcomeSupersededError).
  const operationOf = db.prepare<{ capfoperation: keyof typeof SUCCESS_STATUS | "none" }>(
    `SELECT capfoperation FROM device WHERE name = ?${db.engine === "postgres" ? " FOR UPDATE" : ""}`,
  );
  const record = db.prepare(
    `UPDATE device SET certificate = ?, publickey = ?, md5hash = ?, lscnotbefore = ?, lscnotafter = ?, capfoperation = 'none',
       capfoperationdeadline = NULL WHERE name = ?`,
  );
  const forget = db.prepare(
    `UPDATE device SET certificate = NULL, publickey = NULL, md5hash = NULL, lscnotbefore = NULL, lscnotafter = NULL, capfoperation = 'none',
       capfoperationdeadline = NULL WHERE name = ?`,
  );
  const setStatus = db.prepare("UPDATE device SET certificateoperationstatus = ?, certificateoperationstatusat = ? WHERE name = ?");
  const sawUnknown = db.prepare(
    `INSERT INTO capfunknowndevice (name, lastseen, sessions) VALUES (?, ?, 1)
     ON CONFLICT (name) DO UPDATE SET lastseen = excluded.lastseen, sessions = sessions + 1`,
  );
  const trimUnknown = db.prepare(
    `DELETE FROM capfunknowndevice WHERE name NOT IN (SELECT name FROM capfunknowndevice ORDER BY lastseen DESC LIMIT ${MAX_UNKNOWN_DEVICES})`,
  );
  const complete = db.transaction((name: string, c: CapfCompletion, scheduled: CapfDevice["operation"] | undefined) => {
    const operation = operationOf.get(name)?.capfoperation;
    if (scheduled && scheduled !== "none" && operation !== scheduled) throw new CapfOutcomeSupersededError(name, scheduled, operation);
    const result = "deleted" in c ? forget.run(name) : record.run(c.certificateDer, c.publicKeyDer, c.md5hash, ...validity(c.certificateDer), name);
    if (result.changes !== 1) throw new Error(`CAPF: device ${name} vanished before its outcome could be recorded`);
    if (operation && operation !== "none") setStatus.run(SUCCESS_STATUS[operation], new Date().toISOString(), name);
  });
  const unknown = db.transaction((name: string, at: string) => {
    sawUnknown.run(name, at);
    trimUnknown.run();
  });
  return {
    findDevice(name: string): CapfDevice | undefined {
      // CUCM's device names are case-insensitive: a client's name in any case finds the device
      // by the rule of its class (deviceNames.ts); the session then uses the canonical spelling.
      const canonical = canonicalDeviceName(name);
      const d = canonical ? findDevice(db, canonical) : undefined;
      if (!d) return undefined;
      return {
        name: d.name,
        operation: d.capfoperation,
        authMode: d.capfauthmode,
        authString: d.authenticationstring ?? undefined,
        keyType: d.keycurve ? "ec" : "rsa",
        keySize: d.keysize ?? undefined,
        curve: d.keycurve ?? undefined,
        certificateDer: d.certificate ? Buffer.from(d.certificate) : undefined,
        deadline: d.capfoperationdeadline ? new Date(d.capfoperationdeadline) : undefined,
        lscDays: d.profile.lscvaliditydays ?? undefined,
      };
    },
    completeOperation(name: string, c: CapfCompletion, scheduled?: CapfDevice["operation"]): void {
      complete(name, c, scheduled);
    },
    recordStatus(name: string, status: CertificateOperationStatus, at = new Date()): void {
      // An unknown device has no row: its (peer-supplied) name is kept, printable and capped, apart.
      if (status === "unknownDevice") unknown(name.replace(/[^\x20-\x7e]/g, "?").slice(0, 64), at.toISOString());
      else setStatus.run(status, at.toISOString(), canonicalDeviceName(name) ?? name);
    },
  };
}

/** The certificate's not-before and not-after as ISO 8601 UTC. */
function validity(der: Buffer): [string, string] {
  const c = new X509Certificate(der);
  return [new Date(c.validFrom).toISOString(), new Date(c.validTo).toISOString()];
}
