// A device's timeline, read back from the deviceevent table oldest first: what `cnfguard trace`
// prints and the Troubleshooting page shows.
import type { Db } from "./database.js";
import type { DeviceEvent } from "./deviceEvents.js";

/** A row as stored: the steps as JSON text. */
type EventRow = Omit<DeviceEvent, "steps"> & { steps: string | null };

/** The device's last `limit` events (default all that the table keeps), oldest first. */
export function readTimeline(db: Db, device: string, limit = 1000): DeviceEvent[] {
  const rows = db
    .prepare<EventRow>("SELECT * FROM (SELECT * FROM deviceevent WHERE devicename = ? ORDER BY pkid DESC LIMIT ?) AS newest ORDER BY pkid")
    .all(device, limit);
  return rows.map((r) => ({ ...r, steps: r.steps === null ? null : (JSON.parse(r.steps) as string[]) }));
}

/** What the event is, in a few words: "SEP….cnf.xml.sgn served 1234 bytes" or "CAPF session completed". */
export function eventSummary(e: DeviceEvent): string {
  if (e.transport === "capf") return `CAPF session ${e.outcome}`;
  return e.outcome === "served" ? `${e.filename} served, ${e.bytes} bytes` : `${e.filename} refused`;
}

/** One event as text lines: time, transport, summary, detail, client; a session's steps indented. */
export function timelineLines(e: DeviceEvent): string[] {
  const head = `${e.at}  ${e.transport.padEnd(4)}  ${eventSummary(e)} (${e.detail}) from ${e.remote}`;
  return [head, ...(e.steps ?? []).map((step) => `      ${step}`)];
}
