// HTTP on port 6970, as phones fetch their files: GET/HEAD of a plain file name at the
// root, answered by the same resolver as TFTP. The path is matched as sent (no
// percent-decoding, no normalising), so an encoded or dotted spelling is simply unknown.
//
// A net.Server with its own request reader (httpRequestReader.ts) rather than node:http:
// phones open a connection per file, and node:http's per-connection and per-request machinery
// (parser, IncomingMessage/ServerResponse streams, header objects) cost more than the rest of
// a built answer together. Here a built file goes out in one write of head and body, answered
// in the same tick as the request arrived when the resolver has the bytes at hand.
import { createServer, type Server, type Socket } from "node:net";
import { limitConnections } from "../shared/connectionLimit.js";
import { logLine, printable } from "../shared/logText.js";
import { HttpRequestReader, type RequestHead } from "./httpRequestReader.js";

/** The file for a name and a note for the log; null body = no such file for this client. */
export interface FoundFile {
  body: Uint8Array | null;
  note: string;
}

/** Answers at once when it has the bytes (the build layer), or later (a render, a test's resolver). */
export type FileResolver = (name: string, remote: string) => FoundFile | Promise<FoundFile>;

export interface HttpService {
  port: number;
  close(): Promise<void>;
}

export interface HttpServiceOptions {
  bind: string;
  port: number;
  resolve: FileResolver;
  log: (line: string) => void;
  /** connections at once; default 256 */
  maxConnections?: number;
  /** connections from one source address once half of maxConnections are taken; default 16 */
  maxConnectionsPerSource?: number;
  /** time a client has to send its request headers, from its first byte; default 10 000 ms */
  headerTimeoutMs?: number;
}

/** How long a kept-alive connection may sit idle between requests (node:http's default too). */
export const KEEP_ALIVE_IDLE_MS = 5000;
/**
 * The idle time the keep-alive header promises, kept well under KEEP_ALIVE_IDLE_MS: clients
 * stop reusing a connection a little before the promised time (undici: 1 s before), but a
 * client whose event loop is busy (a phone doing its RSA) notices late, and a request sent as
 * we close an idle connection is lost to it. The margin covers that delay.
 */
const KEEP_ALIVE_PROMISED_S = 2;
/** How long a closed-by-us connection waits for the client to close its side. */
const LINGER_MS = 2000;

