// The phone's downloads: HTTP on its own, and the auto transport's choice between
// HTTP and TFTP (fall back only when HTTP is down; a 404 is an answer).

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { test } from "node:test";
import { FetchError, type FetchFileOptions, fetchFile, isNotFound } from "../host/phone/fileFetcher.js";
import { HttpFetchError, httpGet } from "../host/phone/httpFetch.js";
import { startTftpServer, type TftpServer } from "../host/shared/tftp/tftpServer.js";
import { UdpPeer } from "./helpers/udpPeer.js";

const FILES: Record<string, Uint8Array> = {
  "ITLSEP001122334455.tlv": randomBytes(2345),
  "SEP001122334455.cnf.xml.sgn": randomBytes(4000),
  "Desktops/320x212x12/List.xml": Buffer.from("<CiscoIPPhoneImageList/>"),
  "name with space.xml": Buffer.from("spaced"),
};

interface Services {
  http: Server;
  httpPort: number;
  /** every path the HTTP server was asked for */
  httpPaths: string[];
  tftp: TftpServer;
  /** every name the TFTP resolver was asked for */
  tftpNames: string[];
  close(): Promise<void>;
}

/** HTTP and TFTP serving FILES; "/slow" never answers, "/big" declares a huge body, "/endless" streams one, "/boom" is a 500. */
async function services(): Promise<Services> {
  const httpPaths: string[] = [];
  const tftpNames: string[] = [];
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    httpPaths.push(req.url ?? "");
    const name = decodeURIComponent((req.url ?? "/").slice(1));
    if (name === "slow") return; // never answers
    if (name === "boom") return void res.writeHead(500).end();
    if (name === "big") return void res.writeHead(200, { "content-length": String(64 * 1024 * 1024) }).end();
    if (name === "endless") {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      return pump();
    }
    const body = FILES[name];
    if (!body) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-length": String(body.length) }).end(body);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  const tftp = await startTftpServer({
    resolve: async (name) => {
      tftpNames.push(name);
      return FILES[name] ?? null;
    },
    timeoutMs: 100,
  });
  return {
    http,
    httpPort: (http.address() as { port: number }).port,
    httpPaths,
    tftp,
    tftpNames,
    close: async () => {
      http.closeAllConnections();
      await Promise.all([new Promise((r) => http.close(r)), tftp.close()]);
    },
  };
}

/** A TCP port on 127.0.0.1 where nothing listens (taken free, then released). */
async function deadTcpPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP server that accepts connections and never says anything (an HTTP service hung). */
async function mutePort(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const s = createTcpServer((c) => sockets.add(c));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  return {
    port: (s.address() as { port: number }).port,
    close: () => {
      for (const c of sockets) c.destroy();
      return new Promise((r) => s.close(() => r()));
    },
  };
}

