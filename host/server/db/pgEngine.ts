// The PostgreSQL engine behind the synchronous SqlDatabase interface. node-postgres is
// asynchronous, so it runs in a worker thread (pgWorker.ts) and each call here posts one
// request and blocks on Atomics.wait until the worker answers — with a deadline, so a database
// that stops answering is a DatabaseTimeoutError, never a hang. While the database is known to
// be down, calls fail at once (DatabaseUnavailableError) and one is let through after a
// back-off that doubles up to MAX_BACKOFF_MS, so a file server or a CAPF session never waits
// on every call. Why synchronous at all: docs/architecture.md, "Two database engines".
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { redactUrl } from "./databasePointer.js";
import { DatabaseCertificateError, DatabaseTimeoutError, DatabaseUnavailableError, isCertificateRefusal } from "./dbErrors.js";
import type { PgReply, PgRequest } from "./pgProtocol.js";
import { type Numbered, numberPlaceholders, orderedValues } from "./placeholders.js";
import type { RunResult, SqlDatabase, SqlStatement } from "./sqlDatabase.js";

export interface PgOptions {
  readonly?: boolean;
  /** the longest one call may take, default 5000 ms */
  timeoutMs?: number;
}

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 8000;

/** Connection-level SQLSTATE classes: 08 connection exception, 57P operator intervention (shutdown). */
const isConnectionFailure = (code?: string) => !code || !/^[0-9A-Z]{5}$/.test(code) || /^(08|57P)/.test(code);

interface Bridge {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

export class PgDatabase implements SqlDatabase {
  readonly engine = "postgres" as const;
  readonly readonly: boolean;
  private readonly timeoutMs: number;
  private bridge: Bridge | undefined;
  private seq = 0;
  private depth = 0;
  private downUntil = 0;
  private backoff = FIRST_BACKOFF_MS;
  private lastFailure = "";
  private closed = false;

  constructor(
    readonly url: string,
    o: PgOptions = {},
  ) {
    this.readonly = o.readonly ?? false;
    this.timeoutMs = o.timeoutMs ?? 5000;
    try {
      this.exec("SELECT 1"); // connect now: a wrong URL or a database that is down is the caller's error at once
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (!isCertificateRefusal(code)) throw e;
      this.close();
      const ca = new URL(url).searchParams.get("sslrootcert");
      throw new DatabaseCertificateError(
        redactUrl(url),
        `${code}: ${(e as Error).message.replace(/^database unavailable: /, "")}; checked against ${ca ? `sslrootcert ${ca.slice(0, 200)}` : "the system's CAs (no sslrootcert)"}`,
      );
    }
  }

  prepare<Row = Record<string, unknown>>(sql: string): SqlStatement<Row> {
    const numbered = numberPlaceholders(sql);
    return {
      run: (...params) => ({ changes: this.query(numbered, params).rowCount }) satisfies RunResult,
      get: (...params) => this.query(numbered, params).rows[0] as Row | undefined,
      all: (...params) => this.query(numbered, params).rows as Row[],
    };
  }

  exec(sql: string): void {
    this.call({ op: "exec", sql });
  }

  /** Column names and rows as arrays (the `sql` command). */
  queryRows(sql: string): { columns: string[]; rows: unknown[][] } {
    const r = this.call({ op: "query", sql, params: [], rowMode: "array" });
    return { columns: r.fields, rows: (r.rows as unknown[][]).map((row) => row.map(asBuffer)) };
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): F {
    return ((...args: Parameters<F>) => {
      const level = this.depth;
      this.exec(level === 0 ? "BEGIN" : `SAVEPOINT s${level}`);
      this.depth++;
      try {
        const result = fn(...args);
        this.depth = level;
        this.exec(level === 0 ? "COMMIT" : `RELEASE SAVEPOINT s${level}`);
        return result;
      } catch (e) {
        this.depth = level;
        try {
          this.exec(level === 0 ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT s${level}; RELEASE SAVEPOINT s${level}`);
        } catch {
          // the connection is gone: the server rolled the transaction back with it
        }
        throw e;
      }
    }) as F;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const b = this.bridge;
    this.bridge = undefined;
    if (!b) return;
    // end the session politely when it answers in time; the worker goes either way
    try {
      this.send(b, { id: ++this.seq, op: "close" }, Math.min(this.timeoutMs, 1000));
    } catch {}
    void b.worker.terminate();
  }

  private query(n: Numbered, params: unknown[]): { rows: Record<string, unknown>[]; rowCount: number } {
    const r = this.call({ op: "query", sql: n.text, params: orderedValues(n, params) });
    return { rows: (r.rows as Record<string, unknown>[]).map(buffersIn), rowCount: r.rowCount };
  }

  private call(request: DistributiveOmit<PgRequest, "id">): Extract<PgReply, { ok: true }> {
    if (this.closed) throw new DatabaseUnavailableError("the connection is closed");
    if (Date.now() < this.downUntil) throw new DatabaseUnavailableError(`${this.lastFailure} (retrying in ${this.downUntil - Date.now()} ms)`);
    const b = this.connectBridge();
    let reply: PgReply;
    try {
      reply = this.send(b, { ...request, id: ++this.seq } as PgRequest, this.timeoutMs);
    } catch (e) {
      // The worker is stuck on a connection that does not answer: start afresh next time.
      this.bridge = undefined;
      void b.worker.terminate();
      this.markDown((e as Error).message);
      throw e;
    }
    if (reply.ok) {
      this.backoff = FIRST_BACKOFF_MS;
      return reply;
    }
    if (isConnectionFailure(reply.code)) {
      this.markDown(reply.message);
      throw Object.assign(new DatabaseUnavailableError(reply.message), { code: reply.code });
    }
    throw Object.assign(new Error(reply.message), { code: reply.code });
  }

  private markDown(why: string): void {
    this.lastFailure = why.slice(0, 200);
    this.downUntil = Date.now() + this.backoff;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.depth = 0;
  }

  private connectBridge(): Bridge {
    if (this.bridge) return this.bridge;
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL("./pgWorker.js", import.meta.url), {
      workerData: { url: this.url, port: port2, signal, statementTimeoutMs: this.timeoutMs - 500, readonly: this.readonly },
      transferList: [port2],
      // not the parent's flags: `node --input-type=module -e …` (how the tests run the CLI) would stop the worker starting
      execArgv: [],
    });
    // a worker that cannot start (or dies) is noticed by the caller's deadline, never by an uncaught error event
    worker.on("error", () => {});
    worker.unref();
    port1.unref();
    this.bridge = { worker, port: port1, signal };
    return this.bridge;
  }

  /** Posts one request and waits (blocking, bounded by `ms`) for its reply; late replies to earlier requests are dropped. */
  private send(b: Bridge, request: PgRequest, ms: number): PgReply {
    b.port.postMessage(request);
    const deadline = Date.now() + ms;
    for (;;) {
      const seen = Atomics.load(b.signal, 0);
      for (let m = receiveMessageOnPort(b.port); m; m = receiveMessageOnPort(b.port)) {
        const reply = m.message as PgReply;
        if (reply.id === request.id) return reply;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new DatabaseTimeoutError(ms);
      Atomics.wait(b.signal, 0, seen, left);
    }
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** bytea arrives from the worker as a plain Uint8Array (structured clone): a Buffer, as better-sqlite3 returns blobs. */
function asBuffer(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

function buffersIn(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) row[k] = asBuffer(row[k]);
  return row;
}
