// The core's hashes against independent oracles: the standard vectors in vectors/hash/,
// node:crypto (OpenSSL) and @noble/hashes, over random lengths up to 1 MiB and random
// chunkings that hit the block boundaries.

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { md5, sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { HashFacet } from "../host/core/hashFacet.js";
import { newWasmCore } from "../host/core/wasmCore.js";
import { Status } from "../host/generated/status.js";
import { CORE_HASH_SELECTOR, HASH_ALGORITHMS, type HashAlgorithm } from "../host/shared/hashAlgorithms.js";
import { withScratchDir } from "./helpers/hashScratch.js";
import { HASH_VECTOR_FILES, readHashVectors } from "./helpers/hashVectors.js";

const core = newWasmCore();
const hashes = new HashFacet(core);
const ALGORITHMS = HASH_ALGORITHMS;
const NOBLE: Record<HashAlgorithm, (b: Uint8Array) => Uint8Array> = { md5, sha1, sha256, sha512 };
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const opensslHex = (alg: HashAlgorithm, b: Uint8Array) => createHash(alg).update(b).digest("hex");

/** Our digest with the message cut at the given offsets (sorted, within the message). */
function chunkedDigest(alg: HashAlgorithm, message: Uint8Array, cuts: number[]): string {
  const stream = hashes.begin(alg);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    stream.update(message.subarray(from, cut));
    from = cut;
  }
  stream.update(message.subarray(from));
  return hex(stream.end());
}

for (const alg of ALGORITHMS) {
  test(`${alg}: every standard vector (${HASH_VECTOR_FILES[alg].join(", ")})`, () => {
    let n = 0;
    for (const file of HASH_VECTOR_FILES[alg]) {
      for (const v of readHashVectors(alg, file)) {
        assert.equal(hex(hashes.digest(alg, v.message)), v.digest, `${file}, ${v.message.length} bytes`);
        n++;
      }
    }
    assert.ok(n >= 7);
  });
}

test("FIPS 180-4 million-'a' message, fed in odd pieces", () => {
  const million = new Uint8Array(1_000_000).fill(0x61);
  for (const alg of ALGORITHMS) {
    assert.equal(chunkedDigest(alg, million, [1, 63, 200_001, 999_999]), opensslHex(alg, million), alg);
  }
});

test("block-boundary lengths, every two-piece split, equal node:crypto", () => {
  const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 191, 192, 255, 256, 257];
  const data = randomBytes(257);
  for (const alg of ALGORITHMS) {
    for (const len of lengths) {
      const message = data.subarray(0, len);
      const want = opensslHex(alg, message);
      for (let cut = 0; cut <= len; cut++) assert.equal(chunkedDigest(alg, message, [cut]), want, `${alg} ${len} bytes cut at ${cut}`);
    }
  }
});

test("random messages up to 1 MiB in random chunks equal node:crypto and @noble/hashes", () => {
  const boundary = fc.constantFrom(55, 56, 63, 64, 111, 112, 127, 128, 16383, 16384, 16385);
  const length = fc.oneof(boundary, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1 << 20 }));
  fc.assert(
    fc.property(
      fc.constantFrom(...ALGORITHMS),
      length,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      fc.integer(),
      (alg, len, fractions, seed) => {
        const message = new Uint8Array(len);
        for (let i = 0, x = seed | 1; i < len; i++) message[i] = (x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 24;
        const cuts = fractions.map((f) => Math.floor(f * len));
        const ours = chunkedDigest(alg, message, cuts);
        assert.equal(ours, opensslHex(alg, message));
        assert.equal(ours, hex(NOBLE[alg](message)));
      },
    ),
    { numRuns: 60 },
  );
});

test("the slots are independent streams", () => {
  const a = randomBytes(5000),
    b = randomBytes(7000);
  const s1 = hashes.begin("sha256"),
    s2 = hashes.begin("sha512"),
    s3 = hashes.begin("md5");
  for (let i = 0; i < 5; i++) {
    s1.update(a.subarray(i * 1000, (i + 1) * 1000));
    s2.update(b.subarray(i * 1400, (i + 1) * 1400));
    s3.update(a.subarray(i * 1000, (i + 1) * 1000));
  }
  assert.throws(() => hashes.begin("sha1"), /slots of the core are in use/);
  assert.equal(hex(s2.end()), opensslHex("sha512", b));
  assert.equal(hex(s1.end()), opensslHex("sha256", a));
  assert.equal(hex(s3.end()), opensslHex("md5", a));
  assert.throws(() => s1.end(), /twice/);
  assert.throws(() => s1.update(a), /after end/);
  assert.equal(hex(hashes.digest("sha1", b)), opensslHex("sha1", b), "slots come back after end()");
});

test("hashFile streams a file and reports a missing one", async () => {
  await withScratchDir("hash", async (dir) => {
    const data = randomBytes(700_001);
    const path = join(dir, "data.bin");
    writeFileSync(path, data);
    for (const alg of ALGORITHMS) assert.equal(hex(await hashes.hashFile(alg, path)), opensslHex(alg, data), alg);
    await assert.rejects(hashes.hashFile("md5", join(dir, "missing")), { code: "ENOENT" });
    assert.equal(hex(hashes.digest("md5", data)), opensslHex("md5", data), "a failed file gives its slot back");
  });
});

test("the ABI refuses bad slots, algorithms, lengths and out-of-order calls with status codes", () => {
  const x = core.exports;
  const slots = x.hash_slots();
  assert.equal(x.hash_begin(slots, 0), Status.E_ARGUMENT);
  assert.equal(x.hash_begin(0, 4), Status.E_HASH_ALGORITHM);
  assert.equal(x.hash_update(0, 1), Status.E_STATE, "a failed begin leaves the slot idle");
  assert.equal(x.hash_end(0), Status.E_STATE);
  assert.equal(x.hash_begin(0, CORE_HASH_SELECTOR.sha256), Status.OK);
  assert.equal(x.hash_update(0, core.inCap + 1), Status.E_ARGUMENT);
  assert.equal(x.hash_update(slots, 1), Status.E_ARGUMENT);
  assert.equal(x.hash_end(slots), Status.E_ARGUMENT);
  assert.equal(x.hash_update(0, 0), Status.OK);
  assert.equal(x.hash_end(0), Status.OK);
  assert.equal(core.reg(0), 32);
  assert.equal(hex(core.readOut(32)), opensslHex("sha256", new Uint8Array(0)));
  assert.equal(x.hash_end(0), Status.E_STATE, "end() makes the slot idle");
  for (const alg of ALGORITHMS) assert.equal(hashes.digestLength(alg), createHash(alg).digest().length);
  assert.equal(x.hash_digest_length(9), 0);
});

test("the core's built-in hash known-answer tests pass (selftest does not report group 1)", () => {
  const r = core.exports.selftest();
  assert.ok(r === 0 || r >= 200, `selftest() = ${r}: hash case ${r - 100} failed`);
});
