// The TFTP server against a scripted client that plays RFC 1350 packet by packet:
// it loses, repeats and misdirects packets and checks what the server does.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { tftpGet } from "../host/shared/tftp/tftpClient.js";
import { encodeAck, encodeError, encodeRequest, type TftpOptions } from "../host/shared/tftp/tftpPacket.js";
import { startTftpServer, type TftpServer, type TftpServerOptions } from "../host/shared/tftp/tftpServer.js";
import { type Received, UdpPeer } from "./helpers/udpPeer.js";

interface Fixture {
  server: TftpServer;
  peer: UdpPeer;
  logs: string[];
  /** names the resolver was asked for */
  asked: string[];
  close(): Promise<void>;
}

async function fixture(files: Record<string, Uint8Array>, settings: Partial<TftpServerOptions> = {}): Promise<Fixture> {
  const logs: string[] = [];
  const asked: string[] = [];
  const server = await startTftpServer({
    resolve: async (name) => {
      asked.push(name);
      return files[name] ?? null;
    },
    log: (line) => logs.push(line),
    timeoutMs: 300,
    retries: 3,
    ...settings,
  });
  const peer = await UdpPeer.open();
  return { server, peer, logs, asked, close: async () => void (await Promise.all([peer.close(), server.close()])) };
}

function rrq(f: Fixture, name: string, options: TftpOptions = new Map(), mode: "octet" | "netascii" = "octet"): Promise<void> {
  return f.peer.send(encodeRequest("RRQ", name, mode, options), f.server.port);
}

/** Ack DATA blocks from `first` on until a short one; returns the bytes and the block sizes seen. */
async function receiveRest(peer: UdpPeer, tid: number, blksize: number, first: Received | undefined): Promise<{ bytes: Buffer; sizes: number[] }> {
  const chunks: Uint8Array[] = [];
  const sizes: number[] = [];
  let block = 1;
  let r = first ?? (await peer.expect("DATA"));
  for (;;) {
    assert.equal(r.from.port, tid, "every DATA comes from the transfer's own port");
    assert.equal(r.packet.op, "DATA");
    if (r.packet.op !== "DATA") break;
    assert.equal(r.packet.block, block & 0xffff);
    chunks.push(r.packet.data);
    sizes.push(r.packet.data.length);
    await peer.send(encodeAck(r.packet.block), tid);
    if (r.packet.data.length < blksize) break;
    block++;
    r = await peer.expect("DATA");
  }
  return { bytes: Buffer.concat(chunks), sizes };
}

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("RFC 1350 read without options: 512-byte blocks from a new port, last block short", async () => {
  const file = randomBytes(1300);
  const f = await fixture({ "SEP001122334455.cnf.xml.sgn": file });
  try {
    await rrq(f, "SEP001122334455.cnf.xml.sgn");
    const first = await f.peer.expect("DATA");
    assert.notEqual(first.from.port, f.server.port, "the transfer runs on its own TID");
    const got = await receiveRest(f.peer, first.from.port, 512, first);
    assert.deepEqual(got.sizes, [512, 512, 276]);
    assert.ok(got.bytes.equals(file));
    await waitFor(() => f.server.activeTransfers() === 0);
    assert.match(f.logs.join("\n"), /RRQ "SEP001122334455.cnf.xml.sgn" blksize=512 → sent, 1300 bytes in 3 blocks/);
    assert.match(f.logs[0], /127\.0\.0\.1:\d+/, "the log names the remote");
  } finally {
    await f.close();
  }
});

test("blksize 1428 and tsize are acknowledged in an OACK, then ACK 0 starts the data", async () => {
  const file = randomBytes(5000);
  const f = await fixture({ "ITLFile.tlv": file });
  try {
    await rrq(
      f,
      "ITLFile.tlv",
      new Map([
        ["blksize", "1428"],
        ["tsize", "0"],
      ]),
    );
    const oack = await f.peer.expect("OACK");
    assert.deepEqual(
      [...oack.packet.options],
      [
        ["blksize", "1428"],
        ["tsize", "5000"],
      ],
    );
    await f.peer.send(encodeAck(0), oack.from.port);
    const got = await receiveRest(f.peer, oack.from.port, 1428, undefined);
    assert.deepEqual(got.sizes, [1428, 1428, 1428, 716]);
    assert.ok(got.bytes.equals(file));
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /blksize=1428 tsize=5000 → sent, 5000 bytes in 4 blocks/);
  } finally {
    await f.close();
  }
});

