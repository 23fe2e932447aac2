// The TFTP codec against packets laid out by hand from RFC 1350 §5 and RFC 2347,
// the option rules of RFC 2348/2349, and the promise that no datagram makes it throw.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { toNetascii } from "../host/shared/tftp/netascii.js";
import { unsafeFilenameReason } from "../host/shared/tftp/tftpFilename.js";
import { acceptOack, negotiateAsServer } from "../host/shared/tftp/tftpOptions.js";
import { decodePacket, encodeAck, encodeData, encodeError, encodeOack, encodeRequest, type TftpOptions } from "../host/shared/tftp/tftpPacket.js";

/** opcode (2 bytes, big-endian) followed by NUL-terminated ASCII strings, as RFC 1350 draws an RRQ. */
function wire(opcode: number, ...strings: string[]): Uint8Array {
  return new Uint8Array([0, opcode, ...strings.flatMap((s) => [...Buffer.from(s, "latin1"), 0])]);
}

test("RRQ with options encodes to the RFC 2347 layout and decodes back", () => {
  const options: TftpOptions = new Map([
    ["blksize", "1428"],
    ["tsize", "0"],
  ]);
  const expected = wire(1, "SEPA45630BBFA40.cnf.xml.sgn", "octet", "blksize", "1428", "tsize", "0");
  assert.deepEqual(encodeRequest("RRQ", "SEPA45630BBFA40.cnf.xml.sgn", "octet", options), expected);
  assert.deepEqual(decodePacket(expected), { op: "RRQ", filename: "SEPA45630BBFA40.cnf.xml.sgn", mode: "octet", options });
});

test("mode and option names are case-insensitive; values are kept as sent", () => {
  const packet = decodePacket(wire(1, "f", "OcTeT", "BLKSIZE", "1024", "TSize", "0"));
  assert.equal(packet.op, "RRQ");
  if (packet.op !== "RRQ") return;
  assert.equal(packet.mode, "octet");
  assert.deepEqual(
    [...packet.options],
    [
      ["blksize", "1024"],
      ["tsize", "0"],
    ],
  );
});

test("WRQ, OACK, DATA, ACK and ERROR have the RFC byte layouts", () => {
  assert.deepEqual(decodePacket(wire(2, "up.bin", "netascii")), { op: "WRQ", filename: "up.bin", mode: "netascii", options: new Map() });
  assert.deepEqual(encodeOack(new Map([["blksize", "512"]])), wire(6, "blksize", "512"));
  assert.deepEqual(decodePacket(wire(6, "tsize", "99")), { op: "OACK", options: new Map([["tsize", "99"]]) });
  assert.deepEqual(encodeData(0x1234, new Uint8Array([9, 8, 7])), new Uint8Array([0, 3, 0x12, 0x34, 9, 8, 7]));
  assert.deepEqual(encodeData(65536 + 5, new Uint8Array(0)), new Uint8Array([0, 3, 0, 5]), "block numbers wrap modulo 65536");
  const data = decodePacket(new Uint8Array([0, 3, 0xff, 0xfe, 1, 2]));
  assert.equal(data.op, "DATA");
  if (data.op === "DATA") {
    assert.equal(data.block, 65534);
    assert.deepEqual([...data.data], [1, 2]);
  }
  assert.deepEqual(encodeAck(258), new Uint8Array([0, 4, 1, 2]));
  assert.deepEqual(decodePacket(new Uint8Array([0, 4, 1, 2])), { op: "ACK", block: 258 });
  assert.deepEqual(encodeError(1, "File not found"), new Uint8Array([0, 5, 0, 1, ...Buffer.from("File not found"), 0]));
  assert.deepEqual(
    decodePacket(new Uint8Array([0, 5, 0, 2, ...Buffer.from("no")])),
    { op: "ERROR", code: 2, message: "no" },
    "message without its NUL is tolerated",
  );
});

test("malformed packets come back as named reasons", () => {
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([]), /no opcode/],
    [new Uint8Array([0]), /no opcode/],
    [new Uint8Array([0, 9]), /unknown opcode 9/],
    [new Uint8Array([0, 1, ...Buffer.from("file")]), /not NUL-terminated/],
    [wire(1, "file"), /filename and mode are required/],
    [wire(1, "", "octet"), /empty filename/],
    [wire(1, "f", "binary"), /unknown mode "binary"/],
    [wire(1, "f", "octet", "blksize"), /option "blksize" has no value/],
    [wire(1, "f", "octet", "blksize", "512", "BLKSIZE", "1024"), /given twice/],
    [wire(1, "f", "octet", "", "1"), /empty option name/],
    [new Uint8Array([0, 3, 0]), /no block number/],
    [new Uint8Array(4 + 65465).fill(3, 1, 2), /more than 65464/],
    [new Uint8Array([0, 4, 0]), /ACK must be 4 bytes/],
    [new Uint8Array([0, 4, 0, 1, 0]), /ACK must be 4 bytes/],
    [new Uint8Array([0, 5, 0]), /no error code/],
    [new Uint8Array([0, 6, ...Buffer.from("tsize")]), /not NUL-terminated/],
  ];
  for (const [bytes, reason] of cases) {
    const packet = decodePacket(bytes);
    assert.equal(packet.op, "malformed", `${[...bytes.subarray(0, 12)]} should be malformed`);
    if (packet.op === "malformed") assert.match(packet.reason, reason);
  }
  assert.equal(decodePacket(new Uint8Array([0, 3, 0, 1, ...new Uint8Array(65464)])).op, "DATA", "65464 data bytes is the ceiling, not over it");
});

