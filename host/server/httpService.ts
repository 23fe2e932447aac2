// HTTP on port 6970, as phones fetch their files: GET/HEAD of a plain file name at the
// root, answered by the same resolver as TFTP. The path is matched as sent (no
// percent-decoding, no normalising), so an encoded or dotted spelling is simply unknown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { limitConnections } from "../shared/connectionLimit.js";
import { logLine, printable } from "../shared/logText.js";

/** The file for a name and a note for the log; null body = no such file for this client. */
export type FileResolver = (name: string, remote: string) => Promise<{ body: Uint8Array | null; note: string }>;

export interface HttpService {
  port: number;
  close(): Promise<void>;
}

export interface HttpServiceOptions {
  bind: string;
  port: number;
  resolve: FileResolver;
  log: (line: string) => void;
  /** connections at once; default 256 */
  maxConnections?: number;
  /** connections from one source address once half of maxConnections are taken; default 16 */
  maxConnectionsPerSource?: number;
  /** time a client has to send its request headers (and the whole request); default 10 000 ms */
  headerTimeoutMs?: number;
}

export async function startHttpService(o: HttpServiceOptions): Promise<HttpService> {
  const log = (line: string) => o.log(logLine(line));
  const headerTimeoutMs = o.headerTimeoutMs ?? 10_000;
  // Node checks the header and request time-outs only every connectionsCheckingInterval (30 s by
  // default), which is why a 10 s time-out fired at 20–25 s: check every second.
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    answer(req, res, o.resolve).then(
      (line) => log(line),
      (e: Error) => {
        log(`http ${req.socket.remoteAddress} ${req.method} ${printable(req.url ?? "")} 500 (${printable(e.message)})`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
      },
    );
  });
  server.headersTimeout = headerTimeoutMs;
  server.requestTimeout = headerTimeoutMs;
  limitConnections(server, {
    total: o.maxConnections ?? 256,
    perSource: o.maxConnectionsPerSource ?? 16,
    // the longest a keep-alive connection lives, so a trickle of requests cannot hold a slot forever
    lifetimeMs: 6 * headerTimeoutMs,
    log: (line) => log(`http ${line}`),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

/** Serves one request; returns its log line. */
async function answer(req: IncomingMessage, res: ServerResponse, resolve: FileResolver): Promise<string> {
  const remote = req.socket.remoteAddress ?? "?";
  const prefix = `http ${remote} ${req.method} ${printable(req.url ?? "")}`;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("GET or HEAD only\n");
    return `${prefix} 405 (method not allowed)`;
  }
  const name = fileNameOf(req.url ?? "");
  const found = name === null ? { body: null, note: "not a plain file name at the root" } : await resolve(name, remote);
  if (!found.body) {
    res.writeHead(404, { "content-type": "text/plain" }).end(req.method === "GET" ? "not found\n" : undefined);
    return `${prefix} 404 (${found.note})`;
  }
  res.writeHead(200, {
    "content-type": name!.endsWith(".cnf.xml") ? "text/xml" : "application/octet-stream",
    "content-length": found.body.length,
    "cache-control": "no-store",
  });
  res.end(req.method === "GET" ? found.body : undefined);
  return `${prefix} 200 ${found.body.length} bytes (${found.note})`;
}

/** "/NAME" (an optional query ignored) → NAME; anything with a further slash or backslash → null. */
export function fileNameOf(url: string): string | null {
  const path = url.split("?", 1)[0];
  if (!path.startsWith("/")) return null;
  const name = path.slice(1);
  if (name.length === 0 || name.includes("/") || name.includes("\\")) return null;
  return name;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
