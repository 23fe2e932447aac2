// Raw TCP clients for the flood tests: a connection from a chosen loopback address (Linux
// routes all of 127/8 to lo, so 127.0.0.2 is "another host" to a server on 127.0.0.1) that
// sends nothing, and a bounded wait for the server to close it.
import { once } from "node:events";
import net from "node:net";

/** A TCP connection to 127.0.0.1:`port` from `localAddress`; resolves once connected. */
export async function connectFrom(port: number, localAddress: string): Promise<net.Socket> {
  const socket = net.connect({ host: "127.0.0.1", port, localAddress });
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** ms until the server closes `socket`, or undefined when it is still open after `ms`. */
export function closesWithin(socket: net.Socket, ms: number): Promise<number | undefined> {
  const started = Date.now();
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    };
    socket.once("close", done);
    socket.once("end", done);
  });
}

/** Closes `server` after destroying the connections it still holds (a test's peer may never close its side). */
export function closeWithConnections(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}