test("control characters in names are shown escaped in reasons", () => {
  const packet = decodePacket(wire(1, "f", "oc\x1btet"));
  assert.equal(packet.op, "malformed");
  if (packet.op === "malformed") assert.match(packet.reason, /oc\\x1btet/);
});

test("decoding never throws, and what encodes decodes to the same request", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      decodePacket(bytes);
      decodePacket(new Uint8Array([0, bytes[0] ?? 1, ...bytes]));
    }),
    { numRuns: 3000 },
  );
  const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes("\0") && /^[\x01-\xff]*$/.test(s));
  fc.assert(
    fc.property(
      name,
      fc.constantFrom("octet", "netascii"),
      fc.dictionary(
        name.map((s) => s.toLowerCase()),
        name,
        { maxKeys: 4 },
      ),
      (filename, mode, dict) => {
        const options: TftpOptions = new Map(Object.entries(dict));
        const packet = decodePacket(encodeRequest("RRQ", filename, mode as "octet", options));
        assert.deepEqual(packet, { op: "RRQ", filename, mode, options });
      },
    ),
  );
});

test("server negotiation: blksize within 8..65464 (capped), tsize reports the size, timeout 1..255 echoed", () => {
  const n = negotiateAsServer(
    new Map([
      ["blksize", "1428"],
      ["tsize", "0"],
      ["timeout", "3"],
    ]),
    4242,
  );
  assert.deepEqual(n, {
    blksize: 1428,
    tsize: 4242,
    timeoutS: 3,
    oack: new Map([
      ["blksize", "1428"],
      ["tsize", "4242"],
      ["timeout", "3"],
    ]),
  });
  assert.equal(negotiateAsServer(new Map([["blksize", "70000"]]), 1).blksize, 65464, "too large is lowered to the ceiling");
  assert.equal(negotiateAsServer(new Map([["blksize", "9000"]]), 1, 1468).blksize, 1468, "a server's own ceiling");
  for (const bad of ["7", "0", "", "12x", "-1"]) {
    const r = negotiateAsServer(new Map([["blksize", bad]]), 1);
    assert.equal(r.blksize, 512, `blksize ${JSON.stringify(bad)} is ignored`);
    assert.equal(r.oack.size, 0);
  }
  for (const bad of ["0", "256", "x"]) assert.equal(negotiateAsServer(new Map([["timeout", bad]]), 1).oack.size, 0, `timeout ${bad} ignored`);
  assert.equal(
    negotiateAsServer(
      new Map([
        ["multicast", ""],
        ["windowsize", "4"],
      ]),
      1,
    ).oack.size,
    0,
    "unknown options are not acknowledged",
  );
});

test("client check of an OACK: only narrowing of what was asked is accepted", () => {
  const asked: TftpOptions = new Map([
    ["blksize", "1428"],
    ["tsize", "0"],
    ["timeout", "2"],
  ]);
  assert.deepEqual(
    acceptOack(
      asked,
      new Map([
        ["blksize", "1024"],
        ["tsize", "77"],
      ]),
    ),
    { blksize: 1024, tsize: 77 },
  );
  assert.deepEqual(acceptOack(asked, new Map([["tsize", "77"]])), { blksize: 512, tsize: 77 }, "no blksize in the OACK → 512");
  assert.deepEqual(acceptOack(asked, new Map([["timeout", "2"]])), { blksize: 512, timeoutS: 2 });
  assert.match(acceptOack(asked, new Map([["blksize", "1500"]])) as string, /blksize 1500/);
  assert.match(acceptOack(asked, new Map([["blksize", "4"]])) as string, /blksize 4/);
  assert.match(acceptOack(asked, new Map([["timeout", "5"]])) as string, /changed timeout/);
  assert.match(acceptOack(asked, new Map([["tsize", "lots"]])) as string, /not a decimal/);
  assert.match(acceptOack(new Map([["tsize", "0"]]), new Map([["blksize", "512"]])) as string, /not requested/);
});

test("filename rule: plain relative names pass, ways out and control characters do not", () => {
  for (const ok of ["ITLFile.tlv", "SEPA45630BBFA40.cnf.xml.enc.sgn", "Desktops/320x212x12/List.xml", "a.b.c"]) {
    assert.equal(unsafeFilenameReason(ok), null, ok);
  }
  const refused: [string, RegExp][] = [
    ["../etc/passwd", /'\.\.'/],
    ["a/../../b", /'\.\.'/],
    ["SEP1.cnf.xml..", /'\.\.'/],
    ["/etc/passwd", /absolute/],
    ["..\\boot.ini", /backslash/],
    ["a\\b", /backslash/],
    ["C:boot.ini", /drive-letter/],
    ["SEP1.cnf.xml\n", /control/],
    ["a\x7fb", /control/],
    ["", /empty/],
    ["x".repeat(256), /longer than 255/],
  ];
  for (const [name, why] of refused) assert.match(unsafeFilenameReason(name) ?? "passed", why, JSON.stringify(name));
});

test("netascii: LF → CR LF, bare CR → CR NUL, other bytes unchanged", () => {
  const input = Buffer.from("a\nb\rc\r\nd");
  assert.deepEqual(Buffer.from(toNetascii(input)), Buffer.from("a\r\nb\r\0c\r\0\r\nd", "latin1"));
  const plain = new Uint8Array([1, 2, 3]);
  assert.equal(toNetascii(plain), plain);
});
