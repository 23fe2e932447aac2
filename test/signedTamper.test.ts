// Every single-bit flip and every truncation of a small signed config and of a small
// encrypted config is refused with a named status and yields no plaintext.

import assert from "node:assert/strict";
import { test } from "node:test";
import { FileMode } from "../host/core/fileFacet.js";
import { STATUS } from "../host/generated/status.js";
import { coreWith, ITL_SHA1, peerFile } from "./fuzz/signedCorpus.js";

const SMALL_SIGNED = "sgn/SoftKeys.xml.sgn"; // 468 bytes, SHA-1, RSA-2048 signer
const SMALL_ENCRYPTED = "enc/sha1-rsa2048/SEP001122334455.cnf.xml.enc.sgn"; // 1692 bytes, 1024-bit device key

function refusesAll(file: string, variants: (bytes: Buffer) => Iterable<[string, Buffer]>, device?: string) {
  const core = coreWith(ITL_SHA1, device);
  const original = peerFile(file);
  assert.equal(core.files.run(FileMode.config, original).verdict.status, "OK", "the untouched file opens");
  const seen = new Map<string, number>();
  let count = 0;
  for (const [what, bytes] of variants(original)) {
    const r = core.files.run(FileMode.config, bytes);
    assert.equal(r.verdict.ok, false, `${file} with ${what} was accepted`);
    assert.ok(STATUS.has(r.verdict.code), `${file} with ${what}: unnamed status ${r.verdict.code}`);
    assert.equal(r.output.length, 0, `${file} with ${what} produced output`);
    seen.set(r.verdict.status, (seen.get(r.verdict.status) ?? 0) + 1);
    count++;
  }
  return { count, seen };
}

function* bitFlips(bytes: Buffer): Iterable<[string, Buffer]> {
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 1 << bit;
      yield [`bit ${bit} of byte ${i} flipped`, copy];
    }
  }
}

function* truncations(bytes: Buffer): Iterable<[string, Buffer]> {
  for (let n = 0; n < bytes.length; n++) yield [`only its first ${n} bytes`, bytes.subarray(0, n)];
}

test("every bit flip of a small signed config is refused", () => {
  const { count, seen } = refusesAll(SMALL_SIGNED, bitFlips);
  assert.equal(count, peerFile(SMALL_SIGNED).length * 8);
  assert.ok((seen.get("E_BAD_SIGNATURE") ?? 0) > count / 2, "most flips break the signature");
});

test("every truncation of a small signed config is refused", () => {
  const { seen } = refusesAll(SMALL_SIGNED, truncations);
  for (const code of ["E_TRUNCATED", "E_ELEMENT_OVERRUNS_FILE", "E_BAD_SIGNATURE"]) assert.ok(seen.has(code), `some truncation gives ${code}`);
});

test("every bit flip of a small encrypted config is refused", () => {
  const { count } = refusesAll(SMALL_ENCRYPTED, bitFlips, "SEP001122334455");
  assert.equal(count, peerFile(SMALL_ENCRYPTED).length * 8);
});

test("every truncation of a small encrypted config is refused", () => {
  const { seen } = refusesAll(SMALL_ENCRYPTED, truncations, "SEP001122334455");
  assert.ok(seen.has("E_BODY_LENGTH"), "a body cut inside a block is named as such");
});

test("a wrong device key of the right size is refused by the content hash", () => {
  // SEP0000000A0711 and SEPA45630BBFA40 both hold 2048-bit keys.
  const file = peerFile("enc/sha1-rsa2048/SEPA45630BBFA40.cnf.xml.enc.sgn");
  assert.equal(coreWith(ITL_SHA1, "SEPA45630BBFA40").files.run(FileMode.config, file).verdict.status, "OK");
  const r = coreWith(ITL_SHA1, "SEP0000000A0711").files.run(FileMode.config, file);
  assert.equal(r.verdict.status, "E_CONTENT_HASH");
  assert.equal(r.output.length, 0);
  assert.equal(coreWith(ITL_SHA1, "SEP001122334455").files.run(FileMode.config, file).verdict.status, "E_KEY_MISMATCH");
});