test("a file that is an exact multiple of the block size ends with an empty DATA", async () => {
  const file = randomBytes(1024);
  const f = await fixture({ "exact.bin": file });
  try {
    await rrq(f, "exact.bin");
    const first = await f.peer.expect("DATA");
    const got = await receiveRest(f.peer, first.from.port, 512, first);
    assert.deepEqual(got.sizes, [512, 512, 0]);
    assert.ok(got.bytes.equals(file));
  } finally {
    await f.close();
  }
});

test("an empty file is one empty DATA", async () => {
  const f = await fixture({ "empty.txt": new Uint8Array(0) });
  try {
    await rrq(f, "empty.txt", new Map([["tsize", "0"]]));
    const oack = await f.peer.expect("OACK");
    assert.deepEqual([...oack.packet.options], [["tsize", "0"]]);
    await f.peer.send(encodeAck(0), oack.from.port);
    const got = await receiveRest(f.peer, oack.from.port, 512, undefined);
    assert.deepEqual(got.sizes, [0]);
  } finally {
    await f.close();
  }
});

test("a lost ACK: the server sends the same DATA again after its timeout, then goes on", async () => {
  const file = randomBytes(700);
  const f = await fixture({ "a.bin": file }, { timeoutMs: 150 });
  try {
    await rrq(f, "a.bin");
    const first = await f.peer.expect("DATA");
    const sentAt = Date.now();
    // Our ACK 1 "is lost": we send nothing.
    const again = await f.peer.expect("DATA");
    assert.ok(Date.now() - sentAt >= 100, "retransmitted on the timer, not at once");
    assert.equal(again.packet.block, 1);
    assert.equal(again.from.port, first.from.port);
    assert.deepEqual(again.packet.data, first.packet.data);
    const got = await receiveRest(f.peer, first.from.port, 512, again);
    assert.ok(got.bytes.equals(file));
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /→ sent, 700 bytes/);
  } finally {
    await f.close();
  }
});

test("a duplicate ACK is ignored: no resend (no Sorcerer's Apprentice), the transfer goes on", async () => {
  const file = randomBytes(512 * 3 + 10);
  const f = await fixture({ "a.bin": file }, { timeoutMs: 1000 }); // far beyond the 200 ms we watch
  try {
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA");
    const tid = d1.from.port;
    await f.peer.send(encodeAck(1), tid);
    const d2 = await f.peer.expect("DATA");
    assert.equal(d2.packet.block, 2);
    // ACK 1 again (a delayed duplicate) twice: a naive sender would send DATA 2 once more for each.
    await f.peer.send(encodeAck(1), tid);
    await f.peer.send(encodeAck(1), tid);
    assert.deepEqual(await f.peer.collect(200), [], "nothing is sent in answer to a duplicate ACK");
    await f.peer.send(encodeAck(2), tid);
    const d3 = await f.peer.expect("DATA");
    assert.equal(d3.packet.block, 3);
    await f.peer.send(encodeAck(3), tid);
    const d4 = await f.peer.expect("DATA");
    assert.equal(d4.packet.block, 4);
    assert.equal(d4.packet.data.length, 10);
    await f.peer.send(encodeAck(4), tid);
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /→ sent, 1546 bytes in 4 blocks/);
  } finally {
    await f.close();
  }
});

