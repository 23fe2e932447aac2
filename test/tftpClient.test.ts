// The phone's TFTP client against scripted servers (declining options, losing,
// repeating and reordering blocks, lying about tsize) and against our own server
// through a relay that drops datagrams.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type RemoteInfo } from "node:dgram";
import { test } from "node:test";
import { TftpClientError, type TftpGetOptions, tftpGet } from "../host/shared/tftp/tftpClient.js";
import { encodeData, encodeError, encodeOack } from "../host/shared/tftp/tftpPacket.js";
import { startTftpServer } from "../host/shared/tftp/tftpServer.js";
import { type Received, UdpPeer } from "./helpers/udpPeer.js";

/** A scripted server: `listen` takes the request, `tid` answers from its own port like a real server. */
interface Scripted {
  listen: UdpPeer;
  tid: UdpPeer;
  close(): Promise<void>;
}

async function scripted(): Promise<Scripted> {
  const [listen, tid] = await Promise.all([UdpPeer.open(), UdpPeer.open()]);
  return { listen, tid, close: async () => void (await Promise.all([listen.close(), tid.close()])) };
}

function get(s: Scripted, extra: Partial<TftpGetOptions> = {}): Promise<Uint8Array> {
  const download = tftpGet({ host: "127.0.0.1", port: s.listen.port, filename: "SEP001122334455.cnf.xml.sgn", timeoutMs: 150, retries: 3, ...extra });
  download.catch(() => {}); // a test may script the failure before it awaits the outcome
  return download;
}

async function expectAck(peer: UdpPeer, block: number, ms = 2000): Promise<Received> {
  const r = await peer.expect("ACK", ms);
  assert.equal(r.packet.block, block);
  return r;
}

async function rejection(promise: Promise<unknown>): Promise<TftpClientError> {
  const e = await promise.then(
    () => assert.fail("expected the download to fail"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof TftpClientError, `expected TftpClientError, got ${e}`);
  return e;
}

test("asks for blksize 1428 and tsize; falls back to 512 when the server answers DATA 1 directly", async () => {
  const s = await scripted();
  try {
    const file = randomBytes(700);
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    assert.equal(rrq.packet.mode, "octet");
    assert.deepEqual(
      [...rrq.packet.options],
      [
        ["blksize", "1428"],
        ["tsize", "0"],
      ],
    );
    const client = rrq.from.port;
    await s.tid.send(encodeData(1, file.subarray(0, 512)), client);
    await expectAck(s.tid, 1);
    await s.tid.send(encodeData(2, file.subarray(512)), client);
    await expectAck(s.tid, 2);
    assert.ok(Buffer.from(await result).equals(file));
  } finally {
    await s.close();
  }
});

test("an OACK without blksize means 512-byte blocks; tsize is taken from it", async () => {
  const s = await scripted();
  try {
    const file = randomBytes(512);
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeOack(new Map([["tsize", "512"]])), rrq.from.port);
    await expectAck(s.tid, 0);
    await s.tid.send(encodeData(1, file), rrq.from.port);
    await expectAck(s.tid, 1);
    await s.tid.send(encodeData(2, new Uint8Array(0)), rrq.from.port);
    await expectAck(s.tid, 2);
    assert.ok(Buffer.from(await result).equals(file));
  } finally {
    await s.close();
  }
});

test("error 8 to the options: the client asks again, without options, from a new port", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const first = await s.listen.expect("RRQ");
    assert.equal(first.packet.options.size, 2);
    await s.listen.send(encodeError(8, "options not supported"), first.from.port);
    const second = await s.listen.expect("RRQ");
    assert.equal(second.packet.options.size, 0);
    assert.notEqual(second.from.port, first.from.port, "a new request is a new transfer ID");
    await s.tid.send(encodeData(1, Buffer.from("<xml/>")), second.from.port);
    await expectAck(s.tid, 1);
    assert.equal(Buffer.from(await result).toString(), "<xml/>");
  } finally {
    await s.close();
  }
});

test("a lost DATA: the client resends its last ACK after the timeout, and the transfer completes", async () => {
  const s = await scripted();
  try {
    const file = randomBytes(1428 + 100);
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    const client = rrq.from.port;
    await s.tid.send(
      encodeOack(
        new Map([
          ["blksize", "1428"],
          ["tsize", String(file.length)],
        ]),
      ),
      client,
    );
    await expectAck(s.tid, 0);
    await s.tid.send(encodeData(1, file.subarray(0, 1428)), client);
    await expectAck(s.tid, 1);
    const lostAt = Date.now(); // DATA 2 "is lost": we send nothing
    await expectAck(s.tid, 1);
    assert.ok(Date.now() - lostAt >= 100, "the ACK is repeated on the client's timer");
    await s.tid.send(encodeData(2, file.subarray(1428)), client);
    await expectAck(s.tid, 2);
    assert.ok(Buffer.from(await result).equals(file));
  } finally {
    await s.close();
  }
});

