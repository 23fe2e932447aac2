// Admission of TCP connections for the HTTP and CAPF services: at most `total` at once; once half
// of them are taken, at most `perSource` from one address (so one host can never take more than
// half the slots, while a lab or a NAT with many phones behind one address is not throttled on
// an idle server); and none alive longer than
// `lifetimeMs` (a peer that drips a byte just inside every silence time-out would otherwise
// hold its slot for hours). Applied on the raw socket, before TLS or HTTP parsing.
import type { Server, Socket } from "node:net";

export interface ConnectionLimits {
  total: number;
  perSource: number;
  lifetimeMs: number;
  /** told once per refused connection, e.g. "127.0.0.2:50312: refused, already 8 connections from 127.0.0.2" */
  log: (line: string) => void;
  /**
   * A service that can tell the peer why it was refused (CAPF's "retry later") takes the refused
   * socket over and returns true — within its own bound and deadline, as the socket holds no
   * slot; false (or no hook) closes it at once, and the peer sees only a closed connection.
   */
  tellRefused?: (socket: Socket, why: string) => boolean;
}

/** Raw sockets the limiter closed at once: their TLS wrapper's "handshake failed" is that refusal, already logged. */
const closedAtOnce = new WeakSet<Socket>();

/** True when `socket` (or the raw socket a TLS socket wraps) was refused and closed by a limit. */
export function closedByLimit(socket: Socket): boolean {
  // A TLS server's socket keeps the raw one it wraps as `_parent` (node's _tls_wrap).
  const raw = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  return closedAtOnce.has(raw);
}

/** Installs the limits on `server`; returns a count of the connections it holds, for tests and soak checks. */
export function limitConnections(server: Server, limits: ConnectionLimits): () => number {
  const bySource = new Map<string, number>();
  let open = 0;
  server.on("connection", (socket: Socket) => {
    const source = socket.remoteAddress ?? "?";
    const fromSource = bySource.get(source) ?? 0;
    const crowded = open >= limits.total / 2;
    if (open >= limits.total || (crowded && fromSource >= limits.perSource)) {
      const which =
        open >= limits.total ? `${limits.total} connections in all` : `${fromSource} connections from ${source} (limit ${limits.perSource} past half full)`;
      const told = limits.tellRefused?.(socket, `already ${which}`) ?? false;
      limits.log(`${source}:${socket.remotePort}: refused, already ${which}${told ? "; told to retry later" : ""}`);
      if (!told) {
        closedAtOnce.add(socket);
        socket.destroy();
      }
      return;
    }
    open++;
    bySource.set(source, fromSource + 1);
    const lifetime = setTimeout(() => socket.destroy(), limits.lifetimeMs).unref();
    socket.once("close", () => {
      clearTimeout(lifetime);
      open--;
      const left = (bySource.get(source) ?? 1) - 1;
      if (left === 0) bySource.delete(source);
      else bySource.set(source, left);
    });
  });
  return () => open;
}
