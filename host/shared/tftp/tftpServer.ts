// A read-only TFTP server (RFC 1350 with RFC 2347/2348/2349 options). The listening
// socket only takes requests; each accepted read runs on its own ephemeral socket
// (its transfer ID) in a SendTransfer. Names are checked here before the caller's
// resolver is asked; writes are refused. One log line per request.
import { createSocket, type RemoteInfo, type Socket, type SocketType } from "node:dgram";
import { isIPv6 } from "node:net";
import { logLine, printable } from "../logText.js";
import { endpoint } from "./endpoint.js";
import { toNetascii } from "./netascii.js";
import { unsafeFilenameReason } from "./tftpFilename.js";
import { MAX_BLKSIZE, negotiateAsServer } from "./tftpOptions.js";
import { decodePacket, encodeError, type RequestPacket, TftpErrorCode } from "./tftpPacket.js";
import { type Peer, type SendOutcome, SendTransfer } from "./tftpSendTransfer.js";

export interface TftpRemote extends Peer {
  family: string;
}

export interface TftpServerOptions {
  /** address to listen on; default 127.0.0.1 */
  bind?: string;
  /** UDP port; 0 (default) picks a free one */
  port?: number;
  /** the file's bytes, or null when there is no such file (→ error 1) */
  resolve: (filename: string, remote: TftpRemote) => Promise<Uint8Array | null>;
  log?: (line: string) => void;
  /** retransmission interval when the client does not negotiate one; default 1000 ms */
  timeoutMs?: number;
  /** retransmissions of one packet before a transfer is abandoned; default 5 */
  retries?: number;
  /** largest block size granted; default and ceiling 65464 */
  maxBlksize?: number;
  /** transfers at once (each holds a socket); when all are taken, the oldest one still waiting for its
   * first ACK is ended to make room, else the request gets error 0 "server busy"; default 256 */
  maxTransfers?: number;
  /** longest a transfer may hold its slot, whatever time-out and retries it negotiated; default 30 000 ms */
  maxTransferMs?: number;
  /** largest `timeout` option (seconds) acknowledged; a client asking for more gets the server's interval; default 5 */
  maxClientTimeoutS?: number;
}

export interface TftpServer {
  readonly address: string;
  readonly port: number;
  /** transfers in progress, counting those whose resolver has not answered yet (each holds or will hold a socket) */
  activeTransfers(): number;
  /** stops listening and abandons every transfer; resolves when all sockets are closed */
  close(): Promise<void>;
}

export async function startTftpServer(options: TftpServerOptions): Promise<TftpServer> {
  const server = new TftpListener(options);
  await server.listen();
  return server;
}

class TftpListener implements TftpServer {
  private readonly socketType: SocketType;
  private readonly listener: Socket;
  /** remote "address|port" → its transfer (null while the resolver works) */
  private readonly transfers = new Map<string, SendTransfer | null>();
  private readonly openSockets = new Set<Socket>();
  private closed = false;
  address: string;
  port = 0;