async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  const e = await promise.then(
    () => assert.fail("expected a failure"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
  return e;
}

test("HTTP GET returns the body; names with slashes and spaces are percent-encoded per segment", async () => {
  const s = await services();
  try {
    const a = await httpGet({ host: "127.0.0.1", port: s.httpPort, filename: "SEP001122334455.cnf.xml.sgn" });
    assert.ok(Buffer.from(a).equals(FILES["SEP001122334455.cnf.xml.sgn"]));
    const b = await httpGet({ host: "127.0.0.1", port: s.httpPort, filename: "Desktops/320x212x12/List.xml" });
    assert.equal(Buffer.from(b).toString(), "<CiscoIPPhoneImageList/>");
    const c = await httpGet({ host: "127.0.0.1", port: s.httpPort, filename: "name with space.xml" });
    assert.equal(Buffer.from(c).toString(), "spaced");
    assert.deepEqual(s.httpPaths, ["/SEP001122334455.cnf.xml.sgn", "/Desktops/320x212x12/List.xml", "/name%20with%20space.xml"]);
  } finally {
    await s.close();
  }
});

test("HTTP failures are told apart: 404, other status, timeout, size bound, nothing listening", async () => {
  const s = await services();
  try {
    const get = (filename: string, extra = {}) => httpGet({ host: "127.0.0.1", port: s.httpPort, filename, timeoutMs: 200, ...extra });
    const notFound = await rejectionOf(get("SEPFFFFFFFFFFFF.cnf.xml.sgn"), HttpFetchError);
    assert.equal(notFound.kind, "not-found");
    assert.equal(notFound.status, 404);
    assert.equal(notFound.message, `HTTP GET http://127.0.0.1:${s.httpPort}/SEPFFFFFFFFFFFF.cnf.xml.sgn: not found (404)`);
    const boom = await rejectionOf(get("boom"), HttpFetchError);
    assert.equal(boom.kind, "http-status");
    assert.equal(boom.status, 500);
    assert.equal((await rejectionOf(get("slow"), HttpFetchError)).kind, "timeout");
    const big = await rejectionOf(get("big", { maxBytes: 1024 * 1024 }), HttpFetchError);
    assert.equal(big.kind, "too-large");
    assert.match(big.message, /67108864 bytes exceeds the limit of 1048576/);
    const endless = await rejectionOf(get("endless", { maxBytes: 1024 * 1024 }), HttpFetchError);
    assert.equal(endless.kind, "too-large");
    const dead = await rejectionOf(httpGet({ host: "127.0.0.1", port: await deadTcpPort(), filename: "x" }), HttpFetchError);
    assert.equal(dead.kind, "unreachable");
    assert.match(dead.message, /cannot connect \(ECONNREFUSED\)/);
  } finally {
    await s.close();
  }
});

test("transport http and tftp each use only their own service", async () => {
  const s = await services();
  try {
    const base: FetchFileOptions = { host: "127.0.0.1", httpPort: s.httpPort, tftpPort: s.tftp.port, filename: "ITLSEP001122334455.tlv", timeoutMs: 200 };
    const viaHttp = await fetchFile({ ...base, transport: "http" });
    assert.equal(viaHttp.via, "http");
    assert.ok(Buffer.from(viaHttp.bytes).equals(FILES["ITLSEP001122334455.tlv"]));
    const viaTftp = await fetchFile({ ...base, transport: "tftp" });
    assert.equal(viaTftp.via, "tftp");
    assert.ok(Buffer.from(viaTftp.bytes).equals(FILES["ITLSEP001122334455.tlv"]));
    assert.deepEqual(s.httpPaths, ["/ITLSEP001122334455.tlv"]);
    assert.deepEqual(s.tftpNames, ["ITLSEP001122334455.tlv"]);
    const down = await rejectionOf(fetchFile({ ...base, transport: "http", httpPort: await deadTcpPort() }), FetchError);
    assert.equal(down.kind, "unreachable");
    assert.deepEqual(s.tftpNames, ["ITLSEP001122334455.tlv"], "transport http never tries TFTP");
  } finally {
    await s.close();
  }
});

test("auto: HTTP first; TFTP is not asked when HTTP answers", async () => {
  const s = await services();
  try {
    const got = await fetchFile({ host: "127.0.0.1", httpPort: s.httpPort, tftpPort: s.tftp.port, filename: "SEP001122334455.cnf.xml.sgn" });
    assert.equal(got.via, "http");
    assert.equal(got.httpSkipped, undefined);
    assert.ok(Buffer.from(got.bytes).equals(FILES["SEP001122334455.cnf.xml.sgn"]));
    assert.deepEqual(s.tftpNames, []);
  } finally {
    await s.close();
  }
});

test("auto: when nothing listens on the HTTP port, the file comes over TFTP", async () => {
  const s = await services();
  try {
    const got = await fetchFile({
      host: "127.0.0.1",
      httpPort: await deadTcpPort(),
      tftpPort: s.tftp.port,
      filename: "SEP001122334455.cnf.xml.sgn",
      timeoutMs: 200,
    });
    assert.equal(got.via, "tftp");
    assert.match(got.httpSkipped ?? "", /cannot connect/);
    assert.ok(Buffer.from(got.bytes).equals(FILES["SEP001122334455.cnf.xml.sgn"]));
    assert.deepEqual(s.tftpNames, ["SEP001122334455.cnf.xml.sgn"]);
  } finally {
    await s.close();
  }
});

test("auto: when the HTTP service hangs, the fetch times out and falls back to TFTP", async () => {
  const s = await services();
  const mute = await mutePort();
  try {
    const started = Date.now();
    const got = await fetchFile({ host: "127.0.0.1", httpPort: mute.port, tftpPort: s.tftp.port, filename: "ITLSEP001122334455.tlv", timeoutMs: 150 });
    assert.equal(got.via, "tftp");
    assert.match(got.httpSkipped ?? "", /no answer within 150 ms/);
    assert.ok(Date.now() - started >= 140);
  } finally {
    await mute.close();
    await s.close();
  }
});

test("auto: a 404 over HTTP is the answer — not found, and the name is not asked again over TFTP", async () => {
  const s = await services();
  try {
    const e = await rejectionOf(fetchFile({ host: "127.0.0.1", httpPort: s.httpPort, tftpPort: s.tftp.port, filename: "ITLSEPFFFFFFFFFFFF.tlv" }), FetchError);
    assert.equal(e.kind, "not-found");
    assert.equal(e.via, "http");
    assert.equal(e.filename, "ITLSEPFFFFFFFFFFFF.tlv");
    assert.ok(isNotFound(e));
    assert.deepEqual(s.tftpNames, []);
    const failed = await rejectionOf(fetchFile({ host: "127.0.0.1", httpPort: s.httpPort, tftpPort: s.tftp.port, filename: "boom" }), FetchError);
    assert.equal(failed.kind, "failed", "a 500 is a failed answer, not an outage");
    assert.deepEqual(s.tftpNames, []);
  } finally {
    await s.close();
  }
});

test("not found over TFTP is the same answer as over HTTP", async () => {
  const s = await services();
  try {
    const e = await rejectionOf(fetchFile({ host: "127.0.0.1", tftpPort: s.tftp.port, transport: "tftp", filename: "ITLSEPFFFFFFFFFFFF.tlv" }), FetchError);
    assert.ok(isNotFound(e));
    assert.equal(e.via, "tftp");
    assert.match(e.message, /TFTP error 1 \(file not found\)/);
  } finally {
    await s.close();
  }
});

test("auto with both services down: unreachable, and the message tells both stories", async () => {
  const silent = await UdpPeer.open();
  try {
    const e = await rejectionOf(
      fetchFile({ host: "127.0.0.1", httpPort: await deadTcpPort(), tftpPort: silent.port, filename: "ITLFile.tlv", timeoutMs: 50, retries: 1 }),
      FetchError,
    );
    assert.equal(e.kind, "unreachable");
    assert.match(e.message, /HTTP GET http:\/\/127\.0\.0\.1:\d+\/ITLFile\.tlv: cannot connect.*; then TFTP "ITLFile\.tlv" from 127\.0\.0\.1:\d+: timed out/);
  } finally {
    await silent.close();
  }
});
