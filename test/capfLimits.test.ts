// CAPF under a connection flood (issue 11 items 1 and 9): sockets that never finish a TLS
// handshake are destroyed at the handshake time-out, one source address cannot take every
// slot, a real enrolment succeeds while 64 idle connections are held from another address,
// and a peer-chosen device name cannot forge a log line or make a huge one.

import assert from "node:assert/strict";
import { once } from "node:events";
import type net from "node:net";
import { test } from "node:test";
import tls from "node:tls";
import { RETRY_LATER, runCapfSession } from "../host/phone/capfClient.js";
import type { CapfServiceOptions } from "../host/server/capfService.js";
import { CapfChannel } from "../host/shared/capf/capfChannel.js";
import { CapfCommand, CapfTag, stringValue, u8Value } from "../host/shared/capf/capfElements.js";
import { MAX_LOG_LINE } from "../host/shared/logText.js";
import { capfLab, MemoryCapfStore, withCapfService } from "./helpers/capfFixtures.js";
import { closesWithin, connectFrom } from "./helpers/tcpPeer.js";

const lab = capfLab();
const PHONE = "SEP00000000C0F1";

function withService(extra: Partial<CapfServiceOptions>, body: (port: number, log: string[], store: MemoryCapfStore) => Promise<void>): Promise<void> {
  const store = new MemoryCapfStore().add({ name: PHONE, operation: "install", authMode: "null", keyType: "rsa", keySize: 1024 });
  return withCapfService(store, (port, log) => body(port, log, store), extra);
}

async function idleConnection(port: number, localAddress: string): Promise<net.Socket> {
  return connectFrom(port, localAddress);
}

async function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return (await closesWithin(socket, ms)) !== undefined;
}

test("a connection that never finishes its TLS handshake is closed by the server at the handshake time-out", async () => {
  await withService({ sessionTimeoutMs: 300 }, async (port, log) => {
    const silent = await idleConnection(port, "127.0.0.1");
    const partial = await idleConnection(port, "127.0.0.1");
    partial.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x80, 0x01])); // a ClientHello that never ends
    try {
      assert.ok(await closedWithin(silent, 5000), "the silent connection was closed");
      assert.ok(await closedWithin(partial, 5000), "the half-sent handshake was closed");
      assert.ok(log.some((l) => /TLS handshake failed/.test(l)));
    } finally {
      silent.destroy();
      partial.destroy();
    }
  });
});

test("64 idle connections from one address do not lock CAPF: a phone on another address enrols", async () => {
  await withService({}, async (port, _log, store) => {
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 64; i++) held.push(await idleConnection(port, "127.0.0.2"));
      const result = await runCapfSession({
        host: "127.0.0.1",
        port,
        pinnedCertificateDer: lab.certificateDer,
        deviceName: PHONE,
        authMode: "null",
        timeoutMs: 8000,
      });
      assert.equal(result.outcome, "installed", result.log.join(" | "));
      assert.equal(store.devices.get(PHONE)!.operation, "none");
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

test("the per-source and total connection limits are options: the excess connection is refused (closed within the 2 s a refusal may take)", async () => {
  await withService({ maxSessionsPerSource: 2, maxSessions: 3 }, async (port) => {
    const held = [await idleConnection(port, "127.0.0.2"), await idleConnection(port, "127.0.0.2")];
    const third = await idleConnection(port, "127.0.0.2");
    try {
      assert.ok(await closedWithin(third, 3000), "a third connection from 127.0.0.2 is refused");
      held.push(await idleConnection(port, "127.0.0.3"));
      assert.equal(await closedWithin(held[2], 300), false, "another address still gets a slot");
      const fourth = await idleConnection(port, "127.0.0.4");
      held.push(fourth);
      assert.ok(await closedWithin(fourth, 3000), "past the total, connections are refused");
    } finally {
      for (const s of [...held, third]) s.destroy();
    }
  });
});

test("a phone refused by a limit is told 'retry later' with the reason, and the refusal is logged once, naming its address", async () => {
  await withService({ maxSessionsPerSource: 1, maxSessions: 2 }, async (port, log) => {
    const held = await idleConnection(port, "127.0.0.1"); // half full, so 127.0.0.1 is past its one connection
    try {
      const result = await runCapfSession({
        host: "127.0.0.1",
        port,
        localAddress: "127.0.0.1",
        pinnedCertificateDer: lab.certificateDer,
        deviceName: PHONE,
        authMode: "null",
        timeoutMs: 8000,
      });
      assert.equal(result.outcome, "refused");
      assert.equal(result.reason, RETRY_LATER);
      assert.match(result.log.at(-1)!, /retry later: CAPF busy: already 1 connections from 127\.0\.0\.1/);
      const refusals = log.filter((l) => /refused, already/.test(l));
      assert.equal(refusals.length, 1, log.join("\n"));
      assert.match(refusals[0], /capf 127\.0\.0\.1:\d+: refused, .*told to retry later/);
      assert.ok(log.some((l) => /retry later sent/.test(l)));
      assert.ok(!log.some((l) => /undefined/.test(l)), "no line without the peer's address");
      // another address still enrols: the limit is per source
      const other = await runCapfSession({
        host: "127.0.0.1",
        port,
        localAddress: "127.0.0.9",
        pinnedCertificateDer: lab.certificateDer,
        deviceName: PHONE,
        authMode: "null",
        timeoutMs: 8000,
      });
      assert.equal(other.outcome, "installed", other.log.join(" | "));
    } finally {
      held.destroy();
    }
  });
});

test("a device name with newlines and escape sequences is logged escaped and capped", async () => {
  await withService({}, async (port, log) => {
    const forged = `SEP000000000000\n2026-01-01T00:00:00.000Z capf 10.0.0.1 session 1: authenticated (null)\x1b[2J${"A".repeat(16_000)}`;
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
    socket.on("error", () => {});
    await once(socket, "secureConnect");
    const channel = new CapfChannel(socket);
    try {
      const request = await channel.receive(5000);
      channel.send({
        command: CapfCommand.authResponse,
        sessionId: request.sessionId,
        elements: [
          { tag: CapfTag.deviceName, value: stringValue(forged) },
          { tag: CapfTag.authType, value: u8Value(0) },
        ],
      });
      const end = await channel.receive(5000);
      assert.equal(end.command, CapfCommand.endSession, "the session ends");
    } finally {
      socket.destroy();
    }
    assert.ok(log.length > 0);
    for (const line of log) {
      assert.doesNotMatch(line, /[\x00-\x1f\x7f]/, `no control character in ${JSON.stringify(line.slice(0, 120))}`);
      assert.ok(line.length <= MAX_LOG_LINE, `a ${line.length}-character line`);
    }
    assert.ok(
      log.some((l) => l.includes("SEP000000000000\\x0a2026")),
      "the name is shown with its newline escaped",
    );
  });
});

test("the service stops cleanly with connections still open", async () => {
  const sockets: net.Socket[] = [];
  await withService({}, async (port) => {
    for (let i = 0; i < 4; i++) sockets.push(await idleConnection(port, "127.0.0.1"));
  });
  for (const s of sockets) assert.ok(await closedWithin(s, 3000));
});