  constructor(private readonly options: TftpServerOptions) {
    this.address = options.bind ?? "127.0.0.1";
    this.socketType = isIPv6(this.address) ? "udp6" : "udp4";
    this.listener = createSocket(this.socketType);
    this.listener.on("message", (msg, rinfo) => this.onRequest(msg, rinfo));
    this.listener.on("error", (err) => this.log(`tftp listener error: ${err.message}`));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listener.once("error", reject);
      this.listener.bind(this.options.port ?? 0, this.address, () => {
        this.listener.off("error", reject);
        this.port = this.listener.address().port;
        resolve();
      });
    });
  }

  activeTransfers(): number {
    return this.transfers.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const transfer of this.transfers.values()) transfer?.abort("server closing");
    this.transfers.clear(); // also the requests whose resolver has not answered: they will not start
    const sockets = [this.listener, ...this.openSockets];
    await Promise.all(sockets.map((s) => new Promise<void>((done) => s.close(() => done()))));
  }

  private onRequest(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    const packet = decodePacket(msg);
    const from = endpoint(rinfo.address, rinfo.port);
    if (packet.op === "RRQ") {
      this.onReadRequest(packet, rinfo);
    } else if (packet.op === "WRQ") {
      this.refuse(rinfo, TftpErrorCode.ACCESS_VIOLATION, "write requests are not accepted", `tftp ${from} WRQ "${printable(packet.filename)}"`);
    } else if (packet.op === "malformed") {
      this.refuse(rinfo, TftpErrorCode.ILLEGAL_OPERATION, `malformed request: ${packet.reason}`, `tftp ${from} malformed packet`);
    } else if (packet.op !== "ERROR") {
      // DATA/ACK/OACK belong to a transfer socket, not to the listening port. Never answer an ERROR.
      this.refuse(rinfo, TftpErrorCode.UNKNOWN_TID, `${packet.op} sent to the request port`, `tftp ${from} stray ${packet.op}`);
    }
  }

  private onReadRequest(request: RequestPacket, remote: RemoteInfo): void {
    const key = `${remote.address}|${remote.port}`;
    // A client retransmitting its RRQ while we work on the first one: one transfer is enough.
    if (this.transfers.has(key)) return;
    const head = `tftp ${endpoint(remote.address, remote.port)} RRQ "${printable(request.filename)}"`;
    const unsafe = unsafeFilenameReason(request.filename);
    if (unsafe) return this.refuse(remote, TftpErrorCode.ACCESS_VIOLATION, `refused: ${unsafe}`, head);
    if (request.mode === "mail") return this.refuse(remote, TftpErrorCode.ILLEGAL_OPERATION, "mail mode cannot be read", head);
    if (this.transfers.size >= (this.options.maxTransfers ?? 256) && !this.evictStalled()) {
      return this.refuse(remote, TftpErrorCode.NOT_DEFINED, "server busy, try again later", head);
    }
    this.transfers.set(key, null);
    const peer: TftpRemote = { address: remote.address, port: remote.port, family: remote.family };
    // Through a promise so that a resolver throwing synchronously is caught like one that rejects.
    Promise.resolve()
      .then(() => this.options.resolve(request.filename, peer))
      .then(
        (bytes) => this.onResolved(key, request, peer, head, bytes),
        (err: Error) => {
          this.transfers.delete(key);
          this.refuse(remote, TftpErrorCode.NOT_DEFINED, "internal server error", `${head} resolver failed: ${err?.message ?? err}`);
        },
      );
  }

  /**
   * Frees a slot held by a client that has not acknowledged even its first packet for longer than
   * one retransmission interval — a live client answers in milliseconds, a flood of requests that
   * never ACK must not keep real phones out. True when a slot was freed.
   */
  private evictStalled(): boolean {
    const patience = this.options.timeoutMs ?? 1000;
    let oldest: SendTransfer | undefined;
    for (const transfer of this.transfers.values()) {
      if (!transfer?.awaitingFirstAck() || Date.now() - transfer.startedAt < patience) continue;
      if (!oldest || transfer.startedAt < oldest.startedAt) oldest = transfer;
    }
    oldest?.cut("ended to make room: no ACK for its first packet while the server was full");
    return oldest !== undefined;
  }

  private onResolved(key: string, request: RequestPacket, peer: TftpRemote, head: string, found: Uint8Array | null): void {
    if (this.closed) return;
    if (found === null) {
      this.transfers.delete(key);
      return this.refuse(peer, TftpErrorCode.FILE_NOT_FOUND, "file not found", head);
    }
    const bytes = request.mode === "netascii" ? toNetascii(found) : found;
    const negotiation = negotiateAsServer(request.options, bytes.length, this.options.maxBlksize ?? MAX_BLKSIZE, this.options.maxClientTimeoutS ?? 5);
    const detail = `${head} blksize=${negotiation.blksize}${negotiation.tsize !== undefined ? ` tsize=${negotiation.tsize}` : ""}`;
    const socket = createSocket(this.socketType);
    this.openSockets.add(socket);
    const bindFailed = (err: Error): void => {
      this.transfers.delete(key);
      this.openSockets.delete(socket);
      this.refuse(peer, TftpErrorCode.NOT_DEFINED, "no transfer socket available", `${head} cannot bind a transfer socket: ${err.message}`);
    };
    socket.once("error", bindFailed);
    const started = Date.now();
    socket.bind(0, this.address, () => {
      socket.off("error", bindFailed);
      socket.on("error", () => {}); // a send error ends the transfer through its callback
      if (this.closed) return;
      const transfer = new SendTransfer(
        socket,
        peer,
        bytes,
        {
          blksize: negotiation.blksize,
          timeoutMs: negotiation.timeoutS !== undefined ? negotiation.timeoutS * 1000 : (this.options.timeoutMs ?? 1000),
          retries: this.options.retries ?? 5,
          oack: negotiation.oack,
          deadlineMs: this.options.maxTransferMs ?? 30_000,
        },
        (outcome) => this.onTransferEnd(key, socket, detail, outcome, Date.now() - started),
      );
      this.transfers.set(key, transfer);
      transfer.start();
    });
  }

  private onTransferEnd(key: string, socket: Socket, detail: string, outcome: SendOutcome, ms: number): void {
    this.transfers.delete(key);
    this.log(`${detail} → ${outcome.summary}, ${outcome.bytesAcked} bytes in ${outcome.blocks} blocks, ${ms} ms`);
    if (!this.closed) {
      this.openSockets.delete(socket);
      socket.close();
    }
  }

  /** Answer a request with an error from the listening port, and log it. */
  private refuse(to: Peer, code: number, message: string, head: string): void {
    if (this.closed) return;
    this.listener.send(encodeError(code, message), to.port, to.address);
    this.log(`${head} → ${message} (TFTP error ${code})`);
  }

  private log(line: string): void {
    this.options.log?.(logLine(line));
  }
}
