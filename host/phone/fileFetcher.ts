// How the phone gets a file from the TFTP service: over HTTP (port 6970), over TFTP
// (UDP 69), or "auto" — HTTP first, as in the seed's capture, and TFTP when the HTTP
// service does not answer (cannot connect, or times out).
//
// Decision: in auto mode a 404 over HTTP is an answer, not an outage. The file is
// reported not found and is NOT asked for again over TFTP: both are views of the same
// service, and asking twice would only double the wait before a boot flow tries its
// next name (ITLSEP<MAC>.tlv → ITLFile.tlv). Other HTTP answers (500, a body over the
// limit) are failures, not reasons to switch transport either.

import { TftpClientError, type TftpFailure, tftpGet } from "../shared/tftp/tftpClient.js";
import { DEFAULT_HTTP_PORT, type HttpFailure, HttpFetchError, httpGet } from "./httpFetch.js";

export type Transport = "auto" | "http" | "tftp";
export type Via = "http" | "tftp";

export interface FetchFileOptions {
  host: string;
  /** default 6970 */
  httpPort?: number;
  /** default 69 */
  tftpPort?: number;
  /** default "auto" */
  transport?: Transport;
  filename: string;
  /** the phone's own address (HTTP and TFTP); default the system's choice */
  localAddress?: string;
  /** HTTP: connect/answer timeout; TFTP: retransmission interval. Defaults: 3000 ms and 1000 ms */
  timeoutMs?: number;
  /** TFTP retransmissions before giving up; default 5 */
  retries?: number;
  /** refuse files larger than this; default 16 MiB */
  maxBytes?: number;
  /** the whole fetch (both transports), however the server paces its bytes; default 30 000 ms */
  deadlineMs?: number;
  signal?: AbortSignal;
}

/** A fetch's overall deadline by default: far above a config's download time, far below "hours". */
export const DEFAULT_FETCH_DEADLINE_MS = 30_000;

export interface FetchedFile {
  bytes: Uint8Array;
  via: Via;
  /** when auto fell back to TFTP: why HTTP was given up */
  httpSkipped?: string;
}

/**
 * not-found: the service answered that it has no such file (404, TFTP error 1).
 * unreachable: no service answered on the transports tried. aborted: the signal fired.
 * failed: an answer came but no file (another error, a size limit, a protocol fault).
 */
export type FetchFailure = "not-found" | "unreachable" | "failed" | "aborted";

export class FetchError extends Error {
  constructor(
    message: string,
    readonly kind: FetchFailure,
    /** the transport whose answer decided the outcome */
    readonly via: Via,
    readonly filename: string,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

/** True for "the server has no such file" — the cue to try another name. */
export function isNotFound(error: unknown): boolean {
  return error instanceof FetchError && error.kind === "not-found";
}

export async function fetchFile(options: FetchFileOptions): Promise<FetchedFile> {
  // The silence time-outs below restart with every byte; this one does not (a server that
  // drips one byte a second would otherwise hold the phone for hours).
  const deadlineMs = options.deadlineMs ?? DEFAULT_FETCH_DEADLINE_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    return await fetchWithin({ ...options, signal });
  } catch (e) {
    if (deadline.signal.aborted && !options.signal?.aborted) {
      throw new FetchError(
        `${options.filename}: not received within the fetch deadline of ${deadlineMs} ms (the server answers too slowly)`,
        "unreachable",
        e instanceof FetchError ? e.via : "http",
        options.filename,
      );
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function fetchWithin(options: FetchFileOptions): Promise<FetchedFile> {
  const transport = options.transport ?? "auto";
  if (transport === "tftp") return { bytes: await overTftp(options), via: "tftp" };
  try {
    return { bytes: await overHttp(options), via: "http" };
  } catch (e) {
    if (transport === "http" || !(e instanceof FetchError) || e.kind !== "unreachable") throw e;
    try {
      return { bytes: await overTftp(options), via: "tftp", httpSkipped: e.message };
    } catch (tftpError) {
      if (tftpError instanceof FetchError && tftpError.kind === "unreachable") {
        throw new FetchError(`${e.message}; then ${tftpError.message}`, "unreachable", "tftp", options.filename);
      }
      throw tftpError;
    }
  }
}

async function overHttp(options: FetchFileOptions): Promise<Uint8Array> {
  try {
    return await httpGet({
      host: options.host,
      port: options.httpPort ?? DEFAULT_HTTP_PORT,
      filename: options.filename,
      localAddress: options.localAddress,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      signal: options.signal,
    });
  } catch (e) {
    if (!(e instanceof HttpFetchError)) throw e;
    throw new FetchError(e.message, fromHttp(e.kind), "http", options.filename);
  }
}

async function overTftp(options: FetchFileOptions): Promise<Uint8Array> {
  try {
    return await tftpGet({
      host: options.host,
      port: options.tftpPort ?? 69,
      filename: options.filename,
      localAddress: options.localAddress,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      maxBytes: options.maxBytes,
      signal: options.signal,
    });
  } catch (e) {
    if (!(e instanceof TftpClientError)) throw e;
    throw new FetchError(e.message, fromTftp(e.kind), "tftp", options.filename);
  }
}

function fromHttp(kind: HttpFailure): FetchFailure {
  if (kind === "not-found" || kind === "aborted") return kind;
  return kind === "unreachable" || kind === "timeout" ? "unreachable" : "failed";
}

function fromTftp(kind: TftpFailure): FetchFailure {
  if (kind === "not-found" || kind === "aborted") return kind;
  return kind === "timeout" || kind === "unreachable" ? "unreachable" : "failed";
}
