// The phone's HTTP download (CUCM's TFTP service also answers HTTP GET on port 6970).
// Failures are sorted by what a caller does next: "not-found" is an answer (the
// server has no such file), "unreachable" and "timeout" mean the service is not
// there (a phone then tries TFTP), anything else is a failed download.

import { type IncomingMessage, request } from "node:http";
import { MAX_FILE_BYTES } from "../shared/boundedRead.js";

export interface HttpGetOptions {
  host: string;
  /** default 6970 */
  port?: number;
  /** the file name; may contain "/" between segments (each segment is percent-encoded) */
  filename: string;
  /** the address to connect from; default the system's choice */
  localAddress?: string;
  /** for connecting, and for each silence while waiting for the answer; default 3000 ms */
  timeoutMs?: number;
  /** refuse bodies larger than this; default 16 MiB */
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * not-found: 404; unreachable: nothing accepts the connection; timeout: no connection or answer in time;
 * http-status: another status than 200; broken: the connection failed after it was made; too-large; aborted.
 */
export type HttpFailure = "not-found" | "unreachable" | "timeout" | "http-status" | "broken" | "too-large" | "aborted";

export class HttpFetchError extends Error {
  constructor(
    message: string,
    readonly kind: HttpFailure,
    /** the HTTP status, when the server answered */
    readonly status?: number,
  ) {
    super(message);
    this.name = "HttpFetchError";
  }
}

export const DEFAULT_HTTP_PORT = 6970;
const DEFAULT_MAX_BYTES = MAX_FILE_BYTES;

/** Connection errors that mean "nothing answers there", as opposed to a broken answer. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENOTFOUND", "EAI_AGAIN", "EADDRNOTAVAIL"]);

/** GET http://host:port/filename → the body. Errors are HttpFetchError and name the URL. */
export function httpGet(options: HttpGetOptions): Promise<Uint8Array> {
  const port = options.port ?? DEFAULT_HTTP_PORT;
  const path = "/" + options.filename.split("/").map(encodeURIComponent).join("/");
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}${path}`;
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, kind: HttpFailure, status?: number): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new HttpFetchError(`HTTP GET ${url}: ${message}`, kind, status));
    };
    // agent: false → a fresh connection that closes after the answer (nothing lingers).
    const req = request({
      host: options.host,
      port,
      path,
      method: "GET",
      agent: false,
      timeout: timeoutMs,
      signal: options.signal,
      localAddress: options.localAddress,
    });
    req.on("timeout", () => fail(`no answer within ${timeoutMs} ms`, "timeout"));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return fail("aborted", "aborted");
      const unreachable = err.code !== undefined && UNREACHABLE_CODES.has(err.code);
      fail(`${unreachable ? "cannot connect" : "connection failed"} (${err.code ?? err.message})`, unreachable ? "unreachable" : "broken");
    });
    req.on("response", (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status === 404) return fail("not found (404)", "not-found", 404);
      if (status !== 200) return fail(`server answered ${status} ${res.statusMessage ?? ""}`.trimEnd(), "http-status", status);
      const declared = Number(res.headers["content-length"]);
      if (declared > maxBytes) return fail(`body of ${declared} bytes exceeds the limit of ${maxBytes}`, "too-large", status);
      const chunks: Buffer[] = [];
      let length = 0;
      res.on("data", (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxBytes) return fail(`body exceeds the limit of ${maxBytes} bytes`, "too-large", status);
        chunks.push(chunk);
      });
      res.on("error", (err) => fail(`answer broken off (${err.message})`, "broken", status));
      res.on("end", () => {
        if (settled) return;
        if (!res.complete) return fail("answer broken off before its end", "broken", status);
        settled = true;
        resolve(new Uint8Array(Buffer.concat(chunks, length)));
      });
    });
    req.end();
  });
}
