// `cnfguard sql "SELECT …"`: CUCM's `run sql` against the server database, opened
// read-only so no statement can change it.

import { DEFAULT_DATA_DIR } from "../server/database.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard sql "SQL" [--data DIR] [--json]

Runs one read-only query on the server database and prints the rows as CUCM's 'run sql' does
(--json: an array of objects; blobs as hex). The database is opened read-only: statements that
would write are refused. Example:
  cnfguard sql "select md5hash,name from device where name='SEPA45630BBFA40'"
Tables: device, phonesecurityprofile, processnode, deviceevent (what 'cnfguard trace' prints).
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const OPTIONS = { data: { type: "string" }, json: { type: "boolean" } } as const;

export const command: Command = {
  summary: "run a read-only SQL query on the server database",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('give the query as one argument, in quotes: sql "select name from device"');
    const { runReadOnlyQuery } = await import("../server/sqlQuery.js");
    const result = runReadOnlyQuery(values.data ?? DEFAULT_DATA_DIR, positionals[0]);
    if (values.json) {
      const { cellText } = await import("../server/textTable.js");
      const objects = result.rows.map((row) =>
        Object.fromEntries(result.columns.map((c, i) => [c, row[i] instanceof Uint8Array || typeof row[i] === "bigint" ? cellText(row[i]) : row[i]])),
      );
      process.stdout.write(JSON.stringify(objects) + "\n");
    } else {
      const { textTable } = await import("../server/textTable.js");
      process.stdout.write(textTable(result.columns, result.rows));
    }
    return Exit.OK;
  },
};
