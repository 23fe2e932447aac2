// One read-only query: the database opened read-only at the SQLite level, and the statement
// checked to be a reader, so writes are refused twice over and with a plain message.
import { UsageError } from "../shared/errors.js";
import { openDatabase, type SqliteDatabase } from "./database.js";
import type { Cell } from "./textTable.js";

export interface QueryResult {
  columns: string[];
  rows: Cell[][];
}

export function runReadOnlyQuery(dataDir: string, sql: string): QueryResult {
  const db = openDatabase(dataDir, { readonly: true }) as SqliteDatabase;
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

function toCell(v: unknown): Cell {
  if (Buffer.isBuffer(v)) return new Uint8Array(v);
  return v as Cell;
}
