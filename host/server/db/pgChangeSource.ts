// The PostgreSQL change source: the same change log as SQLite's (pgSchema.ts migration 3),
// heard through LISTEN/NOTIFY on a connection of its own (asynchronous, in the server's main
// thread) and polled every POLL_MS as a fallback. Rows are read when notified or polled, never
// per answer: take() only hands over what was read, so built files keep flowing while the
// database is away. Identity values are handed out before commit, so a row with a lower id can
// appear after a higher one was read; the ids skipped are kept as gaps and asked for again until
// GAP_MS has passed (a rolled-back transaction leaves a gap for ever). After a reconnect the rows
// missed are read; a log pruned past us, or too much to read, is `everything`.
import pg from "pg";
import { type LogRow, toChange } from "../changeLog.js";
import type { Change, ChangeSource } from "../changeSource.js";
import { CHANGE_CHANNEL } from "./pgSchema.js";

const POLL_MS = 2000;
const GAP_MS = 60_000;
const MAX_GAPS = 10_000;
const MAX_READ = 50_000;
/** rows kept behind the newest (another node may lag) */
const KEEP = 10_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 8000;

export interface PgChangeSourceOptions {
  pollMs?: number;
  log?: (line: string) => void;
}

export interface PgChangeSource extends ChangeSource {
  /** true while the LISTEN connection is up */
  readonly connected: boolean;
}

/** Connects, reads where the log stands, and starts listening; rejects when the database cannot be reached. */
export async function pgChangeSource(url: string, o: PgChangeSourceOptions = {}): Promise<PgChangeSource> {
  const log = o.log ?? (() => {});
  let client: pg.Client | undefined;
  let seen = 0;
  const gaps = new Map<number, number>();
  let queue: Change[] = [];
  let listener: () => void = () => {};
  let reading: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let backoff = FIRST_BACKOFF_MS;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: "cnfguard-changes" });
    c.on("error", () => lost(c, "connection error"));
    c.on("end", () => lost(c, "connection closed"));
    c.on("notification", () => void read());
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      void c.end().catch(() => {});
      throw e;
    }
    return c;
  };

  const lost = (c: pg.Client, why: string) => {
    if (client !== c || closed) return;
    client = undefined;
    log(`database: change notifications lost (${why}); reconnecting`);
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(async () => {
      reconnectTimer = undefined;
      try {
        client = await connect();
        backoff = FIRST_BACKOFF_MS;
        log("database: change notifications back; catching up");
        await read();
      } catch {
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        scheduleReconnect();
      }
    }, backoff);
    reconnectTimer.unref();
  };

  const push = (changes: Change[]) => {
    if (changes.length === 0) return;
    queue = queue.length + changes.length > MAX_READ ? [{ subject: "everything" }] : queue.concat(changes);
    listener();
  };

  /** One read at a time; a notification during a read makes one more read after it. */
  const read = async (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        const c = client;
        if (!c) return;
        try {
          push(await readSince(c));
        } catch (e) {
          log(`database: change log not read (${(e as Error).message})`);
          return;
        }
      } while (again);
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };

  const readSince = async (c: pg.Client): Promise<Change[]> => {
    const now = Date.now();
    for (const [id, at] of gaps) if (now - at > GAP_MS) gaps.delete(id);
    const bounds = await c.query<{ oldest: string | null; newest: string | null }>("SELECT min(id) AS oldest, max(id) AS newest FROM changelog");
    const oldest = Number(bounds.rows[0].oldest ?? 0);
    const newest = Number(bounds.rows[0].newest ?? 0);
    if (newest - seen > MAX_READ || (seen > 0 && oldest > seen + 1)) {
      seen = newest;
      gaps.clear();
      return [{ subject: "everything" }];
    }
    const rows = await c.query<LogRow & { id: string }>("SELECT id, subject, key FROM changelog WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT $3", [
      seen,
      [...gaps.keys()],
      MAX_READ,
    ]);
    const changes: Change[] = [];
    for (const r of rows.rows) {
      const id = Number(r.id);
      if (id <= seen) {
        if (!gaps.delete(id)) continue; // read already
      } else {
        for (let skipped = seen + 1; skipped < id; skipped++) gaps.set(skipped, now);
        seen = id;
      }
      changes.push(toChange(r));
    }
    if (gaps.size > MAX_GAPS) {
      gaps.clear();
      return [{ subject: "everything" }];
    }
    if (seen - oldest > 2 * KEEP) await c.query("DELETE FROM changelog WHERE id < $1", [seen - KEEP]).catch(() => {});
    return changes;
  };

  client = await connect();
  const top = await client.query<{ newest: string | null }>("SELECT max(id) AS newest FROM changelog");
  seen = Number(top.rows[0].newest ?? 0);
  const poll = setInterval(() => {
    if (client) void read();
  }, o.pollMs ?? POLL_MS);
  poll.unref();

  return {
    get connected() {
      return client !== undefined;
    },
    take() {
      const out = queue;
      queue = [];
      return out;
    },
    watch(l) {
      listener = l;
    },
    close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(reconnectTimer);
      const c = client;
      client = undefined;
      void c?.end().catch(() => {});
    },
  };
}
