// Opens the server's database for a data folder. A folder made by `server init` holds the
// SQLite file (WAL mode, so admin commands and a running server share it); one made with
// `--database URL` holds only a pointer to a PostgreSQL database (databasePointer.ts). Either
// way the schema is migrated to the current version and the caller gets one SqlDatabase.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../shared/errors.js";
import { fixHints } from "../shared/fixHints.js";
import { checkTlsFiles, readDatabasePointer, redactUrl } from "./db/databasePointer.js";
import { DatabaseCertificateError } from "./db/dbErrors.js";
import { PgDatabase } from "./db/pgEngine.js";
import { pgMigrate, pgUserVersion } from "./db/pgMigrate.js";
import type { SqlDatabase } from "./db/sqlDatabase.js";
import { openSqlite, type SqliteDatabase } from "./db/sqliteEngine.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export type Db = SqlDatabase;
export type { SqliteDatabase } from "./db/sqliteEngine.js";

export const DEFAULT_DATA_DIR = "./cnfguard-data";
export const DATABASE_FILE = "cnfguard.db";

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/**
 * Opens (never creates) the data folder's database. `readonly` opens it read-only at the
 * engine level, so no statement can write; otherwise pending migrations are run first.
 */
export function openDatabase(dataDir: string, options: { readonly?: boolean } = {}): Db {
  const url = readDatabasePointer(dataDir);
  if (url !== undefined) return openPostgres(url, options);
  const path = databasePath(dataDir);
  if (!existsSync(path)) {
    throw new IoError(`${path}: no database here — run '${fixHints.initDataFolder(dataDir).text}' first, or pass the right --data`);
  }
  const db = openSqlite(path, { readonly: options.readonly });
  if (options.readonly) {
    checkVersion(db, path);
    return db;
  }
  migrate(db);
  return db;
}

/** Opens a PostgreSQL database by URL: migrated, or for `readonly` checked to be at this build's version. */
export function openPostgres(url: string, options: { readonly?: boolean } = {}): PgDatabase {
  checkTlsFiles(url);
  let db: PgDatabase;
  try {
    db = new PgDatabase(url, { readonly: options.readonly });
  } catch (e) {
    if (e instanceof DatabaseCertificateError) throw e;
    throw new IoError(`${redactUrl(url)}: ${(e as Error).message} — is PostgreSQL running there, and may this user connect (pg_hba.conf)?`);
  }
  try {
    if (options.readonly) checkVersion(db, redactUrl(url));
    else pgMigrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Creates a new SQLite database file with the current schema (the caller made sure none exists). */
export function createDatabase(dataDir: string): SqliteDatabase {
  const db = openSqlite(databasePath(dataDir), { create: true });
  migrate(db);
  return db;
}

/** A read-only opening cannot migrate: it refuses a schema it does not know. */
function checkVersion(db: Db, where: string): void {
  const version = userVersion(db);
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new IoError(
      `${where}: schema version ${version}, this build reads ${SCHEMA_VERSION} — open it once with a write command (e.g. 'profile list') to migrate`,
    );
  }
}

/** Runs the migrations the database has not seen, each with its version bump in one transaction. */
export function migrate(db: Db): void {
  if (db instanceof PgDatabase) return pgMigrate(db);
  const sqlite = db as SqliteDatabase;
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new IoError(`database schema version ${from} is newer than this build's ${SCHEMA_VERSION}: upgrade cnfguard`);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      sqlite.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function userVersion(db: Db): number {
  if (db instanceof PgDatabase) return pgUserVersion(db);
  return (db as SqliteDatabase).pragma("user_version", { simple: true }) as number;
}
