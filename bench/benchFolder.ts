// A data folder for the server bench sections: an encrypted-config profile and devices, each
// recorded with an RSA-2048 certificate as CAPF would (a few certificates shared, as lab fleets
// do), imported in one transaction through the import path. Lives outside sections/: bench.ts loads every file there as a section.
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { type ImportedCertificate, importDevices } from "../host/server/deviceImport.js";
import { readLabPki } from "../host/server/labPki.js";
import { addProfile, type ProfileChanges } from "../host/server/profileStore.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";

export interface BenchFolder {
  dir: string;
  data: string;
  db: Db;
  close(): void;
}

/** Devices `names` in profile "Encrypted" (in `database`, a PostgreSQL URL, when given); `certificates` distinct RSA-2048 certificates (0 = none recorded); `capf` scheduled for each. */
export async function benchFolder(
  names: string[],
  o: { certificates?: number; capf?: string; profile?: ProfileChanges; database?: string } = {},
): Promise<BenchFolder> {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-bench-"));
  const data = join(dir, "data");
  initDataFolder(data, undefined, undefined, o.database === undefined ? undefined : { url: o.database, node: "bench-a" });
  const db = openDatabase(data);
  addProfile(db, "Encrypted", { tftpencryptedconfig: true, ...o.profile });
  const pki = readLabPki(data);
  const certs: ImportedCertificate[] = Array.from({ length: o.certificates ?? 4 }, (_, i) => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = createCertificate({ subject: [["CN", `bench phone ${i}`]], publicKey: pair.publicKey, issuer: pki.capf });
    return { der, publicKeyDer: pair.publicKey.export({ type: "spki", format: "der" }), md5hash: createHash("md5").update(der).digest("hex") };
  });
  importDevices(
    db,
    names.map((name, i) => ({
      where: `bench row ${i}`,
      name,
      profile: "Encrypted",
      certificate: certs.length ? certs[i % certs.length] : undefined,
      capf: o.capf,
    })),
  );
  return {
    dir,
    data,
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
