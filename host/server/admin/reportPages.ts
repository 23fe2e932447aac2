// Reports: `cnfguard report lsc`, `report capf` and `report cert-hash` as tables — the rows come
// from the same function as the CLI's (host/server/reports.ts reportRows) and every cell is
// written as the CLI's text output writes it (textTable's cellText), so page and CLI agree.
import { UsageError } from "../../shared/errors.js";
import { DEFAULT_EXPIRING_DAYS, expiringDays, REPORT_COLUMNS, REPORT_NAMES, type ReportName, type ReportRow, reportRows } from "../reports.js";
import { cellText } from "../textTable.js";
import { type AdminContext, type PageRequest, param, sendPage } from "./adminContext.js";

const TITLE = "Reports";

/** Each report's heading and what it is for (the CLI's help, shortened). */
const ABOUT: Record<ReportName, { heading: string; what: string; empty: string }> = {
  lsc: {
    heading: "LSC report",
    what: "every device by its certificate's state (none, valid, expiring, expired); issuerCurrent: the current CAPF certificate issued it",
    empty: "No devices",
  },
  capf: {
    heading: "CAPF report",
    what: "pending CAPF operations with their deadlines (overdue = past it), each device's last outcome, unknown devices CAPF clients named",
    empty: "No CAPF operation is pending or recorded",
  },
  "cert-hash": {
    heading: "Certificate hash report",
    what: "rows whose md5hash is not the MD5 of their stored certificate (fix: schedule a CAPF fetch on the Phone page)",
    empty: "Every md5hash is the MD5 of its device's certificate",
  },
};

export function reports(ctx: AdminContext, r: PageRequest): void {
  const typed = param(r, "days", 20);
  let days = DEFAULT_EXPIRING_DAYS;
  let error: string | undefined;
  try {
    days = expiringDays(typed === "" ? undefined : typed);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    error = e.message;
  }
  const now = new Date();
  sendPage(
    r,
    "@reports",
    { title: TITLE, current: "/reports", error },
    { days: String(days), reports: REPORT_NAMES.map((name) => reportTable(name, reportRows(name, ctx.db, ctx.dataDir, { days, now }))) },
    error ? 400 : 200,
  );
}

function reportTable(name: ReportName, rows: ReportRow[]) {
  const columns = REPORT_COLUMNS[name];
  return {
    id: name,
    ...ABOUT[name],
    command: `cnfguard report ${name}`,
    table: {
      // cells as the CLI prints them, unbroken: a wide report scrolls inside its box
      className: "report",
      caption: `${rows.length} row${rows.length === 1 ? "" : "s"}`,
      columns,
      rows: rows.map((row) =>
        columns.map((c) =>
          c === "name" ? { text: cellText(row[c]), href: `/phone/edit?name=${encodeURIComponent(String(row[c]))}` } : cellText(row[c] ?? null),
        ),
      ),
      empty: ABOUT[name].empty,
    },
  };
}
