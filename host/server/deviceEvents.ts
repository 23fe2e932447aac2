// The server's evidence per device: each file it served or refused and each CAPF session,
// written to the deviceevent table. Recording must not slow a boot storm, so events are queued
// in memory and written in one transaction per batch (a timer, or a full batch); the queue and
// the table are both bounded — the oldest rows go first, and a full queue drops (and counts).
import type { CapfSessionRecord } from "./capfService.js";
import type { Db } from "./database.js";
import { parseServedName } from "./servedFileName.js";

export type EventTransport = "http" | "tftp" | "capf";
export type EventOutcome = "served" | "refused" | "completed" | "failed";

/** One line of a device's timeline, as recorded. */
export interface DeviceEvent {
  devicename: string;
  /** ISO 8601 time the server answered (a file) or the session ended (CAPF) */
  at: string;
  transport: EventTransport;
  /** the file asked for; null for a CAPF session */
  filename: string | null;
  outcome: EventOutcome;
  /** bytes served; null when refused, and for CAPF */
  bytes: number | null;
  /** what was served, why it was refused, or how the session ended */
  detail: string;
  /** the client's address (and port, for TFTP and CAPF) */
  remote: string;
  /** a CAPF session's steps; null for a file */
  steps: string[] | null;
}

export interface EventRecorderOptions {
  /** rows kept in the table (the newest); default 100 000 */
  maxRows?: number;
  /** events held in memory before a write; a full queue drops new events. Default 20 000 */
  maxQueued?: number;
  /** a batch is written when this many are queued, default 500 */
  batchSize?: number;
  /** otherwise this long after the first queued event, default 200 ms */
  flushMs?: number;
  log?: (line: string) => void;
}

export interface EventRecorder {
  record(event: DeviceEvent): void;
  /** writes what is queued now (pages and `trace` readers in-process call it before reading) */
  flush(): void;
  /** events dropped because the queue was full */
  readonly dropped: number;
  /** flushes and stops the timer */
  close(): void;
}

/** Strings from the network are capped and made printable before they are stored. */
export const MAX_FIELD = 300;
/** events per INSERT statement (9 values each, well under either engine's parameter limit) */
const ROWS_PER_INSERT = 100;
const MAX_STEPS = 32;

export function eventRecorder(db: Db, o: EventRecorderOptions = {}): EventRecorder {
  const maxRows = o.maxRows ?? 100_000;
  const maxQueued = o.maxQueued ?? 20_000;
  const batchSize = o.batchSize ?? 500;
  const flushMs = o.flushMs ?? 200;
  // Rows go ROWS_PER_INSERT to a statement: on PostgreSQL each statement is a round trip that
  // holds the server's thread, and 500 of them per batch held it long enough to stall a storm.
  const insertRows = (n: number) =>
    db.prepare(
      `INSERT INTO deviceevent (devicename, at, transport, filename, outcome, bytes, detail, remote, steps) VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    );
  const fullInsert = insertRows(ROWS_PER_INSERT);
  const prune = db.prepare("DELETE FROM deviceevent WHERE pkid <= (SELECT MAX(pkid) FROM deviceevent) - ?");
  const writeBatch = db.transaction((batch: DeviceEvent[]) => {
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
      const rows = batch.slice(i, i + ROWS_PER_INSERT);
      const values = rows.flatMap((e) => [
        e.devicename,
        e.at,
        e.transport,
        e.filename,
        e.outcome,
        e.bytes,
        e.detail,
        e.remote,
        e.steps ? JSON.stringify(e.steps) : null,
      ]);
      (rows.length === ROWS_PER_INSERT ? fullInsert : insertRows(rows.length)).run(...values);
    }
    prune.run(maxRows);
  });
  let queue: DeviceEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let dropped = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      writeBatch(batch);
    } catch (e) {
      // Evidence must never take the file service down: say so and go on.
      o.log?.(`deviceevent: ${batch.length} events not recorded (${(e as Error).message})`);
    }
  };
  return {
    record(event) {
      if (queue.length >= maxQueued) {
        dropped++;
        return;
      }
      queue.push(sanitized(event));
      if (queue.length >= batchSize) flush();
      else if (!timer) timer = setTimeout(flush, flushMs).unref();
    },
    flush,
    get dropped() {
      return dropped;
    },
    close: flush,
  };
}

function sanitized(e: DeviceEvent): DeviceEvent {
  return {
    ...e,
    devicename: printable(e.devicename),
    filename: e.filename === null ? null : printable(e.filename),
    detail: printable(e.detail),
    remote: printable(e.remote),
    steps: e.steps ? e.steps.slice(0, MAX_STEPS).map(printable) : null,
  };
}

/** Control characters and non-ASCII as \xNN, then capped: a peer's string cannot forge lines. */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, (c) => `\\x${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, "0")}`);
  return clean.length > MAX_FIELD ? `${clean.slice(0, MAX_FIELD)}…` : clean;
}

/**
 * The event for one answered file request, or null when the name names no device (ITLFile.tlv,
 * names the server has no pattern for: those are in the log only, not in any device's timeline).
 */
export function fileEvent(transport: "http" | "tftp", name: string, remote: string, r: { body: Uint8Array | null; note: string }): DeviceEvent | null {
  const wanted = parseServedName(name);
  if (!wanted || wanted.kind === "trustList") return null;
  return {
    devicename: wanted.device,
    at: new Date().toISOString(),
    transport,
    filename: name,
    outcome: r.body ? "served" : "refused",
    bytes: r.body ? r.body.length : null,
    detail: r.note,
    remote,
    steps: null,
  };
}

/** The event for one CAPF session: its steps, and as detail the last thing it did before ending. */
export function capfEvent(s: CapfSessionRecord): DeviceEvent {
  const last = s.steps.filter((line) => !line.startsWith("end session")).at(-1) ?? "no step";
  return {
    devicename: s.device,
    at: new Date().toISOString(),
    transport: "capf",
    filename: null,
    outcome: s.completed ? "completed" : "failed",
    bytes: null,
    detail: `session ${s.sessionId}: ${last}; end session reason ${s.reason}`,
    remote: s.remote,
    steps: s.steps,
  };
}
