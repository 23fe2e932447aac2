// The PostgreSQL engine's worker thread: it owns the node-postgres connection and answers one
// request at a time on its port, then bumps a shared counter so the blocked caller
// (pgEngine.ts, Atomics.wait) wakes up. Losing the connection is reported, never thrown: the
// next request connects again.
import { type MessagePort, workerData } from "node:worker_threads";
import pg from "pg";
import type { PgReply, PgRequest } from "./pgProtocol.js";

const { url, port, signal, statementTimeoutMs, readonly } = workerData as {
  url: string;
  port: MessagePort;
  signal: Int32Array;
  statementTimeoutMs: number;
  readonly: boolean;
};

// count(*), sum() and BIGINT identities arrive as int8: numbers, as better-sqlite3 gives them.
pg.types.setTypeParser(20, (v) => Number(v));

let client: pg.Client | undefined;

async function connection(): Promise<pg.Client> {
  if (client) return client;
  const c = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: statementTimeoutMs,
    statement_timeout: statementTimeoutMs,
    lock_timeout: statementTimeoutMs,
    application_name: "cnfguard",
    // a read-only opening (the `sql` command, `trace`): every transaction refuses writes
    options: readonly ? "-c default_transaction_read_only=on" : undefined,
  });
  c.on("error", () => {
    if (client === c) client = undefined;
  });
  await c.connect();
  client = c;
  return c;
}

async function answer(r: PgRequest): Promise<PgReply> {
  try {
    if (r.op === "close") {
      await client?.end().catch(() => {});
      client = undefined;
      return { id: r.id, ok: true, rows: [], rowCount: 0, fields: [] };
    }
    const c = await connection();
    if (r.op === "exec") {
      await c.query(r.sql);
      return { id: r.id, ok: true, rows: [], rowCount: 0, fields: [] };
    }
    const values = r.params.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
    const answered: pg.QueryResult<pg.QueryResultRow> | pg.QueryResult<pg.QueryResultRow>[] = r.rowMode
      ? await c.query({ text: r.sql, values, rowMode: "array" })
      : await c.query({ text: r.sql, values });
    // several statements in one text (only the `sql` command sends such): the last one's answer
    const res = Array.isArray(answered) ? answered[answered.length - 1] : answered;
    return { id: r.id, ok: true, rows: res?.rows ?? [], rowCount: res?.rowCount ?? 0, fields: (res?.fields ?? []).map((f: pg.FieldDef) => f.name) };
  } catch (e) {
    const err = e as Error & { code?: string };
    // A broken connection (not a statement the server refused) is dropped, so the next request reconnects.
    if (!err.code || !/^[0-9A-Z]{5}$/.test(err.code) || /^(08|57P)/.test(err.code)) {
      const dead = client;
      client = undefined;
      dead?.end().catch(() => {});
    }
    return { id: r.id, ok: false, message: err.message, code: err.code };
  }
}

port.on("message", async (r: PgRequest) => {
  port.postMessage(await answer(r));
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
