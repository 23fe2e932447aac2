// The few pieces of statement text the stores share that differ between SQLite and
// PostgreSQL (migrations have their own lists). Each takes the database, so a store says what it
// means once and the engine's spelling comes from here.
import type { SqlDatabase } from "./sqlDatabase.js";

/** `column` matches a glob (* any run, ? one character, [..] a set), as SQLite's GLOB. */
export function globMatch(db: SqlDatabase, column: string): string {
  return db.engine === "postgres" ? `${column} ~ ?` : `${column} GLOB ?`;
}

/** The value for globMatch's placeholder. */
export function globValue(db: SqlDatabase, glob: string): string {
  if (db.engine !== "postgres") return glob;
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return `${re}$`;
}

/** The LIMIT value meaning "no limit" (SQLite: -1; PostgreSQL: NULL). */
export function noLimit(db: SqlDatabase): number | null {
  return db.engine === "postgres" ? null : -1;
}

/** `column` (text) as an integer; text that is no number counts as none (SQLite's CAST gives 0). */
export function integerOf(db: SqlDatabase, column: string): string {
  return db.engine === "postgres" ? `CASE WHEN ${column} ~ '^[0-9]{1,18}$' THEN ${column}::bigint END` : `CAST(${column} AS INTEGER)`;
}