export async function startHttpService(o: HttpServiceOptions): Promise<HttpService> {
  const log = (line: string) => o.log(logLine(line));
  const headerTimeoutMs = o.headerTimeoutMs ?? 10_000;
  // A kept-alive connection's last answer says "connection: close" once it is this old, so a
  // trickle of requests cannot hold a slot forever and a busy client is never cut mid-request;
  // the limiter's hard lifetime (a little later) only catches a peer that ignores it.
  const maxAgeMs = 6 * headerTimeoutMs;
  // allowHalfOpen: a client may send its request and shut its side at once; the answer still goes out
  const server = createServer({ allowHalfOpen: true, noDelay: true });
  const open = new Set<Socket>();
  // installed before our own listener, so a refused connection is gone before we look at it
  limitConnections(server, {
    total: o.maxConnections ?? 256,
    perSource: o.maxConnectionsPerSource ?? 16,
    // the backstop for a peer that drips a request past maxAgeMs: its head deadline, then the linger
    lifetimeMs: maxAgeMs + headerTimeoutMs + LINGER_MS,
    log: (line) => log(`http ${line}`),
  });
  server.on("connection", (socket: Socket) => {
    if (socket.destroyed) return;
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    serveConnection(socket, { resolve: o.resolve, log, headerTimeoutMs, maxAgeMs });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : o.port, close: () => closeServer(server, open) };
}

interface ConnectionContext {
  resolve: FileResolver;
  log: (line: string) => void;
  headerTimeoutMs: number;
  /** after this long, the next answer closes the connection */
  maxAgeMs: number;
}

/**
 * One connection: requests are read and answered strictly in order (a pipelined request waits
 * in the reader until the one before it is answered, with reading paused meanwhile). Deadlines:
 * a request head must be complete within headerTimeoutMs of the connection (or of its first
 * byte after an answer), else 408; a kept-alive connection idle KEEP_ALIVE_IDLE_MS is closed.
 */
function serveConnection(socket: Socket, c: ConnectionContext): void {
  const remote = socket.remoteAddress ?? "?";
  const born = performance.now();
  const reader = new HttpRequestReader();
  let answering = false;
  let idle = false;
  let closing = false;
  /** the client shut its side: answer what it sent, then close */
  let ended = false;
  const onDeadline = () => {
    if (idle || closing) return void socket.destroy();
    c.log(`http ${remote} 408 (request head not complete within ${c.headerTimeoutMs} ms)`);
    finish(simpleAnswer(408, "Request Timeout", "request head took too long\n", false));
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(onDeadline, c.headerTimeoutMs);
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(onDeadline, ms);
  };
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  /**
   * Writes the last answer and shuts our side. The connection is destroyed once the client
   * shuts its side too (or LINGER_MS later): destroying it while the client's unread bytes
   * sit in our receive buffer would send a reset, which can discard the answer at the client.
   */
  const finish = (bytes?: Buffer) => {
    closing = true;
    arm(LINGER_MS);
    socket.resume();
    if (bytes) socket.end(bytes);
    else socket.end();
  };
  const proceed = () => {
    while (!answering && !closing) {
      const r = reader.next();
      if (r.kind === "more") {
        if (ended) finish();
        else if (reader.buffered > 0 && idle) {
          idle = false;
          arm(c.headerTimeoutMs);
        }
        return;
      }
      if (r.kind === "refused") {
        c.log(`http ${remote} ${r.status} (${r.reason})`);
        return finish(simpleAnswer(r.status, REASONS[r.status], `${r.reason}\n`, false));
      }
      disarm();
      idle = false;
      const head = r.head;
      if (performance.now() - born > c.maxAgeMs) head.keepAlive = false;
      const failed = (e: Error) => {
        answering = false;
        c.log(`http ${remote} ${head.method} ${printable(head.target)} 500 (${printable(e.message)})`);
        finish(simpleAnswer(500, "Internal Server Error", "internal error\n", false));
      };
      let answered: Answer | Promise<Answer>;
      try {
        answered = answer(head, remote, c.resolve);
      } catch (e) {
        return failed(e as Error);
      }
      if (answered instanceof Promise) {
        answering = true;
        socket.pause();
        answered.then((a) => {
          answering = false;
          deliver(head, a);
          socket.resume();
          proceed();
        }, failed);
        return;
      }
      deliver(head, answered);
    }
  };
  const deliver = (head: RequestHead, a: Answer) => {
    c.log(a.line);
    if (!head.keepAlive) return finish(a.bytes);
    socket.write(a.bytes);
    idle = true;
    arm(KEEP_ALIVE_IDLE_MS);
  };
  socket.on("data", (chunk: Buffer) => {
    if (closing) return;
    reader.push(chunk);
    proceed();
  });
  socket.on("end", () => {
    ended = true;
    proceed();
  });
  socket.on("error", () => socket.destroy());
  socket.once("close", disarm);
}

interface Answer {
  /** status line, headers and body: written in one call */
  bytes: Buffer;
  line: string;
}

/** The answer to one request, synchronously when the resolver has the file at hand. */
function answer(head: RequestHead, remote: string, resolve: FileResolver): Answer | Promise<Answer> {
  const prefix = `http ${remote} ${head.method} ${printable(head.target)}`;
  if (head.method !== "GET" && head.method !== "HEAD") {
    return {
      bytes: encode(405, "Method Not Allowed", "text/plain", METHOD_BODY, head, "allow: GET, HEAD\r\n"),
      line: `${prefix} 405 (method not allowed)`,
    };
  }
  const name = fileNameOf(head.target);
  if (name === null) return notFound(head, prefix, "not a plain file name at the root");
  const found = resolve(name, remote);
  return found instanceof Promise ? found.then((f) => fileAnswer(head, prefix, name, f)) : fileAnswer(head, prefix, name, found);
}

function fileAnswer(head: RequestHead, prefix: string, name: string, found: FoundFile): Answer {
  if (!found.body) return notFound(head, prefix, found.note);
  const type = name.endsWith(".cnf.xml") ? "text/xml" : "application/octet-stream";
  return { bytes: encode(200, "OK", type, found.body, head), line: `${prefix} 200 ${found.body.length} bytes (${found.note})` };
}

function notFound(head: RequestHead, prefix: string, note: string): Answer {
  return { bytes: encode(404, "Not Found", "text/plain", NOT_FOUND_BODY, head), line: `${prefix} 404 (${note})` };
}

const METHOD_BODY = Buffer.from("GET or HEAD only\n");
const NOT_FOUND_BODY = Buffer.from("not found\n");
const REASONS: Record<number, string> = { 400: "Bad Request", 414: "URI Too Long", 431: "Request Header Fields Too Large", 505: "HTTP Version Not Supported" };

/** Status line, headers and (unless HEAD) body in one buffer. */
function encode(status: number, reason: string, type: string, body: Uint8Array, head: RequestHead, extra = ""): Buffer {
  const connection = head.keepAlive ? `keep-alive\r\nkeep-alive: timeout=${KEEP_ALIVE_PROMISED_S}` : "close";
  const text =
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${type}\r\ncontent-length: ${body.length}\r\ncache-control: no-store\r\n` +
    `${extra}date: ${httpDate()}\r\nconnection: ${connection}\r\n\r\n`;
  const withBody = head.method !== "HEAD";
  const out = Buffer.allocUnsafe(text.length + (withBody ? body.length : 0));
  out.write(text, 0, "latin1");
  if (withBody) out.set(body, text.length);
  return out;
}

/** An answer that ends the connection (a refusal, a time-out, an error). */
function simpleAnswer(status: number, reason: string, body: string, keepAlive: boolean): Buffer {
  return encode(status, reason, "text/plain", Buffer.from(body, "latin1"), { method: "GET", target: "", version: "1.1", keepAlive, hasBody: false });
}

/** The Date header, formatted once a second rather than per answer. */
let dateSecond = 0;
let dateText = "";
function httpDate(): string {
  const now = Date.now();
  const second = now - (now % 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second).toUTCString();
  }
  return dateText;
}

/** "/NAME" (an optional query ignored) → NAME; anything with a further slash or backslash → null. */
export function fileNameOf(url: string): string | null {
  const path = url.split("?", 1)[0];
  if (!path.startsWith("/")) return null;
  const name = path.slice(1);
  if (name.length === 0 || name.includes("/") || name.includes("\\")) return null;
  return name;
}

function closeServer(server: Server, open: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of open) socket.destroy();
  });
}
