// `server init`: a new data folder with the database and the lab PKI. An existing
// folder is used only when empty, so init never overwrites a cluster's keys or devices.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { hostname } from "node:os";
import { IoError, UsageError } from "../shared/errors.js";
import { createDatabase, type Db, databasePath, openPostgres } from "./database.js";
import { checkDatabaseUrl, redactUrl, writeDatabasePointer } from "./db/databasePointer.js";
import { createLabPki, type LabPki, PKI_FILES, pkiDir, writeLabPki } from "./labPki.js";

export const DEFAULT_ADVERTISE = "127.0.0.1";

/**
 * Makes the folder; `imported` (server init --import-pki, already checked) replaces the new SAST,
 * TFTP and CAPF certificates and keys — the lab MIC CA is made either way.
 */
export function initDataFolder(
  dataDir: string,
  advertise = DEFAULT_ADVERTISE,
  imported?: Partial<Pick<LabPki, "sast" | "tftp" | "capf">>,
  database?: { url: string; node?: string },
): void {
  checkAdvertise(advertise);
  checkEmptyFolder(dataDir);
  if (database) return initClusterFolder(dataDir, advertise, imported, database);
  makeFolder(dataDir);
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

/**
 * `server init --database URL`: the schema and the PKI go into the (empty) PostgreSQL database;
 * the folder gets only the pointer (databasePointer.ts) naming this node.
 */
function initClusterFolder(
  dataDir: string,
  advertise: string,
  imported: Partial<Pick<LabPki, "sast" | "tftp" | "capf">> | undefined,
  database: { url: string; node?: string },
): void {
  const db = openPostgres(checkDatabaseUrl(database.url));
  try {
    if (clusterPkiCount(db) > 0) {
      throw new IoError(`${redactUrl(database.url)}: this database holds a cluster already — add a node to it with 'server join --data DIR --database URL'`);
    }
    const pki = { ...createLabPki(advertise), ...imported };
    makeFolder(dataDir);
    writeDatabasePointer(dataDir, database.url, { node: checkNodeName(database.node ?? defaultNodeName()), advertise });
    writeLabPki(dataDir, pki);
    setAdvertisedHost(db, advertise);
  } finally {
    db.close();
  }
}

/** `server join`: a folder for one more node of the cluster in that database (its PKI and settings stay there). */
export function joinDataFolder(dataDir: string, url: string, o: { advertise?: string; node?: string } = {}): { node: string; advertise: string } {
  checkEmptyFolder(dataDir);
  const db = openPostgres(checkDatabaseUrl(url));
  try {
    if (clusterPkiCount(db) < Object.keys(PKI_FILES).length) {
      throw new IoError(`${redactUrl(url)}: no cluster in this database (no PKI) — make one with 'server init --data DIR --database URL'`);
    }
    const advertise = o.advertise ?? advertisedHost(db);
    checkAdvertise(advertise);
    const identity = { node: checkNodeName(o.node ?? defaultNodeName()), advertise };
    makeFolder(dataDir);
    writeDatabasePointer(dataDir, url, identity);
    return identity;
  } finally {
    db.close();
  }
}

function clusterPkiCount(db: Db): number {
  return db.prepare<{ n: number }>("SELECT count(*) AS n FROM pkifile").get()?.n ?? 0;
}

function checkEmptyFolder(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new IoError(`${dataDir}: the data folder exists and is not empty — refusing to overwrite it; choose another --data or remove it first`);
  }
}

function makeFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // an existing empty folder keeps its mode otherwise (0755 seen): it holds the keys
}

/** This host's name and a random suffix: two nodes on one machine differ. */
function defaultNodeName(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9.-]/g, "-")
    .slice(0, 40)}-${randomBytes(3).toString("hex")}`;
}

function checkNodeName(name: string): string {
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(name)) throw new UsageError(`--node '${name.slice(0, 70)}': a node name is 1–64 letters, digits, dots and dashes`);
  return name;
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
