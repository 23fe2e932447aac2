// The one database interface the stores, the build layer and the admin commands use, whichever
// engine is underneath: SQLite (better-sqlite3, in process) or PostgreSQL (node-postgres in a
// worker thread, see pgEngine.ts). It is synchronous on purpose — it is better-sqlite3's own
// shape (prepare → get/all/run, exec, transaction), so the ~55 call sites written against
// SQLite run unchanged on PostgreSQL. SQL is written with `?` (or `@name` with one object) and
// the PostgreSQL engine numbers the placeholders; SQL that differs between engines lives in the
// per-engine migration lists (schema.ts, pgSchema.ts) or in dialect.ts, nowhere else.

export type Engine = "sqlite" | "postgres";

export interface RunResult {
  /** rows the statement inserted, updated or deleted */
  changes: number;
}

export interface SqlStatement<Row = Record<string, unknown>> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
}

export interface SqlDatabase {
  readonly engine: Engine;
  /** opened read-only: every statement that would write is refused by the engine */
  readonly readonly: boolean;
  prepare<Row = Record<string, unknown>>(sql: string): SqlStatement<Row>;
  /** runs one or more statements without parameters (migrations, DDL) */
  exec(sql: string): unknown;
  /** wraps `fn` so each call runs in one transaction (nested calls: a savepoint), rolled back if it throws */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): unknown;
}