test("a duplicate DATA is acknowledged again; an out-of-order block is not acknowledged", async () => {
  const s = await scripted();
  try {
    const file = randomBytes(512 * 3 + 1);
    const block = (n: number) => encodeData(n, file.subarray((n - 1) * 512, n * 512));
    const result = get(s, { timeoutMs: 1000 });
    const rrq = await s.listen.expect("RRQ");
    const client = rrq.from.port;
    await s.tid.send(block(1), client);
    await expectAck(s.tid, 1);
    await s.tid.send(block(1), client); // our DATA 1 again (as if ACK 1 was lost)
    await expectAck(s.tid, 1);
    await s.tid.send(block(3), client); // ahead of DATA 2
    assert.deepEqual(await s.tid.collect(150), [], "block 3 is ignored while block 2 is expected");
    await s.tid.send(block(2), client);
    await expectAck(s.tid, 2);
    await s.tid.send(block(3), client);
    await expectAck(s.tid, 3);
    await s.tid.send(block(4), client);
    await expectAck(s.tid, 4);
    assert.ok(Buffer.from(await result).equals(file));
  } finally {
    await s.close();
  }
});

test("after the last ACK the client lingers and acknowledges a repeated final block", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeData(1, Buffer.from("short")), rrq.from.port);
    await expectAck(s.tid, 1);
    assert.equal(Buffer.from(await result).toString(), "short");
    await s.tid.send(encodeData(1, Buffer.from("short")), rrq.from.port); // ACK 1 "was lost"
    await expectAck(s.tid, 1);
  } finally {
    await s.close();
  }
});

test("a packet from a wrong TID gets error 5 and the transfer goes on", async () => {
  const s = await scripted();
  const stranger = await UdpPeer.open();
  try {
    const file = randomBytes(600);
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeData(1, file.subarray(0, 512)), rrq.from.port);
    await expectAck(s.tid, 1);
    await stranger.send(encodeData(2, randomBytes(88)), rrq.from.port);
    const err = await stranger.expect("ERROR");
    assert.equal(err.packet.code, 5);
    await s.tid.send(encodeData(2, file.subarray(512)), rrq.from.port);
    await expectAck(s.tid, 2);
    assert.ok(Buffer.from(await result).equals(file), "the stranger's bytes were not taken");
  } finally {
    await stranger.close();
    await s.close();
  }
});

test("a tsize that does not match the data is detected", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeOack(new Map([["tsize", "1000"]])), rrq.from.port);
    await expectAck(s.tid, 0);
    await s.tid.send(encodeData(1, randomBytes(600).subarray(0, 300)), rrq.from.port);
    const e = await rejection(result);
    assert.equal(e.kind, "tsize-mismatch");
    assert.match(e.message, /"SEP001122334455.cnf.xml.sgn" from 127\.0\.0\.1:\d+: server announced tsize 1000 but sent 300 bytes/);
  } finally {
    await s.close();
  }
});

test("the server's error names the file, the server and the TFTP code and message", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeError(2, "refused: '..' in file name"), rrq.from.port);
    const e = await rejection(result);
    assert.equal(e.kind, "server-error");
    assert.equal(e.tftpCode, 2);
    assert.equal(
      e.message,
      `TFTP "SEP001122334455.cnf.xml.sgn" from 127.0.0.1:${s.listen.port}: server sent TFTP error 2 (access violation): "refused: '..' in file name"`,
    );
    const notFound = get(s);
    await s.tid.send(encodeError(1, "file not found"), (await s.listen.expect("RRQ")).from.port);
    assert.equal((await rejection(notFound)).kind, "not-found");
  } finally {
    await s.close();
  }
});

test("a silent server: the request is sent 1 + retries times, then a timeout error", async () => {
  const s = await scripted();
  try {
    const started = Date.now();
    const e = await rejection(get(s, { timeoutMs: 60, retries: 2 }));
    assert.equal(e.kind, "timeout");
    assert.match(e.message, /SEP001122334455.cnf.xml.sgn.*timed out, no answer to the request after 2 retries of 60 ms/);
    assert.ok(Date.now() - started >= 150);
    const requests = await s.listen.collect(0);
    assert.deepEqual(
      requests.map((r) => r.packet.op),
      ["RRQ", "RRQ", "RRQ"],
    );
  } finally {
    await s.close();
  }
});

test("an OACK granting more than asked is refused with error 8", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeOack(new Map([["blksize", "9000"]])), rrq.from.port);
    const err = await s.tid.expect("ERROR");
    assert.equal(err.packet.code, 8);
    const e = await rejection(result);
    assert.equal(e.kind, "protocol");
    assert.match(e.message, /blksize 9000/);
  } finally {
    await s.close();
  }
});

