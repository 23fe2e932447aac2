// The phone's TFTP client: one read (RRQ) per call. It asks for blksize 1428 and
// tsize and falls back to RFC 1350's 512-byte blocks when the server declines (no
// OACK, an OACK without blksize, or error 8 — then it asks again without options).
// Lock-step receiver: it acks only the expected block, re-acks the previous one when
// that arrives again, ignores anything else, and retransmits its last packet when the
// server goes quiet. Block numbers may wrap from 65535 to 0.

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { MAX_FILE_BYTES } from "../boundedRead.js";
import { printable } from "../logText.js";
import { endpoint } from "./endpoint.js";
import { acceptOack, DEFAULT_BLKSIZE } from "./tftpOptions.js";
import {
  type DataPacket,
  decodePacket,
  describeErrorCode,
  encodeAck,
  encodeError,
  encodeRequest,
  type OackPacket,
  TftpErrorCode,
  type TftpOptions,
} from "./tftpPacket.js";

export interface TftpGetOptions {
  host: string;
  /** default 69 */
  port?: number;
  filename: string;
  /** the address to send from; default the system's choice */
  localAddress?: string;
  /** block size to ask for; default 1428 (fits an Ethernet MTU), 0 or 512 asks for none */
  blksize?: number;
  /** ask for the transfer size (RFC 2349); default true */
  tsize?: boolean;
  /** wait for each answer this long before retransmitting; default 1000 ms */
  timeoutMs?: number;
  /** retransmissions of one packet before giving up; default 5 */
  retries?: number;
  /** refuse files larger than this; default 16 MiB */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** What went wrong, for callers that act on it (a fetcher falls back, a boot flow tries another name). */
export type TftpFailure = "not-found" | "server-error" | "unreachable" | "timeout" | "protocol" | "too-large" | "tsize-mismatch" | "aborted";

export class TftpClientError extends Error {
  constructor(
    message: string,
    readonly kind: TftpFailure,
    /** the server's TFTP error code, when it sent one */
    readonly tftpCode?: number,
  ) {
    super(message);
    this.name = "TftpClientError";
  }
}

export const DEFAULT_CLIENT_BLKSIZE = 1428;
/** The largest file a phone downloads: one limit for downloads and the CLI's inputs. */
export const DEFAULT_MAX_BYTES = MAX_FILE_BYTES;

/** Download one file. Errors are TftpClientError and name the file, the server and the TFTP error. */
export async function tftpGet(options: TftpGetOptions): Promise<Uint8Array> {
  const port = options.port ?? 69;
  const server = await lookup(options.host).catch((err: Error) => {
    throw new TftpClientError(
      `TFTP "${printable(options.filename)}" from ${endpoint(options.host, port)}: cannot resolve the host (${err.message})`,
      "unreachable",
    );
  });
  const requested = requestOptions(options);
  try {
    return await new ReadTransfer(options, server.address, server.family, port, requested).run();
  } catch (e) {
    // Error 8 to our options: RFC 2347 says ask again without them.
    if (e instanceof OptionsRefused) return new ReadTransfer(options, server.address, server.family, port, new Map()).run();
    throw e;
  }
}

function requestOptions(options: TftpGetOptions): TftpOptions {
  const asked: TftpOptions = new Map();
  const blksize = options.blksize ?? DEFAULT_CLIENT_BLKSIZE;
  if (blksize !== 0 && blksize !== DEFAULT_BLKSIZE) asked.set("blksize", String(blksize));
  if (options.tsize ?? true) asked.set("tsize", "0");
  return asked;
}

/** Internal: the server answered our options with error 8. */
class OptionsRefused extends Error {}

class ReadTransfer {
  private readonly socket: Socket;
  private readonly label: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxBytes: number;
  /** the server's transfer ID (its port), fixed by its first answer */
  private tid: number | undefined;
  private blksize = DEFAULT_BLKSIZE;
  private tsize: number | undefined;
  private oackAccepted = false;
  /** the block we wait for next (a count, not wrapped) */
  private expected = 1;
  private readonly chunks: Uint8Array[] = [];
  private received = 0;
  private lastSent: Uint8Array;
  private retriesUsed = 0;
  private timer: NodeJS.Timeout | undefined;
  private settle: { resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private done = false;
  private dallying = false;
  private pendingSends = 0;
  private closeRequested = false;
  private closing = false;

  constructor(
    private readonly options: TftpGetOptions,
    private readonly address: string,
    family: number,
    private readonly port: number,
    private readonly asked: TftpOptions,
  ) {
    this.label = `TFTP "${printable(options.filename)}" from ${endpoint(options.host, port)}`;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 5;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.socket = createSocket(family === 6 ? "udp6" : "udp4");
    this.lastSent = encodeRequest("RRQ", options.filename, "octet", asked);
  }

  run(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      const { signal } = this.options;
      if (signal?.aborted) return this.fail(new TftpClientError(`${this.label}: aborted`, "aborted"));
      signal?.addEventListener("abort", this.onAbort, { once: true });
      this.socket.on("message", (msg, rinfo) => this.onMessage(msg, rinfo));
      this.socket.on("error", (err) => this.fail(new TftpClientError(`${this.label}: socket error: ${err.message}`, "protocol")));
      const from = this.options.localAddress;
      if (from === undefined) this.transmit();
      else
        this.socket.bind({ port: 0, address: from }, () => {
          if (!this.done) this.transmit(); // not when aborted while binding
        });
    });
  }