test("a packet from a wrong TID gets error 5 and does not disturb the transfer", async () => {
  const file = randomBytes(600);
  const f = await fixture({ "a.bin": file });
  const stranger = await UdpPeer.open();
  try {
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA");
    await stranger.send(encodeAck(1), d1.from.port);
    const err = await stranger.expect("ERROR");
    assert.equal(err.packet.code, 5);
    assert.equal(err.from.port, d1.from.port);
    const got = await receiveRest(f.peer, d1.from.port, 512, d1);
    assert.ok(got.bytes.equals(file));
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /→ sent, 600 bytes/);
  } finally {
    await stranger.close();
    await f.close();
  }
});

test("a client that vanishes mid-transfer: bounded retransmissions, then the transfer and its socket are freed", async () => {
  const f = await fixture({ "big.bin": randomBytes(5000) }, { timeoutMs: 60, retries: 2 });
  try {
    await rrq(f, "big.bin");
    const d1 = await f.peer.expect("DATA");
    await f.peer.send(encodeAck(1), d1.from.port);
    await f.peer.expect("DATA"); // block 2, and then the client is gone
    assert.equal(f.server.activeTransfers(), 1);
    await waitFor(() => f.server.activeTransfers() === 0);
    const resent = await f.peer.collect(150);
    assert.deepEqual(
      resent.map((r) => r.packet.op === "DATA" && r.packet.block),
      [2, 2],
      "exactly `retries` retransmissions of the last DATA",
    );
    assert.match(f.logs.join("\n"), /abandoned: no ACK for block 2 after 2 retries, 512 bytes in 1 blocks/);
    // The transfer's port is closed: a late ACK there reaches nobody (no answer comes back).
    await f.peer.send(encodeAck(2), d1.from.port);
    assert.deepEqual(await f.peer.collect(100), []);
  } finally {
    await f.close();
  }
});

test("a client that never acknowledges the OACK is given up too", async () => {
  const f = await fixture({ "a.bin": randomBytes(10) }, { timeoutMs: 40, retries: 1 });
  try {
    await rrq(f, "a.bin", new Map([["tsize", "0"]]));
    await f.peer.expect("OACK");
    await waitFor(() => f.server.activeTransfers() === 0);
    assert.match(f.logs.join("\n"), /abandoned: no ACK for the OACK after 1 retries/);
  } finally {
    await f.close();
  }
});

test("an ERROR from the client ends its transfer", async () => {
  const f = await fixture({ "a.bin": randomBytes(2000) });
  try {
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA");
    await f.peer.send(encodeError(0, "user cancelled"), d1.from.port);
    await waitFor(() => f.server.activeTransfers() === 0);
    assert.match(f.logs[0], /client sent error 0: user cancelled/);
    assert.deepEqual(await f.peer.collect(100), [], "no answer to an ERROR");
  } finally {
    await f.close();
  }
});

test("write requests are refused with error 2 before any resolver is asked", async () => {
  const f = await fixture({ "SEP001122334455.cnf.xml": new Uint8Array(1) });
  try {
    await f.peer.send(encodeRequest("WRQ", "SEP001122334455.cnf.xml", "octet"), f.server.port);
    const err = await f.peer.expect("ERROR");
    assert.equal(err.packet.code, 2);
    assert.deepEqual(f.asked, []);
    assert.equal(f.server.activeTransfers(), 0);
    assert.match(f.logs[0], /WRQ "SEP001122334455.cnf.xml" → write requests are not accepted \(TFTP error 2\)/);
  } finally {
    await f.close();
  }
});

test("traversal, absolute, backslash and control-character names get error 2 and never reach the resolver", async () => {
  const f = await fixture({});
  try {
    const names = [
      "../SEP001122334455.cnf.xml",
      "a/../../etc/passwd",
      "/etc/passwd",
      "..\\x",
      "dir\\SEP1.cnf.xml",
      "C:\\boot.ini",
      "SEP1.cnf.xml\r",
      "a\x01b",
      "x".repeat(300),
    ];
    for (const name of names) {
      await rrq(f, name);
      const err = await f.peer.expect("ERROR");
      assert.equal(err.packet.code, 2, JSON.stringify(name));
      assert.match(err.packet.message, /^refused: /);
    }
    assert.deepEqual(f.asked, []);
    assert.equal(f.logs.length, names.length, "one log line per request");
    assert.ok(
      f.logs.every((l) => !/[\x00-\x1f]/.test(l)),
      "control characters are escaped in the log",
    );
  } finally {
    await f.close();
  }
});

