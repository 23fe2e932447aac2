// One CAPF conversation over an established stream (a TLS socket): whole messages in, whole
// messages out, each written with ONE write call (capf.md: phones stall on split messages), and
// every wait bounded by a silence timeout.
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { CapfFormatError, CapfFrameReader, type CapfMessage, DEFAULT_MAX_CAPF_ELEMENTS, encodeCapfMessage } from "./capfMessage.js";

/** Why a channel stopped: the peer fell silent, closed, or sent what capf.md does not allow. */
export type CapfChannelFailure = "timeout" | "closed" | "format";

export class CapfChannelError extends Error {
  constructor(
    readonly failure: CapfChannelFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface CapfChannelLimits {
  /** Bound on one message's elements (default DEFAULT_MAX_CAPF_ELEMENTS). */
  maxElements?: number;
  /** Bound on the bytes the peer may send over the whole conversation (default 64 KiB). */
  maxTotalBytes?: number;
}

export class CapfChannel {
  private readonly reader: CapfFrameReader;
  private readonly queue: CapfMessage[] = [];
  private failure: CapfChannelError | undefined;
  private wake: (() => void) | undefined;
  private received = 0;
  private readonly maxTotalBytes: number;

  constructor(
    private readonly stream: Duplex,
    limits: CapfChannelLimits = {},
  ) {
    this.reader = new CapfFrameReader(limits.maxElements ?? DEFAULT_MAX_CAPF_ELEMENTS);
    this.maxTotalBytes = limits.maxTotalBytes ?? 65536;
    // Small messages in lock step: Nagle's algorithm would hold the second of two quick writes
    // (17 then 4) until the peer's delayed ACK, some 40 ms per exchange.
    (stream as Partial<Socket>).setNoDelay?.(true);
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("end", () => this.fail(new CapfChannelError("closed", "the peer closed the connection")));
    stream.on("close", () => this.fail(new CapfChannelError("closed", "the connection closed")));
    stream.on("error", (e: Error) => this.fail(new CapfChannelError("closed", `connection error: ${e.message}`)));
  }

  /** Send one message in a single write. */
  send(message: CapfMessage): void {
    if (!this.stream.destroyed && this.stream.writable) this.stream.write(encodeCapfMessage(message));
  }

  /** The next message, waiting at most `timeoutMs` of silence. Rejects with CapfChannelError. */
  async receive(timeoutMs: number): Promise<CapfMessage> {
    const next = this.queue.shift();
    if (next) return next;
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.fail(new CapfChannelError("timeout", `no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
    return this.receive(timeoutMs);
  }

  /** Half-close after the last message, letting queued writes drain. */
  end(): void {
    if (!this.stream.destroyed) this.stream.end();
  }

  /** Drop the connection now. */
  destroy(): void {
    this.stream.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.received += chunk.length;
    try {
      if (this.received > this.maxTotalBytes) {
        throw new CapfFormatError(`the peer sent more than ${this.maxTotalBytes} bytes in one session`);
      }
      this.queue.push(...this.reader.push(chunk));
    } catch (e) {
      this.fail(new CapfChannelError("format", (e as Error).message));
      return;
    }
    this.wake?.();
  }

  private fail(error: CapfChannelError): void {
    // Messages already framed stay readable; the failure shows once they are consumed.
    this.failure ??= error;
    this.wake?.();
  }
}
