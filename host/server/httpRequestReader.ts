// The request side of HTTP/1.x as port 6970 needs it, and no more: phones send a request line
// and a few headers, never a body. Bytes are fed as they arrive (a request may come split
// across many TCP segments, or several pipelined in one); each complete head is handed out in
// order. Everything is bounded: a head is at most MAX_HEAD_BYTES (414 when the request line
// alone is past it, 431 when the headers are) and MAX_HEADERS lines. What the reader refuses
// carries the status to answer and a reason for the log; the caller then closes the
// connection, since the rest of the stream can no longer be framed.

/** Request line plus headers; Node's own default limit is 16 KiB, phones send a few hundred bytes. */
export const MAX_HEAD_BYTES = 8 * 1024;
export const MAX_HEADERS = 64;

export interface RequestHead {
  method: string;
  /** the request target exactly as sent (latin1; not decoded, not normalised) */
  target: string;
  version: "1.0" | "1.1";
  /** whether the connection may carry another request after this one (the version's default and the Connection header) */
  keepAlive: boolean;
  /** the request announced a body (Content-Length > 0 or Transfer-Encoding): it is not read, so the connection must close after the answer */
  hasBody: boolean;
}

export type ReadResult = { kind: "more" } | { kind: "request"; head: RequestHead } | { kind: "refused"; status: 400 | 414 | 431 | 505; reason: string };

const CR = 0x0d;
const LF = 0x0a;
/** token characters (RFC 9110 §5.6.2) */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** a request target: visible characters, no space or control byte (bytes ≥ 0x80 pass and simply name no file) */
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
/** a field value: no control characters other than tab */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;

export class HttpRequestReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds bytes from the connection. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** Bytes received and not yet part of a handed-out request. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The next complete request head, "more" when it has not all arrived, or why the stream is refused. */
  next(): ReadResult {
    // Empty lines before a request line are ignored (RFC 9112 §2.2): some clients send a CRLF after a body.
    let start = 0;
    while (start < this.pending.length && (this.pending[start] === CR || this.pending[start] === LF)) start++;
    if (start > 0) this.pending = this.pending.subarray(start);
    const end = headEnd(this.pending);
    if (end === -1) return this.tooLong() ?? { kind: "more" };
    if (end.headEnd > MAX_HEAD_BYTES) return this.tooLong(true) as ReadResult;
    const text = this.pending.toString("latin1", 0, end.headEnd);
    this.pending = this.pending.subarray(end.next);
    return parseHead(text);
  }

  /** A refusal when what is buffered can no longer become a head within the bound. */
  private tooLong(complete = false): ReadResult | undefined {
    if (!complete && this.pending.length <= MAX_HEAD_BYTES) return undefined;
    const lineEnd = this.pending.indexOf(LF);
    if (lineEnd < 0 || lineEnd > MAX_HEAD_BYTES) return { kind: "refused", status: 414, reason: `request line longer than ${MAX_HEAD_BYTES} bytes` };
    return { kind: "refused", status: 431, reason: `request head longer than ${MAX_HEAD_BYTES} bytes` };
  }
}

/** Where the head ends (before its blank line) and where the next request starts; -1 while incomplete. Lines end in CRLF or a bare LF. */
function headEnd(b: Buffer): { headEnd: number; next: number } | -1 {
  let at = b.indexOf(LF);
  while (at >= 0) {
    const after = at + 1;
    if (after < b.length && b[after] === LF) return { headEnd: at, next: after + 1 };
    if (after + 1 < b.length && b[after] === CR && b[after + 1] === LF) return { headEnd: at, next: after + 2 };
    if (after + 1 >= b.length) return -1;
    at = b.indexOf(LF, after);
  }
  return -1;
}

function parseHead(text: string): ReadResult {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  const bad = (reason: string): ReadResult => ({ kind: "refused", status: 400, reason });
  if (lines.length - 1 > MAX_HEADERS) return { kind: "refused", status: 431, reason: `more than ${MAX_HEADERS} header lines` };
  const parts = lines[0].split(" ");
  if (parts.length !== 3) return bad("request line is not METHOD TARGET VERSION");
  const [method, target, versionText] = parts;
  if (!TOKEN.test(method)) return bad("method is not a token");
  if (!TARGET.test(target)) return bad("request target has a control character");
  const version = VERSION.exec(versionText);
  if (!version) return bad("no HTTP version");
  if (version[1] !== "1") return { kind: "refused", status: 505, reason: `HTTP/${version[1]}.${version[2]} is not served` };
  const v11 = version[2] !== "0";
  const fields = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes("\r")) return bad("a bare CR in a header line");
    if (line[0] === " " || line[0] === "\t") return bad("a folded header line");
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) return bad("a header line without a field name");
    const value = line.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) return bad(`header ${name} has a control character`);
    const key = name.toLowerCase();
    const earlier = fields.get(key);
    if (earlier !== undefined && (key === "content-length" || key === "host")) return bad(`header ${name} given twice`);
    fields.set(key, earlier === undefined ? value : `${earlier}, ${value}`);
  }
  if (v11 && !fields.has("host")) return bad("HTTP/1.1 request without Host");
  const length = fields.get("content-length");
  const coding = fields.get("transfer-encoding");
  if (length !== undefined && !/^\d{1,15}$/.test(length)) return bad("Content-Length is not a number");
  if (length !== undefined && coding !== undefined) return bad("both Content-Length and Transfer-Encoding");
  const connection = (fields.get("connection") ?? "")
    .toLowerCase()
    .split(",")
    .map((t) => t.trim());
  const keepAlive = v11 ? !connection.includes("close") : connection.includes("keep-alive");
  const hasBody = coding !== undefined || (length !== undefined && Number(length) > 0);
  return { kind: "request", head: { method, target, version: v11 ? "1.1" : "1.0", keepAlive: keepAlive && !hasBody, hasBody } };
}