test("an unknown name is error 1 after the resolver says null; a failing resolver is error 0", async () => {
  const f = await fixture({}, {});
  const g = await fixture({}, { resolve: async () => Promise.reject(new Error("database locked")) });
  try {
    await rrq(f, "SEPFFFFFFFFFFFF.cnf.xml.sgn", new Map([["blksize", "1428"]]));
    const err = await f.peer.expect("ERROR");
    assert.equal(err.packet.code, 1);
    assert.deepEqual(f.asked, ["SEPFFFFFFFFFFFF.cnf.xml.sgn"]);
    await rrq(g, "x");
    assert.equal((await g.peer.expect("ERROR")).packet.code, 0);
    assert.match(g.logs[0], /resolver failed: database locked/);
    assert.equal(f.server.activeTransfers() + g.server.activeTransfers(), 0);
  } finally {
    await Promise.all([f.close(), g.close()]);
  }
});

test("malformed or misplaced packets on the request port get an error and the server keeps serving", async () => {
  const f = await fixture({ "a.bin": Buffer.from("hello") });
  try {
    await f.peer.send(new Uint8Array([0, 1, 0x61]), f.server.port);
    assert.equal((await f.peer.expect("ERROR")).packet.code, 4);
    await f.peer.send(new Uint8Array([0, 42]), f.server.port);
    assert.equal((await f.peer.expect("ERROR")).packet.code, 4);
    await f.peer.send(encodeAck(1), f.server.port);
    assert.equal((await f.peer.expect("ERROR")).packet.code, 5);
    await f.peer.send(encodeRequest("RRQ", "a.bin", "mail"), f.server.port);
    assert.equal((await f.peer.expect("ERROR")).packet.code, 4);
    await f.peer.send(encodeError(0, "noise"), f.server.port);
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA"); // the ERROR above got no answer: next is our data
    assert.equal(Buffer.from(d1.packet.data).toString(), "hello");
    await f.peer.send(encodeAck(1), d1.from.port);
  } finally {
    await f.close();
  }
});

test("a retransmitted RRQ does not start a second transfer", async () => {
  const f = await fixture({ "a.bin": randomBytes(100) });
  try {
    await rrq(f, "a.bin");
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA");
    await f.peer.send(encodeAck(1), d1.from.port);
    assert.deepEqual(await f.peer.collect(150), [], "only one DATA 1 was sent");
    assert.deepEqual(f.asked, ["a.bin"]);
  } finally {
    await f.close();
  }
});

test("netascii mode converts line ends as it sends", async () => {
  const f = await fixture({ "SEP1.cnf.xml": Buffer.from("<a>\n<b/>\n</a>") });
  try {
    await rrq(f, "SEP1.cnf.xml", new Map([["tsize", "0"]]), "netascii");
    const oack = await f.peer.expect("OACK");
    assert.equal(oack.packet.options.get("tsize"), "15", "tsize counts the converted bytes");
    await f.peer.send(encodeAck(0), oack.from.port);
    const got = await receiveRest(f.peer, oack.from.port, 512, undefined);
    assert.equal(got.bytes.toString("latin1"), "<a>\r\n<b/>\r\n</a>");
  } finally {
    await f.close();
  }
});

test("blksize 65464 (the RFC 2348 ceiling) moves a 200 KB file in four datagrams", async () => {
  const file = randomBytes(200_000);
  const f = await fixture({ "big.bin": file });
  try {
    const got = await tftpGet({ host: "127.0.0.1", port: f.server.port, filename: "big.bin", blksize: 65464, timeoutMs: 300 });
    assert.ok(Buffer.from(got).equals(file));
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /blksize=65464 tsize=200000 → sent, 200000 bytes in 4 blocks/);
  } finally {
    await f.close();
  }
});

