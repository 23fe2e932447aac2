// A scripted UDP endpoint for protocol tests: the test plays one side of a TFTP
// exchange packet by packet (dropping, repeating or reordering at will) and reads
// what the other side sends, decoded by the shared codec.

import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { decodePacket, type MalformedPacket, type TftpPacket } from "../../host/shared/tftp/tftpPacket.js";

export interface Received {
  packet: TftpPacket | MalformedPacket;
  from: { address: string; port: number };
}

export class UdpPeer {
  private readonly queue: Received[] = [];
  private waiter: ((r: Received) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("message", (msg, rinfo) => {
      const received = { packet: decodePacket(new Uint8Array(msg)), from: { address: rinfo.address, port: rinfo.port } };
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter(received);
      else this.queue.push(received);
    });
  }

  /** A peer on 127.0.0.1 with a free port. */
  static open(): Promise<UdpPeer> {
    const socket = createSocket("udp4");
    return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(new UdpPeer(socket))));
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(bytes: Uint8Array, port: number, address = "127.0.0.1"): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, address, (err) => (err ? reject(err) : resolve())));
  }

  /** The next datagram; rejects when none arrives within `ms`. */
  next(ms = 2000): Promise<Received> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no datagram within ${ms} ms`));
      }, ms);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  /** The next datagram, which must be a TFTP packet of type `op`. */
  async expect<K extends TftpPacket["op"]>(op: K, ms = 2000): Promise<Received & { packet: TftpPacket & { op: K } }> {
    const r = await this.next(ms);
    assert.equal(r.packet.op, op, `expected ${op}, got ${JSON.stringify(r.packet)}`);
    return r as Received & { packet: TftpPacket & { op: K } };
  }

  /** Everything that arrives within `ms` (and what was already queued). */
  async collect(ms: number): Promise<Received[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
