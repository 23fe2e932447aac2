// `cnfguard report lsc|capf|cert-hash`: the administrator's reports, as text, --json or --csv.

import { DEFAULT_DATA_DIR } from "../server/database.js";
import { DEFAULT_EXPIRING_DAYS, expiringDays, REPORT_COLUMNS, REPORT_NAMES, type ReportName, type ReportRow as Row, reportRows } from "../server/reports.js";
import { fixHints } from "../shared/fixHints.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard report lsc [--days N] [--data DIR] [--json | --csv]
       cnfguard report capf [--data DIR] [--json | --csv]
       cnfguard report cert-hash [--data DIR] [--json | --csv]

lsc        every device by its certificate's state: none, valid, expiring (within --days N,
           default ${DEFAULT_EXPIRING_DAYS}) or expired, and issuerCurrent: whether the current CAPF certificate
           issued it (false for a MIC, or an LSC from a previous CAPF certificate — re-enrol those),
           and issuerPrevious: issued by a CAPF certificate 'server rotate capf' replaced (it still
           authenticates By Existing Certificate until the phone re-enrols).
capf       pending CAPF operations with their deadlines (overdue = past it) and each device's last
           outcome (certificateOperationStatus and its time); names of unknown devices CAPF clients gave.
cert-hash  rows whose md5hash is not the MD5 of their stored certificate; exit 1 when there are any
           (fix: schedule a CAPF fetch, 'cnfguard device capf NAME fetch').
--json     an array of rows; --csv a header line then one line per row (RFC 4180 quoting).
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const options = {
  data: { type: "string" },
  json: { type: "boolean" },
  csv: { type: "boolean" },
  days: { type: "string" },
} as const;

export const command: Command = {
  summary: "reports: lsc (state, issuerCurrent) | capf (pending, deadlines, outcomes) | cert-hash",
  help,
  async run(argv) {
    const { values, positionals } = parse(argv, options);
    const [which, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (values.json && values.csv) throw new UsageError("--json and --csv exclude each other: give one");
    if (which !== "lsc" && values.days !== undefined) throw new UsageError("--days applies to 'report lsc' only");
    const data = values.data ?? DEFAULT_DATA_DIR;
    const { openDatabase } = await import("../server/database.js");
    if (!(REPORT_NAMES as string[]).includes(which ?? "")) {
      throw new UsageError(which ? `unknown report '${which}': use lsc, capf or cert-hash` : "say which report: lsc, capf or cert-hash");
    }
    const report = which as ReportName;
    const days = expiringDays(values.days);
    const rows = withDb(openDatabase(data), (db) => reportRows(report, db, data, { days }));
    const failed = report === "cert-hash" && rows.length > 0;
    await print(rows, REPORT_COLUMNS[report], values.json ? "json" : values.csv ? "csv" : "text");
    if (failed && !values.json && !values.csv) {
      const first = String((rows[0] as Record<string, unknown>).name ?? "");
      process.stderr.write(
        `cnfguard report: ${rows.length} row(s) whose md5hash is not their certificate's MD5: schedule a CAPF fetch for each, e.g. '${fixHints.scheduleCapf(first, "fetch").text}'\n`,
      );
    }
    return failed ? Exit.FAILED : Exit.OK;
  },
};

function withDb<T>(db: import("../server/database.js").Db, fn: (db: import("../server/database.js").Db) => T): T {
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function print(rows: Row[], columns: readonly string[], format: "text" | "json" | "csv"): Promise<void> {
  if (format === "json") {
    process.stdout.write(JSON.stringify(rows) + "\n");
    return;
  }
  if (format === "csv") {
    const lines = [columns, ...rows.map((r) => columns.map((c) => csvCell(r[c])))].map((cells) => cells.join(","));
    process.stdout.write(lines.join("\r\n") + "\r\n");
    return;
  }
  const { textTable } = await import("../server/textTable.js");
  process.stdout.write(
    textTable(
      [...columns],
      rows.map((r) => columns.map((c) => r[c] ?? null)),
    ),
  );
}

/** RFC 4180: quote a cell holding a comma, quote or line break (quotes doubled); null is empty. */
function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "";
  const text = String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
