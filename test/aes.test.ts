// AES-128-CBC through the core against node:crypto (OpenSSL) and @noble/ciphers:
// random keys, IVs and lengths (whole blocks, up to 1 MiB, with the window and
// four-block boundaries), random chunkings of a stream, both directions; and the
// statuses the ABI returns for misuse.

import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { test } from "node:test";
import { cbc } from "@noble/ciphers/aes.js";
import fc from "fast-check";
import { core, newCore } from "../host/core.js";
import { Status } from "../host/generated/status.js";

const aes = core().aes;

function opensslCbc(direction: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = direction === "encrypt" ? createCipheriv("aes-128-cbc", key, iv) : createDecipheriv("aes-128-cbc", key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** Lengths in blocks: the edges of a four-block pass and of the 16 KiB window, small ones, and up to 1 MiB. */
const blocks = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1024, 1025, 65536),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 65536 }),
);

/** Split n blocks into pieces at random block boundaries (empty pieces included). */
function chunkBlocks(n: number, cuts: number[]): number[] {
  const points = cuts.map((c) => Math.min(n, Math.floor(c * (n + 1)))).sort((a, b) => a - b);
  const sizes: number[] = [];
  let prev = 0;
  for (const p of [...points, n]) {
    sizes.push(p - prev);
    prev = p;
  }
  return sizes;
}

function streamThrough(direction: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array, pieces: number[]): Uint8Array {
  const stream = aes.cbcStream(direction, key, iv);
  const out = new Uint8Array(data.length);
  let off = 0;
  for (const n of pieces) {
    out.set(stream.update(data.subarray(off, off + n * 16)), off);
    off += n * 16;
  }
  stream.end();
  return out;
}

test("CBC encrypt and decrypt equal node:crypto and @noble/ciphers over random lengths", () => {
  fc.assert(
    fc.property(blocks, fc.integer(), (n, seed) => {
      const key = randomBytes(16),
        iv = randomBytes(16);
      const plain = new Uint8Array(randomBytes(n * 16));
      const cipher = aes.cbcEncrypt(key, iv, plain);
      const reference = opensslCbc("encrypt", key, iv, plain);
      assert.deepEqual(cipher, reference, `encrypt ${n} blocks (seed ${seed})`);
      assert.deepEqual(cipher, cbc(key, iv, { disablePadding: true }).encrypt(plain), "noble agrees");
      const noise = new Uint8Array(randomBytes(n * 16));
      assert.deepEqual(aes.cbcDecrypt(key, iv, noise), opensslCbc("decrypt", key, iv, noise), `decrypt ${n} random blocks`);
      assert.deepEqual(aes.cbcDecrypt(key, iv, cipher), plain, "round trip");
    }),
    { numRuns: 40 },
  );
});

test("a stream in random pieces equals the one-shot result, both directions", () => {
  fc.assert(
    fc.property(blocks, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (n, cuts) => {
      const key = randomBytes(16),
        iv = randomBytes(16);
      const data = new Uint8Array(randomBytes(n * 16));
      const pieces = chunkBlocks(n, cuts);
      assert.deepEqual(streamThrough("encrypt", key, iv, data, pieces), opensslCbc("encrypt", key, iv, data), `encrypt pieces ${pieces}`);
      assert.deepEqual(streamThrough("decrypt", key, iv, data, pieces), opensslCbc("decrypt", key, iv, data), `decrypt pieces ${pieces}`);
    }),
    { numRuns: 40 },
  );
});

test("the host refuses wrong key, IV and data lengths with a sentence", () => {
  const k = new Uint8Array(16),
    iv = new Uint8Array(16);
  assert.throws(() => aes.cbcDecrypt(new Uint8Array(24), iv, new Uint8Array(16)), /key must be 16 bytes, got 24/);
  assert.throws(() => aes.cbcEncrypt(k, new Uint8Array(8), new Uint8Array(16)), /IV must be 16 bytes, got 8/);
  assert.throws(() => aes.cbcDecrypt(k, iv, new Uint8Array(17)), /length 17 is not a multiple of 16/);
});

test("a stream superseded by another one refuses to continue", () => {
  const first = aes.cbcStream("decrypt", new Uint8Array(16), new Uint8Array(16));
  aes.cbcEncrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(32));
  assert.throws(() => first.update(new Uint8Array(16)), /superseded/);
});

test("the ABI answers misuse with statuses, never a trap", () => {
  const w = newCore().wasm;
  const ex = w.exports;
  assert.equal(ex.aes_cbc_update(16), Status.E_STATE, "update before begin");
  assert.equal(ex.aes_cbc_begin(2), Status.E_ARGUMENT, "unknown direction");
  assert.equal(ex.aes_cbc_begin(0), Status.OK);
  assert.equal(ex.aes_cbc_update(17), Status.E_AES_LENGTH, "not whole blocks");
  assert.equal(ex.aes_cbc_update(w.inCap + 16), Status.E_ARGUMENT, "longer than the input window");
  assert.equal(ex.aes_cbc_update(0xfffffff0), Status.E_ARGUMENT, "huge length");
  assert.equal(ex.aes_cbc_update(0), Status.OK, "an empty update is fine");
  assert.equal(ex.aes_cbc_end(), Status.OK);
  assert.equal(ex.aes_cbc_update(16), Status.E_STATE, "update after end");
});

test("every length of 1…13 blocks (each tail of the four-block pass, one to three passes), split at every block boundary, equals node:crypto", () => {
  for (let n = 1; n <= 13; n++) {
    const key = randomBytes(16),
      iv = randomBytes(16);
    const data = new Uint8Array(randomBytes(n * 16));
    for (const direction of ["encrypt", "decrypt"] as const) {
      const reference = opensslCbc(direction, key, iv, data);
      const whole = direction === "encrypt" ? aes.cbcEncrypt(key, iv, data) : aes.cbcDecrypt(key, iv, data);
      assert.deepEqual(whole, reference, `${direction} ${n} blocks in one call`);
      for (let cut = 1; cut < n; cut++) {
        assert.deepEqual(streamThrough(direction, key, iv, data, [cut, n - cut]), reference, `${direction} ${n} blocks as ${cut} + ${n - cut}`);
      }
    }
  }
});
