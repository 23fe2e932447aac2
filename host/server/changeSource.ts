// What a running server needs to know about the database to keep its built files true:
// which things changed since it last asked. One interface so the SQLite change log
// (changeLog.ts) and a future PostgreSQL LISTEN/NOTIFY source plug into the same cache.

/** One committed change, named by what the built files depend on. */
export type Change =
  /** a device row was added, edited, deleted or renamed (each name it had or has) */
  | { subject: "device"; name: string }
  /** a phone security profile was edited or deleted: every device using it */
  | { subject: "profile"; pkid: number }
  /** the advertised address (processnode) changed: every device's config */
  | { subject: "address" }
  /** the certificates or keys in DIR/pki changed: every file, trust lists too */
  | { subject: "pki" }
  /** the source lost track (its log was pruned past us, a reconnect): drop everything */
  | { subject: "everything" };

export interface ChangeSource {
  /**
   * The changes committed since the previous call, oldest first; [] when none. Called
   * before every answer, so it must be cheap when nothing changed (one indexed read).
   */
  take(): Change[];
  /** `listener` is called soon (≤ 200 ms for SQLite) after another process commits a change, so files are rebuilt ahead of requests. */
  watch(listener: () => void): void;
  /** Stops watching (timers, connections). */
  close(): void;
}
