// The messages between the PostgreSQL engine (pgEngine.ts, the caller's thread) and its worker (pgWorker.ts).

export type PgRequest =
  | { id: number; op: "query"; sql: string; params: unknown[]; rowMode?: "array" }
  | { id: number; op: "exec"; sql: string }
  | { id: number; op: "close" };

export type PgReply = { id: number; ok: true; rows: unknown[]; rowCount: number; fields: string[] } | { id: number; ok: false; message: string; code?: string };
