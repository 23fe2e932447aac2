// One server-side read transfer: the lock-step sender of RFC 1350 on its own UDP
// socket (its TID). It retransmits its last packet only when the timer runs out, never
// on a duplicate ACK (RFC 1123 §4.2.3.1, the Sorcerer's Apprentice fix), gives up after
// a bounded number of retries, and answers strangers with error 5 without letting them
// disturb the transfer. Block numbers wrap from 65535 to 0, as common servers do.
import type { RemoteInfo, Socket } from "node:dgram";
import { printable } from "../logText.js";
import { decodePacket, encodeData, encodeError, encodeOack, TftpErrorCode, type TftpOptions } from "./tftpPacket.js";

export interface Peer {
  address: string;
  port: number;
}

export interface SendSettings {
  blksize: number;
  /** retransmission interval */
  timeoutMs: number;
  /** retransmissions of one packet before the transfer is abandoned */
  retries: number;
  /** options to acknowledge first; empty → start with DATA 1 */
  oack: TftpOptions;
  /** the whole transfer's time limit, whatever time-out and retries were negotiated */
  deadlineMs: number;
}

/** How a transfer ended, for the server's log line. */
export interface SendOutcome {
  ok: boolean;
  /** e.g. "sent", "abandoned: no ACK for block 3 after 5 retries", "client error 0: cancelled" */
  summary: string;
  /** bytes the client acknowledged */
  bytesAcked: number;
  blocks: number;
}

export class SendTransfer {
  private readonly totalBlocks: number;
  /** the block awaiting its ACK; 0 while the OACK awaits ACK 0 */
  private current = 0;
  private lastPacket: Uint8Array = new Uint8Array(0);
  private retriesUsed = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private finished = false;
  private acksSeen = 0;
  /** when start() ran (Date.now()) */
  startedAt = 0;

  constructor(
    private readonly socket: Socket,
    private readonly peer: Peer,
    private readonly bytes: Uint8Array,
    private readonly settings: SendSettings,
    private readonly onEnd: (outcome: SendOutcome) => void,
  ) {
    // A file that is an exact multiple of the block size ends with an empty DATA.
    this.totalBlocks = Math.floor(bytes.length / settings.blksize) + 1;
    socket.on("message", (msg, rinfo) => this.onMessage(msg, rinfo));
  }

  start(): void {
    this.startedAt = Date.now();
    this.deadline = setTimeout(() => this.cut(`deadline: not done after ${this.settings.deadlineMs} ms`), this.settings.deadlineMs);
    if (this.settings.oack.size > 0) this.send(encodeOack(this.settings.oack));
    else this.sendBlock(1);
  }

  /** Stop at once (server closing): no packet is sent. */
  abort(reason: string): void {
    this.end(false, reason);
  }

  /** Stop now and tell the client with a short error 0 (deadline passed, slot taken back). */
  cut(reason: string): void {
    if (this.finished) return;
    this.socket.send(encodeError(TftpErrorCode.NOT_DEFINED, "transfer ended by the server"), this.peer.port, this.peer.address);
    this.end(false, reason);
  }

  /** True while not even the first packet (OACK or DATA 1) has been acknowledged. */
  awaitingFirstAck(): boolean {
    return !this.finished && this.acksSeen === 0;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.finished) return;
    if (rinfo.address !== this.peer.address || rinfo.port !== this.peer.port) {
      this.socket.send(encodeError(TftpErrorCode.UNKNOWN_TID, "unknown transfer ID"), rinfo.port, rinfo.address);
      return;
    }
    const packet = decodePacket(msg);
    if (packet.op === "ACK") {
      // Only the ACK of the outstanding block moves us on; an older one is a duplicate and is ignored.
      if (packet.block === (this.current & 0xffff)) this.acknowledged();
    } else if (packet.op === "ERROR") {
      this.end(false, `client sent error ${packet.code}: ${printable(packet.message)}`);
    } else {
      const what = packet.op === "malformed" ? `malformed packet (${packet.reason})` : `${packet.op} during a read`;
      this.socket.send(encodeError(TftpErrorCode.ILLEGAL_OPERATION, what), this.peer.port, this.peer.address);
      this.end(false, `client sent ${what}`);
    }
  }

  private acknowledged(): void {
    this.acksSeen++;
    if (this.current === this.totalBlocks) {
      this.end(true, "sent");
      return;
    }
    this.sendBlock(this.current + 1);
  }

  private sendBlock(block: number): void {
    const { blksize } = this.settings;
    const start = (block - 1) * blksize;
    this.current = block;
    this.send(encodeData(block & 0xffff, this.bytes.subarray(start, Math.min(start + blksize, this.bytes.length))));
  }

  /** Send a new packet: it becomes the one retransmitted on timeout. */
  private send(packet: Uint8Array): void {
    this.lastPacket = packet;
    this.retriesUsed = 0;
    this.transmit();
  }

  private transmit(): void {
    this.socket.send(this.lastPacket, this.peer.port, this.peer.address, (err) => {
      if (err) this.end(false, `send failed: ${err.message}`);
    });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), this.settings.timeoutMs);
  }

  private onTimeout(): void {
    if (this.finished) return;
    if (this.retriesUsed >= this.settings.retries) {
      const waited = this.current === 0 ? "the OACK" : `block ${this.current}`;
      this.end(false, `abandoned: no ACK for ${waited} after ${this.settings.retries} retries`);
      return;
    }
    this.retriesUsed++;
    this.transmit();
  }

  private end(ok: boolean, summary: string): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    const acked = ok ? this.totalBlocks : Math.max(0, this.current - 1);
    const bytesAcked = Math.min(acked * this.settings.blksize, this.bytes.length);
    this.onEnd({ ok, summary, bytesAcked, blocks: acked });
  }
}
