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
      limits.log(`${source}:${socket.remotePort}: refused, already ${which}`);
      socket.destroy();
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
