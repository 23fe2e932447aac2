// `server init`: a new data folder with the database and the lab PKI. An existing
// folder is used only when empty, so init never overwrites a cluster's keys or devices.
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { IoError, UsageError } from "../shared/errors.js";
import { createDatabase, type Db, databasePath } from "./database.js";
import { createLabPki, type LabPki, pkiDir, writeLabPki } from "./labPki.js";

export const DEFAULT_ADVERTISE = "127.0.0.1";

/**
 * Makes the folder; `imported` (server init --import-pki, already checked) replaces the new SAST,
 * TFTP and CAPF certificates and keys — the lab MIC CA is made either way.
 */
export function initDataFolder(dataDir: string, advertise = DEFAULT_ADVERTISE, imported?: Partial<Pick<LabPki, "sast" | "tftp" | "capf">>): void {
  checkAdvertise(advertise);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new IoError(`${dataDir}: the data folder exists and is not empty — refusing to overwrite it; choose another --data or remove it first`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // an existing empty folder keeps its mode otherwise (0755 seen): it holds the keys
  mkdirSync(pkiDir(dataDir), { mode: 0o700 });
  writeLabPki(dataDir, { ...createLabPki(advertise), ...imported });
  const db = createDatabase(dataDir);
  chmodSync(databasePath(dataDir), 0o600); // it holds the phones' SIP and SSH passwords
  try {
    setAdvertisedHost(db, advertise);
  } finally {
    db.close();
  }
}

/** The host phones are told to reach (capfList processNodeName, call manager). */
export function advertisedHost(db: Db): string {
  const row = db.prepare<{ name: string }>("SELECT name FROM processnode ORDER BY pkid LIMIT 1").get();
  return row?.name ?? DEFAULT_ADVERTISE;
}

export function setAdvertisedHost(db: Db, host: string): void {
  checkAdvertise(host);
  db.transaction(() => {
    db.exec("DELETE FROM processnode");
    db.prepare("INSERT INTO processnode (name) VALUES (?)").run(host);
  })();
}

function checkAdvertise(host: string): void {
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) {
    throw new UsageError(`--advertise '${host}': give the address phones use to reach this server (an IP address or host name)`);
  }
}