test("20 concurrent transfers with different block sizes all arrive intact", async () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 20; i++) files[`SEP0000000000${String(i).padStart(2, "0")}.cnf.xml.sgn`] = randomBytes(3000 + i * 517);
  const f = await fixture(files);
  try {
    const names = Object.keys(files);
    const results = await Promise.all(
      names.map((filename, i) => tftpGet({ host: "127.0.0.1", port: f.server.port, filename, blksize: i % 2 ? 1428 : 512, timeoutMs: 300 })),
    );
    names.forEach((name, i) => assert.ok(Buffer.from(results[i]).equals(files[name]), name));
    await waitFor(() => f.logs.length === 20 && f.server.activeTransfers() === 0);
    assert.equal(f.logs.filter((l) => / → sent, /.test(l)).length, 20);
  } finally {
    await f.close();
  }
});

test("closing the server during transfers abandons them and frees every socket", async () => {
  const f = await fixture({ "a.bin": randomBytes(4000) });
  await rrq(f, "a.bin");
  await f.peer.expect("DATA");
  assert.equal(f.server.activeTransfers(), 1);
  await f.close();
  assert.equal(f.server.activeTransfers(), 0);
  assert.match(f.logs[0], /server closing/);
});

test("block numbers wrap past 65535 (blksize 8, 65 541 blocks)", async () => {
  const file = randomBytes(8 * 65540 + 3);
  // 65 541 lock-step round trips can outlast the default 30 s transfer deadline on a busy machine.
  const f = await fixture({ "wrap.bin": file }, { maxTransferMs: 300_000 });
  try {
    const got = await tftpGet({ host: "127.0.0.1", port: f.server.port, filename: "wrap.bin", blksize: 8, timeoutMs: 500 });
    assert.ok(Buffer.from(got).equals(file));
    await waitFor(() => f.logs.length === 1);
    assert.match(f.logs[0], /→ sent, 524323 bytes in 65541 blocks/);
  } finally {
    await f.close();
  }
});

test("a resolver that throws synchronously is error 0, and the server goes on", async () => {
  const f = await fixture(
    {},
    {
      resolve: (name) => {
        if (name === "bad") throw new Error("not a promise");
        return Promise.resolve(Buffer.from("fine"));
      },
    },
  );
  try {
    await rrq(f, "bad");
    assert.equal((await f.peer.expect("ERROR")).packet.code, 0);
    await rrq(f, "good");
    const d1 = await f.peer.expect("DATA");
    assert.equal(Buffer.from(d1.packet.data).toString(), "fine");
    await f.peer.send(encodeAck(1), d1.from.port);
  } finally {
    await f.close();
  }
});

test("closing while a resolver is still working: nothing starts afterwards", async () => {
  let answer: (b: Uint8Array) => void = () => {};
  const f = await fixture({}, { resolve: () => new Promise((r) => (answer = r)) });
  await rrq(f, "slow.bin");
  await waitFor(() => f.server.activeTransfers() === 1);
  await f.server.close();
  assert.equal(f.server.activeTransfers(), 0);
  answer(Buffer.from("late"));
  assert.deepEqual(await f.peer.collect(100), [], "no DATA after close");
  await f.peer.close();
});

test("beyond maxTransfers a request is refused with error 0 until a transfer ends", async () => {
  const f = await fixture({ "a.bin": randomBytes(600) }, { maxTransfers: 1 });
  const second = await UdpPeer.open();
  try {
    await rrq(f, "a.bin");
    const d1 = await f.peer.expect("DATA");
    await second.send(encodeRequest("RRQ", "a.bin", "octet"), f.server.port);
    const busy = await second.expect("ERROR");
    assert.equal(busy.packet.code, 0);
    assert.match(busy.packet.message, /busy/);
    await receiveRest(f.peer, d1.from.port, 512, d1);
    await waitFor(() => f.server.activeTransfers() === 0);
    await second.send(encodeRequest("RRQ", "a.bin", "octet"), f.server.port);
    assert.equal((await second.expect("DATA")).packet.block, 1);
  } finally {
    await second.close();
    await f.close();
  }
});
