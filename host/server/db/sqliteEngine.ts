// The SQLite engine: better-sqlite3 as it always was (WAL so admin commands and a running
// server share the file, foreign keys on, a 5 s busy timeout). Its Database object already has
// the SqlDatabase shape, so it is returned as is, marked with its engine: nothing is wrapped.
import Database from "better-sqlite3";
import type { SqlDatabase } from "./sqlDatabase.js";

/** better-sqlite3's database: SqlDatabase plus what only SQLite has (pragma, statement metadata). */
export type SqliteDatabase = Database.Database & SqlDatabase & { readonly engine: "sqlite" };

export function openSqlite(path: string, options: { readonly?: boolean; create?: boolean } = {}): SqliteDatabase {
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: !options.create, timeout: 5000 });
  db.pragma("foreign_keys = ON");
  if (!options.readonly) db.pragma("journal_mode = WAL");
  return Object.assign(db, { engine: "sqlite" as const });
}

export function isSqlite(db: SqlDatabase): db is SqliteDatabase {
  return db.engine === "sqlite";
}
