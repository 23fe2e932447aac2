// SQL: CUCM's `run sql` in a page — the same read-only engine as `cnfguard sql`
// (host/server/sqlQuery.ts: the database opened read-only, writes refused with its message).
import { UsageError } from "../../shared/errors.js";
import { runReadOnlyQuery } from "../sqlQuery.js";
import { cellText } from "../textTable.js";
import { type AdminContext, type PageRequest, param, sendPage } from "./adminContext.js";

const TITLE = "SQL";
/** Rows shown at most: a page is for reading, `cnfguard sql --json` is for everything. */
const MAX_ROWS = 1000;

export function sqlForm(_ctx: AdminContext, r: PageRequest): void {
  sendPage(r, "@sql", { title: TITLE, current: "/sql" }, { query: "select name, md5hash from device" });
}

export function sqlExecute(ctx: AdminContext, r: PageRequest): void {
  const query = param(r, "query", 10_000);
  try {
    const result = runReadOnlyQuery(ctx.dataDir, query);
    const rows = result.rows.slice(0, MAX_ROWS).map((row) => row.map(cellText));
    const more = result.rows.length > MAX_ROWS ? ` (the first ${MAX_ROWS} shown)` : "";
    sendPage(
      r,
      "@sql",
      { title: TITLE, current: "/sql" },
      {
        query,
        result: { caption: `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}${more}`, columns: result.columns, rows, empty: "No rows" },
      },
    );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    sendPage(r, "@sql", { title: TITLE, current: "/sql", error: e.message }, { query }, 400);
  }
}
