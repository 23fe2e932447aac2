// The CAPF message codec against every recorded message of the peer, and its refusals.

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { CapfTag, certificateValue, readCertificateValue, readSha2SignedDataValue, readStringValue, stringValue } from "../host/shared/capf/capfElements.js";
import { CapfFormatError, CapfFrameReader, type CapfMessage, decodeCapfMessage, encodeCapfMessage } from "../host/shared/capf/capfMessage.js";
import { capfVectorsDir, elementTags, readRecording } from "./helpers/capfFixtures.js";

const recordings = readdirSync(capfVectorsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));
const allRecorded = recordings.flatMap((name) => readRecording(name).map((m) => ({ name, ...m, bytes: Buffer.from(m.hex, "hex") })));

test("the recordings hold every message of the eleven sessions", () => {
  assert.equal(recordings.length, 11);
  assert.ok(allRecorded.length >= 50);
});

test("every recorded message decodes to its command and re-encodes byte for byte", () => {
  for (const m of allRecorded) {
    const decoded = decodeCapfMessage(m.bytes);
    assert.equal(decoded.command, m.command, `${m.name}: command`);
    assert.equal(decoded.sessionId, m.bytes.readUInt32BE(2));
    assert.deepEqual(
      decoded.elements.map((e) => e.tag),
      elementTags(m.bytes),
      `${m.name} ${m.command}: tags in order`,
    );
    assert.ok(encodeCapfMessage(decoded).equals(m.bytes), `${m.name} command ${m.command} re-encodes`);
  }
});

test("writing puts elements in the recorded order whatever order they are given in", () => {
  const keyGen = allRecorded.find((m) => m.name === "install-rsa2048" && m.command === 3)!;
  const decoded = decodeCapfMessage(keyGen.bytes);
  const reversed: CapfMessage = { ...decoded, elements: [...decoded.elements].reverse() };
  assert.ok(encodeCapfMessage(reversed).equals(keyGen.bytes));
});

test("element values: device name and password strings, certificate inner header, SHA-2 signed data", () => {
  const auth = decodeCapfMessage(allRecorded.find((m) => m.name === "install-password" && m.command === 2)!.bytes);
  assert.equal(readStringValue(auth.elements.find((e) => e.tag === CapfTag.deviceName)!.value), "SEP0000000A0711");
  assert.equal(readStringValue(auth.elements.find((e) => e.tag === CapfTag.password)!.value), "123456");
  assert.ok(stringValue("123456").equals(Buffer.from("31323334353600", "hex")));

  const lscAuth = decodeCapfMessage(allRecorded.find((m) => m.name === "reinstall-auth-by-lsc" && m.command === 2)!.bytes);
  const certificate = lscAuth.elements.find((e) => e.tag === CapfTag.certificate)!.value;
  const { type, der } = readCertificateValue(certificate);
  assert.equal(type, 1);
  assert.equal(der[0], 0x30);
  assert.ok(certificateValue(der, type).equals(certificate));
  const sha2 = readSha2SignedDataValue(lscAuth.elements.find((e) => e.tag === CapfTag.sha2SignedData)!.value);
  assert.equal(sha2.algorithm, 3);
  assert.equal(sha2.signature.length, 512);
});

test("refused: unknown tag, repeated tag, element past the length, length mismatch, wrong protocol id, over the bound", () => {
  const ok = Buffer.from("550f00000008000401000109", "hex");
  assert.equal(decodeCapfMessage(ok).command, 15);
  const cases: Array<[string, Buffer, RegExp]> = [
    ["unknown tag", Buffer.from("550f0000000800040e000109", "hex"), /unknown element tag 14/],
    ["repeated tag", Buffer.from("550f000000080008010001090100010a", "hex"), /appears twice/],
    ["element past the length", Buffer.from("550f00000008000401000509", "hex"), /claims 5 bytes/],
    ["truncated element header", Buffer.from("550f000000080002010000", "hex").subarray(0, 10), /element header/],
    ["length mismatch", Buffer.from("550f00000008000501000109", "hex"), /length field says 5/],
    ["protocol id", Buffer.from("560f00000008000401000109", "hex"), /protocol id is 86/],
    ["short header", Buffer.from("550f0000", "hex"), /shorter than the 8-byte header/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(
      () => decodeCapfMessage(bytes),
      (e: Error) => e instanceof CapfFormatError && message.test(e.message),
      what,
    );
  }
  const big = encodeCapfMessage({ command: 2, sessionId: 1, elements: [{ tag: CapfTag.reasonInfo, value: Buffer.alloc(2000) }] });
  assert.throws(() => decodeCapfMessage(big, 1000), /exceed the bound of 1000/);
  assert.equal(decodeCapfMessage(big).elements[0].value.length, 2000);
});

test("the frame reader rebuilds messages from arbitrary pieces, also one byte at a time", () => {
  const stream = Buffer.concat(allRecorded.map((m) => m.bytes));
  for (const pieceSize of [1, 3, 7, 8, 100, 1500, stream.length]) {
    const reader = new CapfFrameReader();
    const out: CapfMessage[] = [];
    for (let at = 0; at < stream.length; at += pieceSize) out.push(...reader.push(stream.subarray(at, at + pieceSize)));
    assert.equal(out.length, allRecorded.length, `pieces of ${pieceSize}`);
    assert.ok(Buffer.concat(out.map(encodeCapfMessage)).equals(stream));
    assert.equal(reader.bufferedBytes, 0);
  }
  // random cuts
  for (let round = 0; round < 20; round++) {
    const reader = new CapfFrameReader();
    let count = 0;
    for (let at = 0; at < stream.length; ) {
      const n = 1 + Math.floor(Math.random() * 700);
      count += reader.push(stream.subarray(at, at + n)).length;
      at += n;
    }
    assert.equal(count, allRecorded.length);
  }
});

test("the frame reader refuses an oversized or foreign header before the body arrives", () => {
  const reader = new CapfFrameReader(100);
  assert.throws(() => reader.push(Buffer.from("5502000000010fff", "hex")), /exceed the bound of 100/);
  assert.throws(() => new CapfFrameReader().push(Buffer.from("GET / HTTP/1.1\r\n")), /protocol id is 71/);
});

test("random and mutated input: the decoder only ever refuses with CapfFormatError, never reads past the message", () => {
  const samples = allRecorded.map((m) => m.bytes);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: samples.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
      (which, flips, cut) => {
        const bytes = Buffer.from(samples[which]);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const input = bytes.subarray(0, bytes.length - (cut % 4 === 0 ? cut % bytes.length : 0));
        try {
          const message = decodeCapfMessage(input);
          // Whatever decodes re-encodes to exactly the bytes it came from (nothing read beyond them).
          assert.ok(encodeCapfMessage(message).equals(input) || message.elements.map((e) => e.tag).some((t, i, all) => i > 0 && t < all[i - 1]));
        } catch (e) {
          assert.ok(e instanceof CapfFormatError, String(e));
        }
      },
    ),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        new CapfFrameReader().push(Buffer.from(bytes));
      } catch (e) {
        assert.ok(e instanceof CapfFormatError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
