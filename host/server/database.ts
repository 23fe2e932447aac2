// Opens the server's SQLite database in a data folder: WAL mode (so admin commands and a
// running server share it), foreign keys on, schema migrated to the current version.

import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { IoError } from "../shared/errors.js";
import { fixHints } from "../shared/fixHints.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export type Db = Database.Database;

export const DEFAULT_DATA_DIR = "./cnfguard-data";
export const DATABASE_FILE = "cnfguard.db";

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/**
 * Opens (never creates) the data folder's database. `readonly` opens it read-only at the
 * SQLite level, so no statement can write; otherwise pending migrations are run first.
 */
export function openDatabase(dataDir: string, options: { readonly?: boolean } = {}): Db {
  const path = databasePath(dataDir);
  if (!existsSync(path)) {
    throw new IoError(`${path}: no database here — run '${fixHints.initDataFolder(dataDir).text}' first, or pass the right --data`);
  }
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: true, timeout: 5000 });
  db.pragma("foreign_keys = ON");
  if (options.readonly) {
    const version = userVersion(db);
    if (version !== SCHEMA_VERSION) {
      db.close();
      throw new IoError(
        `${path}: schema version ${version}, this build reads ${SCHEMA_VERSION} — open it once with a write command (e.g. 'profile list') to migrate`,
      );
    }
    return db;
  }
  db.pragma("journal_mode = WAL");
  migrate(db);
  return db;
}

/** Creates a new database file with the current schema (the caller made sure none exists). */
export function createDatabase(dataDir: string): Db {
  const db = new Database(databasePath(dataDir), { timeout: 5000 });
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  migrate(db);
  return db;
}

/** Runs the migrations the database has not seen, each with its version bump in one transaction. */
export function migrate(db: Db): void {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new IoError(`database schema version ${from} is newer than this build's ${SCHEMA_VERSION}: upgrade cnfguard`);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function userVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}
