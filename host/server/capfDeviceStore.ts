// The CAPF service's view of the device table: a device's CAPF settings (its own, else its
// profile's), and the outcome of a session recorded in one transaction — certificate,
// public key and md5hash together with the operation set back to none.
import { isDeviceName } from "../shared/deviceNames.js";
import type { CapfCompletion, CapfDevice, CapfStore } from "./capfService.js";
import type { Db } from "./database.js";
import { findDevice } from "./deviceStore.js";

/** The CapfStore over SQLite: synchronous, as better-sqlite3 is. */
export function capfDeviceStore(db: Db): CapfStore {
  const record = db.prepare("UPDATE device SET certificate = ?, publickey = ?, md5hash = ?, capfoperation = 'none' WHERE name = ?");
  const forget = db.prepare("UPDATE device SET certificate = NULL, publickey = NULL, md5hash = NULL, capfoperation = 'none' WHERE name = ?");
  const complete = db.transaction((name: string, c: CapfCompletion) => {
    const result = "deleted" in c ? forget.run(name) : record.run(c.certificateDer, c.publicKeyDer, c.md5hash, name);
    if (result.changes !== 1) throw new Error(`CAPF: device ${name} vanished before its outcome could be recorded`);
  });
  return {
    findDevice(name: string): CapfDevice | undefined {
      // The name a client sends must be a device name as stored, exactly (a variant is no device).
      const d = isDeviceName(name) ? findDevice(db, name) : undefined;
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
      };
    },
    completeOperation(name: string, c: CapfCompletion): void {
      complete(name, c);
    },
  };
}
