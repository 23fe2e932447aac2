// `cnfguard trace NAME`: the server's timeline of one device, oldest first — each file it
// fetched (or was refused) over HTTP or TFTP and each CAPF session, from the deviceevent table.

import { DEFAULT_DATA_DIR } from "../server/database.js";
import { fixHints } from "../shared/fixHints.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard trace NAME [--limit N] [--data DIR] [--json]

Prints what the running server recorded for device NAME (e.g. SEPA45630BBFA40), oldest first:
each file asked for — time, transport (http or tftp), name, bytes, what was served or why it was
refused, the client's address — and each CAPF session with its steps and outcome.
A running server writes its records in batches, at most a fraction of a second behind.
--limit N   the last N events only (default 1000; the table keeps the newest 100 000 overall)
--json      an array of events: devicename, at, transport, filename, outcome, bytes, detail, remote, steps
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const OPTIONS = { data: { type: "string" }, json: { type: "boolean" }, limit: { type: "string" } } as const;

export const command: Command = {
  summary: "print the server's timeline of one device: files served or refused, CAPF sessions",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError("give one device name: trace SEPA45630BBFA40");
    const name = positionals[0];
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!/^[0-9]{1,7}$/.test(values.limit ?? "1") || limit < 1) throw new UsageError(`--limit '${values.limit}': give a count of events, 1 or more`);
    const { openDatabase } = await import("../server/database.js");
    const { readTimeline, timelineLines } = await import("../server/deviceTimeline.js");
    const { findDevice } = await import("../server/deviceStore.js");
    const db = openDatabase(values.data ?? DEFAULT_DATA_DIR, { readonly: true });
    try {
      const events = readTimeline(db, name, limit);
      if (events.length === 0 && !findDevice(db, name)) {
        throw new UsageError(`no device named ${name} and nothing recorded for it — '${fixHints.listDevices().text}' shows the devices`);
      }
      if (values.json) process.stdout.write(JSON.stringify(events) + "\n");
      else if (events.length === 0) process.stdout.write(`${name}: nothing recorded yet (the phone has not asked the server for a file or a CAPF session)\n`);
      else process.stdout.write(events.flatMap(timelineLines).join("\n") + "\n");
      return Exit.OK;
    } finally {
      db.close();
    }
  },
};