test("the size bound: a tsize or a stream over maxBytes is refused with error 3", async () => {
  const s = await scripted();
  try {
    const announced = get(s, { maxBytes: 1000 });
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeOack(new Map([["tsize", "1001"]])), rrq.from.port);
    assert.equal((await s.tid.expect("ERROR")).packet.code, 3);
    assert.equal((await rejection(announced)).kind, "too-large");

    const streamed = get(s, { maxBytes: 1000 });
    const rrq2 = await s.listen.expect("RRQ");
    await s.tid.send(encodeData(1, randomBytes(512)), rrq2.from.port);
    await expectAck(s.tid, 1);
    await s.tid.send(encodeData(2, randomBytes(512)), rrq2.from.port);
    assert.equal((await s.tid.expect("ERROR")).packet.code, 3);
    assert.equal((await rejection(streamed)).kind, "too-large");
  } finally {
    await s.close();
  }
});

test("a DATA longer than the block size is a protocol error", async () => {
  const s = await scripted();
  try {
    const result = get(s);
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeData(1, randomBytes(513)), rrq.from.port);
    assert.equal((await s.tid.expect("ERROR")).packet.code, 4);
    assert.match((await rejection(result)).message, /513 bytes, more than blksize 512/);
  } finally {
    await s.close();
  }
});

test("aborting tells the server (error 0) and rejects", async () => {
  const s = await scripted();
  try {
    const controller = new AbortController();
    const result = get(s, { signal: controller.signal });
    const rrq = await s.listen.expect("RRQ");
    await s.tid.send(encodeData(1, randomBytes(512)), rrq.from.port);
    await expectAck(s.tid, 1);
    controller.abort();
    assert.equal((await s.tid.expect("ERROR")).packet.code, 0);
    assert.equal((await rejection(result)).kind, "aborted");
  } finally {
    await s.close();
  }
});

test("against our server: 1428 by default, 512 when asked for no options", async () => {
  const logs: string[] = [];
  const file = randomBytes(3000);
  const server = await startTftpServer({ resolve: async () => file, log: (l) => logs.push(l), timeoutMs: 200 });
  try {
    const a = await tftpGet({ host: "127.0.0.1", port: server.port, filename: "ITLFile.tlv", timeoutMs: 200 });
    const b = await tftpGet({ host: "127.0.0.1", port: server.port, filename: "ITLFile.tlv", timeoutMs: 200, blksize: 512, tsize: false });
    assert.ok(Buffer.from(a).equals(file) && Buffer.from(b).equals(file));
    while (logs.length < 2) await new Promise((r) => setTimeout(r, 10));
    assert.match(logs[0], /blksize=1428 tsize=3000 → sent, 3000 bytes in 3 blocks/);
    assert.match(logs[1], /blksize=512 → sent, 3000 bytes in 6 blocks/);
  } finally {
    await server.close();
  }
});

/**
 * A relay between one client and our server that drops every `nth` datagram in each
 * direction. The client talks to the relay's front socket; the relay talks to the server
 * from its back socket and follows the server's transfer port.
 */
async function lossyRelay(serverPort: number, nth: number) {
  const front = createSocket("udp4");
  const back = createSocket("udp4");
  let client: RemoteInfo | undefined;
  let serverTid = serverPort;
  let toServer = 0;
  let toClient = 0;
  const dropped: string[] = [];
  front.on("message", (msg, rinfo) => {
    client = rinfo;
    if (++toServer % nth === 0) return void dropped.push(`client→server #${toServer}`);
    back.send(msg, serverTid, "127.0.0.1");
  });
  back.on("message", (msg, rinfo) => {
    serverTid = rinfo.port;
    if (++toClient % nth === 0) return void dropped.push(`server→client #${toClient}`);
    if (client) front.send(msg, client.port, client.address);
  });
  await Promise.all([front, back].map((s) => new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()))));
  return {
    port: front.address().port,
    dropped,
    close: () => Promise.all([front, back].map((s) => new Promise<void>((r) => s.close(() => r())))),
  };
}

test("through a relay that drops every 4th datagram both ways, the file still arrives intact", async () => {
  const file = randomBytes(1428 * 12 + 5);
  const logs: string[] = [];
  const server = await startTftpServer({ resolve: async () => file, log: (l) => logs.push(l), timeoutMs: 60, retries: 8 });
  const relay = await lossyRelay(server.port, 4);
  try {
    const got = await tftpGet({ host: "127.0.0.1", port: relay.port, filename: "SEP001122334455.cnf.xml.enc.sgn", timeoutMs: 60, retries: 8 });
    assert.ok(Buffer.from(got).equals(file));
    assert.ok(relay.dropped.some((d) => d.startsWith("client")) && relay.dropped.some((d) => d.startsWith("server")), relay.dropped.join());
    while (server.activeTransfers() > 0) await new Promise((r) => setTimeout(r, 10));
    assert.ok(
      logs.some((l) => / → sent, 17141 bytes in 13 blocks/.test(l)),
      logs.join("\n"),
    );
  } finally {
    await relay.close();
    await server.close();
  }
});
