// assembly/README.md's "typical phone-side sequence", followed word for word in plain
// JavaScript against the bare module (no host wrapper): install the trust list, load the
// device key, feed the encrypted config and collect REG1 bytes from OUT whenever REG0 & 2,
// accept only when file_finish returns 0. The oracle is the peer's plaintext.

import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot, vectorsDir, wasmPath } from "../host/paths.js";

const PEER = join(vectorsDir, "peer");
type Exports = Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };

function bareCore(): { ex: Exports; mem: Uint8Array; reg: (i: number) => number } {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {});
  const ex = exports as unknown as Exports;
  const mem = new Uint8Array(ex.memory.buffer);
  const regs = new Uint32Array(ex.memory.buffer, ex.reg_ptr(), ex.reg_count());
  return { ex, mem, reg: (i) => regs[i] };
}

/** The sequence as written; `take(events)` decides when OUT holds plaintext. */
function typicalSequence(config: Uint8Array, chunk: number, take: (events: number) => boolean): { status: number; plaintext: Buffer; doneSeen: boolean } {
  const { ex, mem, reg } = bareCore();
  const feed = (bytes: Uint8Array, onChunk: () => void): number => {
    for (let at = 0; at < bytes.length; at += chunk) {
      const piece = bytes.subarray(at, at + chunk);
      mem.set(piece, ex.in_ptr());
      const s = ex.file_feed(piece.length);
      if (s !== 0) return s;
      onChunk();
    }
    return 0;
  };
  // "file_begin(1)  feed ITL chunks with file_feed(len)  file_finish() == 0 → trust list installed"
  assert.equal(ex.file_begin(1), 0);
  assert.equal(
    feed(readFileSync(join(PEER, "itl", "ITLSEPA45630BBFA40.tlv")), () => {}),
    0,
  );
  assert.equal(ex.file_finish(), 0, "trust list installed");
  // "copy the device key DER to IN; rsa_priv_load(len) == 0 → device key loaded"
  const der = createPrivateKey(readFileSync(join(PEER, "devices", "SEPA45630BBFA40.pem"))).export({ type: "pkcs8", format: "der" });
  mem.set(der, ex.in_ptr());
  assert.equal(ex.rsa_priv_load(der.length), 0, "device key loaded");
  // "file_begin(0)  for each chunk: copy it to IN; file_feed(len) == 0
  //  if REG0 & 2 (EVENT_OUTPUT): copy REG1 bytes of provisional plaintext from OUT"
  const pieces: Buffer[] = [];
  const collect = () => {
    if (take(reg(0))) pieces.push(Buffer.from(mem.slice(ex.out_ptr(), ex.out_ptr() + reg(1))));
  };
  assert.equal(ex.file_begin(0), 0);
  let status = feed(config, collect);
  // "file_finish() == 0 → REG0 is 4 (EVENT_DONE), ORed with 2 when the last plaintext block came out here"
  let doneSeen = false;
  if (status === 0) {
    status = ex.file_finish();
    doneSeen = (reg(0) & 4) !== 0;
    if (status === 0) collect();
  } else doneSeen = (reg(0) & 4) !== 0;
  // "anything else → the file is refused: discard everything collected"
  return { status, plaintext: status === 0 ? Buffer.concat(pieces) : Buffer.alloc(0), doneSeen };
}

const big = readFileSync(join(PEER, "enc", "big", "SEPA45630BBFA40.cnf.xml.enc.sgn"));
const expected = readFileSync(join(PEER, "plain", "big.cnf.xml"));
const readme = readFileSync(join(repoRoot, "assembly", "README.md"), "utf8");

test("the README's sequence is the one this test follows (REG0 & 2 for output, 4 for done)", () => {
  assert.match(readme, /if REG0 & 2 \(EVENT_OUTPUT\): copy REG1 bytes of provisional plaintext from OUT/);
  assert.match(readme, /file_finish\(\) == 0 → REG0 is 4 \(EVENT_DONE\)/);
  assert.doesNotMatch(readme, /REG0 bit 2/, "the old wording read as bit 2 (value 4) loses all but the last block");
});

test("following the typical sequence yields the peer's whole plaintext, for any chunk size", () => {
  for (const chunk of [1428, 16384, 1, 4097]) {
    const r = typicalSequence(big, chunk, (events) => (events & 2) !== 0);
    assert.equal(r.status, 0, `chunk ${chunk}`);
    assert.ok(r.doneSeen, "file_finish sets EVENT_DONE (4)");
    assert.equal(r.plaintext.length, expected.length, `chunk ${chunk}: plaintext length`);
    assert.ok(r.plaintext.equals(expected), `chunk ${chunk}: plaintext differs from the peer's`);
  }
});

test("the old reading (output on value 4) would have truncated the plaintext silently", () => {
  const r = typicalSequence(big, 1428, (events) => (events & 4) !== 0);
  assert.equal(r.status, 0);
  assert.ok(r.plaintext.length < expected.length / 10, `${r.plaintext.length} of ${expected.length} bytes`);
});

test("a tampered file is refused with E_BAD_SIGNATURE (102), done is raised, nothing is kept", () => {
  const tampered = Buffer.from(big);
  tampered[tampered.length - 100] ^= 1;
  const r = typicalSequence(tampered, 1428, (events) => (events & 2) !== 0);
  assert.equal(r.status, 102);
  assert.ok(r.doneSeen);
  assert.equal(r.plaintext.length, 0);
});