  private readonly onAbort = (): void => {
    if (this.tid !== undefined) this.sendTo(this.tid, encodeError(TftpErrorCode.NOT_DEFINED, "transfer cancelled"));
    this.fail(new TftpClientError(`${this.label}: aborted`, "aborted"));
  };

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.done) return this.dallyAnswer(msg, rinfo);
    if (rinfo.address !== this.address || (this.tid !== undefined && rinfo.port !== this.tid)) {
      this.sendTo(rinfo.port, encodeError(TftpErrorCode.UNKNOWN_TID, "unknown transfer ID"), rinfo.address);
      return;
    }
    const packet = decodePacket(msg);
    if (packet.op === "malformed") return; // a damaged datagram: the timer will ask again
    this.tid ??= rinfo.port;
    switch (packet.op) {
      case "OACK":
        return this.onOack(packet);
      case "DATA":
        return this.onData(packet);
      case "ERROR":
        return this.onError(packet.code, packet.message);
      default:
        return this.abandon(TftpErrorCode.ILLEGAL_OPERATION, `server sent ${packet.op} during a read`);
    }
  }

  private onOack(packet: OackPacket): void {
    if (this.expected !== 1) return; // data already flows: a late duplicate
    if (this.oackAccepted) return this.transmit(); // our ACK 0 was lost
    if (this.asked.size === 0) return this.abandon(TftpErrorCode.ILLEGAL_OPERATION, "server sent an OACK but no option was requested");
    const params = acceptOack(this.asked, packet.options);
    if (typeof params === "string") return this.abandon(TftpErrorCode.OPTION_REFUSED, params);
    if (params.tsize !== undefined && params.tsize > this.maxBytes) {
      return this.abandon(TftpErrorCode.DISK_FULL, `file of ${params.tsize} bytes exceeds the limit of ${this.maxBytes}`, "too-large");
    }
    this.oackAccepted = true;
    this.blksize = params.blksize;
    this.tsize = params.tsize;
    this.sendNew(encodeAck(0));
  }

  private onData(packet: DataPacket): void {
    if (packet.block !== (this.expected & 0xffff)) {
      // The previous block again: our ACK was lost, say it once more. Anything else is ignored.
      if (this.expected > 1 && packet.block === ((this.expected - 1) & 0xffff)) this.transmit();
      return;
    }
    if (packet.data.length > this.blksize) {
      return this.abandon(TftpErrorCode.ILLEGAL_OPERATION, `block ${packet.block} carries ${packet.data.length} bytes, more than blksize ${this.blksize}`);
    }
    this.received += packet.data.length;
    if (this.received > this.maxBytes) {
      return this.abandon(TftpErrorCode.DISK_FULL, `file exceeds the limit of ${this.maxBytes} bytes`, "too-large");
    }
    if (this.tsize !== undefined && this.received > this.tsize) {
      return this.abandon(TftpErrorCode.NOT_DEFINED, `server announced tsize ${this.tsize} but sent more`, "tsize-mismatch");
    }
    this.chunks.push(new Uint8Array(packet.data)); // copy: the datagram buffer is not ours
    this.sendNew(encodeAck(packet.block));
    this.expected++;
    if (packet.data.length < this.blksize) this.complete();
  }

  private onError(code: number, message: string): void {
    if (code === TftpErrorCode.OPTION_REFUSED && this.asked.size > 0 && !this.oackAccepted && this.expected === 1) {
      return this.fail(new OptionsRefused());
    }
    const kind: TftpFailure = code === TftpErrorCode.FILE_NOT_FOUND ? "not-found" : "server-error";
    this.fail(new TftpClientError(`${this.label}: server sent ${describeErrorCode(code)}: "${printable(message)}"`, kind, code));
  }

  private complete(): void {
    if (this.tsize !== undefined && this.received !== this.tsize) {
      return this.fail(new TftpClientError(`${this.label}: server announced tsize ${this.tsize} but sent ${this.received} bytes`, "tsize-mismatch"));
    }
    const bytes = new Uint8Array(this.received);
    let p = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, p);
      p += chunk.length;
    }
    this.finish();
    this.settle?.resolve(bytes);
    this.dally();
  }

  /**
   * RFC 1350 §6: the receiver lingers after its final ACK so that, if that ACK was lost and the
   * server sends the last block again, it is acked once more. The socket does not hold the process.
   */
  private dally(): void {
    this.dallying = true;
    this.socket.unref();
    // Longer than one retransmission interval of the server's, which we assume is like ours.
    this.timer = setTimeout(() => this.close(), 3 * this.timeoutMs);
    this.timer.unref();
  }

  private dallyAnswer(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.dallying && rinfo.port === this.tid && decodePacket(msg).op === "DATA") this.sendTo(rinfo.port, this.lastSent);
  }

  /** A new packet: it becomes the one retransmitted on timeout. */
  private sendNew(packet: Uint8Array): void {
    this.lastSent = packet;
    this.retriesUsed = 0;
    this.transmit();
  }

  private transmit(): void {
    this.sendTo(this.tid ?? this.port, this.lastSent);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
  }

  private onTimeout(): void {
    if (this.done) return;
    if (this.retriesUsed >= this.retries) {
      const waiting = this.tid === undefined ? "no answer to the request" : `no block ${this.expected} (${this.received} bytes received)`;
      return this.fail(new TftpClientError(`${this.label}: timed out, ${waiting} after ${this.retries} retries of ${this.timeoutMs} ms`, "timeout"));
    }
    this.retriesUsed++;
    this.transmit();
  }

  /** Tell the server why we stop (one ERROR packet), then fail. */
  private abandon(code: number, reason: string, kind: TftpFailure = "protocol"): void {
    this.sendTo(this.tid ?? this.port, encodeError(code, reason));
    this.fail(new TftpClientError(`${this.label}: ${reason}`, kind));
  }

  private sendTo(port: number, packet: Uint8Array, address = this.address): void {
    if (this.closing) return;
    this.pendingSends++;
    // A failed send needs no handling: a lost datagram is what retransmission is for.
    this.socket.send(packet, port, address, () => {
      this.pendingSends--;
      if (this.closeRequested && this.pendingSends === 0) this.close();
    });
  }

  /** Close once the datagrams already handed to the socket (an ERROR to the server) have gone out. */
  private close(): void {
    this.closeRequested = true;
    if (this.pendingSends > 0 || this.closing) return;
    this.closing = true;
    this.socket.close();
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener("abort", this.onAbort);
  }

  private fail(error: Error): void {
    if (this.done) return;
    this.finish();
    this.close();
    this.settle?.reject(error);
  }
}
