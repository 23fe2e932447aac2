// Option negotiation (RFC 2347) for the three options we speak: blksize (RFC 2348),
// tsize and timeout (RFC 2349). The server decides what it accepts and answers in an
// OACK; the client checks that the OACK only narrows what it asked for.
import type { TftpOptions } from "./tftpPacket.js";

/** RFC 1350's block size, used whenever blksize is not negotiated. */
export const DEFAULT_BLKSIZE = 512;
export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
export const MIN_TIMEOUT_S = 1;
export const MAX_TIMEOUT_S = 255;

/** What a transfer runs with once negotiation is over. */
export interface TransferParameters {
  blksize: number;
  /** transfer size the server announced (client side), or reports (server side) */
  tsize?: number;
  /** retransmission interval in seconds, when the timeout option was agreed */
  timeoutS?: number;
}

export interface ServerNegotiation extends TransferParameters {
  /** the OACK's options; empty means "send no OACK, start with DATA 1" */
  oack: TftpOptions;
}

/**
 * Server side: accept what is valid among the requested options. Invalid or unknown options
 * are left out of the OACK (RFC 2347 lets a server ignore them); a blksize above our ceiling
 * is lowered to it (RFC 2348 lets the server answer with a smaller size), a timeout above
 * `maxTimeoutS` is not acknowledged (the server keeps its own interval).
 */
export function negotiateAsServer(requested: TftpOptions, fileSize: number, maxBlksize = MAX_BLKSIZE, maxTimeoutS = MAX_TIMEOUT_S): ServerNegotiation {
  const oack: TftpOptions = new Map();
  const result: ServerNegotiation = { blksize: DEFAULT_BLKSIZE, oack };
  const blksize = parseDecimal(requested.get("blksize"));
  if (blksize !== undefined && blksize >= MIN_BLKSIZE) {
    result.blksize = Math.min(blksize, maxBlksize, MAX_BLKSIZE);
    oack.set("blksize", String(result.blksize));
  }
  if (requested.has("tsize")) {
    result.tsize = fileSize;
    oack.set("tsize", String(fileSize));
  }
  const timeout = parseDecimal(requested.get("timeout"));
  // A timeout above the server's ceiling is left out (RFC 2349 lets a server ignore it): a
  // client must not choose how long it may hold a transfer slot.
  if (timeout !== undefined && timeout >= MIN_TIMEOUT_S && timeout <= Math.min(maxTimeoutS, MAX_TIMEOUT_S)) {
    result.timeoutS = timeout;
    oack.set("timeout", String(timeout));
  }
  return result;
}

/**
 * Client side: the parameters an OACK sets, or a string saying why it is unacceptable
 * (an option we did not ask for, a blksize larger than asked, a timeout changed, a bad number).
 */
export function acceptOack(asked: TftpOptions, oack: TftpOptions): TransferParameters | string {
  const params: TransferParameters = { blksize: DEFAULT_BLKSIZE };
  for (const [name, value] of oack) {
    if (!asked.has(name)) return `server acknowledged option "${name}" that was not requested`;
    const n = parseDecimal(value);
    if (n === undefined) return `server sent ${name}=${JSON.stringify(value)}, not a decimal number`;
    if (name === "blksize") {
      const limit = Number(asked.get("blksize"));
      if (n < MIN_BLKSIZE || n > limit) return `server chose blksize ${n}, outside ${MIN_BLKSIZE}..${limit}`;
      params.blksize = n;
    } else if (name === "tsize") {
      params.tsize = n;
    } else if (name === "timeout") {
      if (value !== asked.get("timeout")) return `server changed timeout from ${asked.get("timeout")} to ${value}`;
      params.timeoutS = n;
    }
  }
  return params;
}

/** A non-negative decimal integer, or undefined (also for absent, empty or absurdly long values). */
function parseDecimal(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,15}$/.test(value)) return undefined;
  return Number(value);
}
