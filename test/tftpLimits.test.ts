// TFTP under attack (issue 11 items 2 and 3): client-chosen time-outs cannot hold the transfer
// slots — a normal client is served within 15 s while 300 clients that OACK-and-never-ACK sit
// there on a server with 256 slots; a transfer's total time is bounded whatever it negotiated;
// a 60 KB name of control bytes neither makes a log line over 4 KiB nor an error over 1 KiB.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { MAX_LOG_LINE } from "../host/shared/logText.js";
import { tftpGet } from "../host/shared/tftp/tftpClient.js";
import { encodeAck, encodeRequest } from "../host/shared/tftp/tftpPacket.js";
import { startTftpServer, type TftpServerOptions } from "../host/shared/tftp/tftpServer.js";
import { UdpPeer } from "./helpers/udpPeer.js";

const FILE = randomBytes(3000);

async function withServer(extra: Partial<TftpServerOptions>, body: (port: number, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const server = await startTftpServer({ resolve: async (name) => (name === "f.bin" ? FILE : null), log: (l) => logs.push(l), ...extra });
  try {
    await body(server.port, logs);
  } finally {
    await server.close();
  }
}

test("a normal client is served within 15 s while 300 OACK-and-never-ACK clients (timeout=255) sit on 256 slots", async () => {
  await withServer({ maxTransfers: 256 }, async (port) => {
    const attackers = await Promise.all(Array.from({ length: 300 }, () => UdpPeer.open()));
    try {
      const slow = new Map([
        ["timeout", "255"],
        ["blksize", "1428"],
      ]);
      for (const a of attackers) await a.send(encodeRequest("RRQ", "f.bin", "octet", slow), port);
      await new Promise((r) => setTimeout(r, 300)); // every slot taken before the phone asks
      const started = Date.now();
      let bytes: Uint8Array | undefined;
      let lastError = "";
      while (!bytes && Date.now() - started < 15_000) {
        try {
          bytes = await tftpGet({ host: "127.0.0.1", port, filename: "f.bin", timeoutMs: 500, retries: 3 });
        } catch (e) {
          lastError = (e as Error).message;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      assert.ok(bytes, `not served within 15 s: ${lastError}`);
      assert.ok(Buffer.from(bytes).equals(FILE));
    } finally {
      await Promise.all(attackers.map((a) => a.close()));
    }
  });
});

test("a transfer holds its slot at most maxTransferMs, however slowly the client ACKs", async () => {
  await withServer({ maxTransferMs: 1500, maxTransfers: 4 }, async (port, logs) => {
    const peer = await UdpPeer.open();
    try {
      await peer.send(
        encodeRequest(
          "RRQ",
          "f.bin",
          "octet",
          new Map([
            ["timeout", "5"],
            ["blksize", "8"],
          ]),
        ),
        port,
      );
      const started = Date.now();
      let block = 0;
      let tid = 0;
      // ACK each packet 900 ms later: inside every retransmission time-out, 375 blocks to go.
      for (;;) {
        const r = await peer.next(4000).catch(() => undefined);
        if (!r || r.packet.op === "ERROR") break;
        tid = r.from.port;
        if (r.packet.op === "DATA") block = r.packet.block;
        await new Promise((w) => setTimeout(w, 900));
        await peer.send(encodeAck(block), tid);
        if (Date.now() - started > 10_000) break;
      }
      const ended = logs.find((l) => l.includes("→"));
      assert.ok(ended, "the transfer ended and was logged");
      assert.match(ended!, /deadline/);
      assert.ok(Date.now() - started < 10_000, "cut long before the slow client would finish");
    } finally {
      await peer.close();
    }
  });
});

test("a 60 KB name of control bytes: the log line is at most 4 KiB and the error reply at most 1 KiB", async () => {
  await withServer({}, async (port, logs) => {
    const peer = await UdpPeer.open();
    try {
      const name = Buffer.alloc(60_000, 0x1b).toString("latin1");
      await peer.send(encodeRequest("RRQ", name, "octet"), port);
      const reply = await peer.next(3000);
      assert.equal(reply.packet.op, "ERROR");
      // 16 KB requests with a bad mode, and with a long option given twice: the reasons quote them.
      const option = "\x01".repeat(8000);
      await peer.send(Buffer.from(`\0\x01f.bin\0octet\0${option}\0x\0${option}\0y\0`, "latin1"), port);
      await peer.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from("f.bin\0"), Buffer.alloc(16_000, 0x07), Buffer.from([0])]), port);
      const raw: number[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await peer.next(3000);
        assert.equal(r.packet.op, "ERROR");
        if (r.packet.op === "ERROR") raw.push(r.packet.message.length + 5);
      }
      if (reply.packet.op === "ERROR") raw.push(reply.packet.message.length + 5);
      for (const size of raw) assert.ok(size <= 1024, `a ${size}-byte error reply`);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(logs.length >= 3);
      for (const line of logs) assert.ok(line.length <= MAX_LOG_LINE, `a ${line.length}-character log line`);
    } finally {
      await peer.close();
    }
  });
});
