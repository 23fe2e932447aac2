// One read-only query: the database opened read-only at the engine level, and (SQLite) the
// statement checked to be a reader or (PostgreSQL) run in a read-only transaction, so writes are
// refused twice over and with a plain message.
import { UsageError } from "../shared/errors.js";
import { openDatabase, type SqliteDatabase } from "./database.js";
import { PgDatabase } from "./db/pgEngine.js";
import type { Cell } from "./textTable.js";

export interface QueryResult {
  columns: string[];
  rows: Cell[][];
}

export function runReadOnlyQuery(dataDir: string, sql: string): QueryResult {
  const opened = openDatabase(dataDir, { readonly: true });
  if (opened instanceof PgDatabase) return pgReadOnlyQuery(opened, sql);
  const db = opened as SqliteDatabase;
  try {
    let statement;
    try {
      statement = db.prepare(sql);
    } catch (e) {
      throw new UsageError(`the query does not parse: ${(e as Error).message}`);
    }
    if (!statement.reader) throw new UsageError("sql runs read-only queries (SELECT …); use the profile and device commands to change data");
    const columns = statement.columns().map((c) => c.name);
    const rows = (statement.raw(true).all() as unknown as unknown[][]).map((r) => r.map(toCell));
    return { columns, rows };
  } finally {
    db.close();
  }
}

/**
 * PostgreSQL: the connection's transactions are read-only by default, and the query runs inside
 * BEGIN READ ONLY … ROLLBACK besides, so the server refuses any write (SQLSTATE 25006).
 */
function pgReadOnlyQuery(db: PgDatabase, sql: string): QueryResult {
  try {
    db.exec("BEGIN READ ONLY");
    const { columns, rows } = db.queryRows(sql);
    return { columns, rows: rows.map((r) => r.map(toCell)) };
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code === "25006") throw new UsageError("sql runs read-only queries (SELECT …); use the profile and device commands to change data");
    if (code.startsWith("42")) throw new UsageError(`the query does not parse: ${(e as Error).message}`);
    throw e;
  } finally {
    try {
      db.exec("ROLLBACK");
    } catch {
      // the connection is gone, and the transaction with it
    }
    db.close();
  }
}

function toCell(v: unknown): Cell {
  if (Buffer.isBuffer(v)) return new Uint8Array(v);
  return v as Cell;
}
