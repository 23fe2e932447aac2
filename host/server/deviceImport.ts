// Bulk import of devices (CUCM's Bulk Administration Tool): records from a source — a CSV
// file (deviceCsv.ts), and any other source that yields ImportedDevice records — are checked
// against the database first, then written in one transaction: all rows or none. Every
// error names where the record came from, the column and the fix.
import { UsageError } from "../shared/errors.js";
import { fixHints } from "../shared/fixHints.js";
import type { Db } from "./database.js";
import { CAPF_OPERATIONS, type CapfOperation, checkDeviceName, insertDevice, nextDirectoryNumber } from "./deviceStore.js";
import { checkDescription, listProfiles } from "./profileStore.js";

/** A certificate recorded as if CAPF had installed it. */
export interface ImportedCertificate {
  der: Uint8Array;
  publicKeyDer: Uint8Array;
  md5hash: string;
}

export interface ImportedDevice {
  /** where the record came from, for messages, e.g. "phones.csv line 4" */
  where: string;
  name: string;
  profile: string;
  /** directory number; empty = the next free one */
  directorynumber?: string;
  description?: string;
  certificate?: ImportedCertificate;
  /** CAPF operation to schedule; default none */
  capf?: string;
}

export interface ImportSummary {
  imported: number;
  withCertificate: number;
  /** devices per scheduled CAPF operation */
  capf: Record<CapfOperation, number>;
}

/** A record the import refuses: `where`, `column` and the fix in one message. */
export function importError(where: string, column: string, problem: string): UsageError {
  return new UsageError(`${where}, column ${column}: ${problem}`);
}

/** Checks every record, then inserts them all in one transaction. Throws (changing nothing) on the first bad record. */
export function importDevices(db: Db, records: readonly ImportedDevice[]): ImportSummary {
  const profiles = new Map(listProfiles(db).map((p) => [p.name.toLowerCase(), p]));
  const existing = new Set(
    db
      .prepare<{ name: string }>("SELECT name FROM device")
      .all()
      .map((r) => r.name),
  );
  const seen = new Map<string, string>();
  let next = Number(nextDirectoryNumber(db));
  const rows = records.map((r) => {
    try {
      checkDeviceName(r.name);
    } catch (e) {
      throw importError(r.where, "name", (e as Error).message);
    }
    if (existing.has(r.name)) throw importError(r.where, "name", `${r.name} already exists — remove the row, or use 'device edit ${r.name}' for it`);
    const first = seen.get(r.name);
    if (first) throw importError(r.where, "name", `${r.name} is also on ${first} — a device appears once per import`);
    seen.set(r.name, r.where);
    const profile = profiles.get(r.profile.toLowerCase());
    if (!profile)
      throw importError(
        r.where,
        "profile",
        `no profile named '${r.profile}' — '${fixHints.listProfiles().text}' shows the profiles there are (add one first, or name one of those)`,
      );
    const capf = r.capf === undefined || r.capf === "" ? "none" : r.capf;
    if (!(CAPF_OPERATIONS as readonly string[]).includes(capf))
      throw importError(r.where, "capf", `'${capf}': use one of ${CAPF_OPERATIONS.join(", ")} (or leave it empty)`);
    if (r.description !== undefined && r.description !== "") {
      try {
        checkDescription(r.description);
      } catch {
        throw importError(r.where, "description", "give up to 200 characters, without control characters or line breaks");
      }
    }
    let dn = r.directorynumber ?? "";
    if (dn === "") dn = String(next++);
    else if (!/^[0-9]{1,24}$/.test(dn))
      throw importError(r.where, "line", `'${dn}': a directory number is 1–24 digits (or leave it empty for the next free one)`);
    else next = Math.max(next, Number(dn) + 1);
    return { ...r, capf: capf as CapfOperation, directorynumber: dn, fkprofile: profile.pkid };
  });
  const insert = insertDevice(db);
  const summary: ImportSummary = { imported: rows.length, withCertificate: 0, capf: { none: 0, install: 0, fetch: 0, delete: 0 } };
  db.transaction(() => {
    for (const r of rows) {
      insert({
        name: r.name,
        fkprofile: r.fkprofile,
        directorynumber: r.directorynumber,
        description: r.description || undefined,
        certificate: r.certificate,
        capfoperation: r.capf,
      });
      if (r.certificate) summary.withCertificate++;
      summary.capf[r.capf]++;
    }
  })();
  return summary;
}
