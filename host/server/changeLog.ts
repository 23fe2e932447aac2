// The SQLite change source: the `changelog` table (schema migration 3), written by triggers
// on device, phonesecurityprofile and processnode in the same transaction as the change, so
// every writer — admin commands in another process, the CAPF service, an import — is seen.
// The server reads max(id) before each answer (an index lookup, a few µs) and polls it every
// 200 ms to rebuild in the background; rows it has read are pruned, keeping the last KEEP.
import type { Change, ChangeSource } from "./changeSource.js";
import type { Db, SqliteDatabase } from "./database.js";

const POLL_MS = 200;
/** rows kept after the server has read them (another server on the same folder may lag) */
const KEEP = 10_000;
/** more new rows than this at once: cheaper to drop everything than to read them */
const MAX_READ = 50_000;

/** A change-log row as both engines' sources read it. */
export interface LogRow {
  id: number;
  subject: "device" | "profile" | "address" | "pki";
  key: string | null;
}

/** Records a change that no trigger sees — the PKI files were replaced (`server rotate`). */
export function recordChange(db: Db, subject: "pki" | "address"): void {
  db.prepare("INSERT INTO changelog (subject) VALUES (?)").run(subject);
}

export function sqliteChangeSource(db: SqliteDatabase, pollMs = POLL_MS): ChangeSource {
  // Two statements: SQLite answers a lone max() or min() from the rowid index, both at once by a scan.
  const top = db.prepare<{ id: number | null }>("SELECT max(id) AS id FROM changelog");
  const bottom = db.prepare<{ id: number | null }>("SELECT min(id) AS id FROM changelog");
  const newestId = () => top.get()?.id ?? 0;
  const since = db.prepare<LogRow>("SELECT id, subject, key FROM changelog WHERE id > ? ORDER BY id LIMIT ?");
  const prune = db.prepare("DELETE FROM changelog WHERE id <= ?");
  let seen = newestId();
  let pruned = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Deletes rows read long ago, without waiting for a writer in another process (next poll retries). */
  const pruneRead = () => {
    db.pragma("busy_timeout = 0");
    try {
      prune.run(seen - KEEP);
      pruned = seen - KEEP;
    } catch {
      // SQLITE_BUSY: an admin command holds the write lock; not worth a wait
    } finally {
      db.pragma("busy_timeout = 5000");
    }
  };

  const take = (): Change[] => {
    const newest = newestId();
    if (newest === seen) return [];
    const oldest = bottom.get()?.id ?? newest;
    const lostTrack = newest < seen || oldest > seen + 1 || newest - seen > MAX_READ;
    const rows = lostTrack ? [] : since.all(seen, MAX_READ);
    seen = newest;
    return lostTrack ? [{ subject: "everything" }] : rows.map(toChange);
  };
  return {
    take,
    watch(listener) {
      clearInterval(timer);
      timer = setInterval(() => {
        if (newestId() !== seen) listener();
        if (seen - pruned > KEEP) pruneRead();
      }, pollMs);
      timer.unref();
    },
    close() {
      clearInterval(timer);
    },
  };
}

export function toChange(r: LogRow): Change {
  if (r.subject === "device") return { subject: "device", name: r.key ?? "" };
  if (r.subject === "profile") return { subject: "profile", pkid: Number(r.key) };
  return { subject: r.subject };
}
