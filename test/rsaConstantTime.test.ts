// "Constant time in the secret values", checked on the built module like the AES test
// (helpers/tracedCore.ts): the RSA private operation — CRT exponentiations on 29-bit limbs
// with the lazy-carry Montgomery products and squares, the window-table scans, Garner's
// recombination and the re-encryption check — must touch the same addresses in the same order
// and run the same loops for every key of a size and every input; PKCS#1 v1.5 decryption must
// do the same for a valid ciphertext and an invalid one (implicit rejection). Inputs keep a
// zero top byte, so the public range check against n ends at the same limb for all of them.

import assert from "node:assert/strict";
import { constants, createPrivateKey, generateKeyPairSync, type KeyObject, publicEncrypt, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { vectorsDir, wasmPath } from "../host/paths.js";
import { instrument, type TraceDigest, tracedControl } from "./helpers/tracedCore.js";

const core = instrument(readFileSync(wasmPath));

function loadKey(priv: KeyObject): void {
  const der = priv.export({ type: "pkcs8", format: "der" });
  core.memory.set(der, core.exports.in_ptr());
  assert.equal(core.exports.rsa_priv_load(der.length), 0, "rsa_priv_load");
}

function rawDigest(bytes: number): TraceDigest {
  const input = Buffer.concat([Buffer.from([0]), randomBytes(bytes - 1)]);
  core.memory.set(input, core.exports.in_ptr());
  return core.digest(() => assert.equal(core.exports.rsa_priv_raw(bytes), 0, "rsa_priv_raw"));
}

function decryptDigest(ct: Buffer): TraceDigest {
  core.memory.set(ct, core.exports.in_ptr());
  return core.digest(() => assert.equal(core.exports.rsa_priv_decrypt(ct.length, 16), 0, "rsa_priv_decrypt"));
}

const newKey = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;

/** Two keys of each size: fresh ones, and for 4096 bits (slow to generate) the repository's two. */
const keysOf = (bits: number): KeyObject[] =>
  bits < 4096
    ? [newKey(bits), newKey(bits)]
    : ["rsa/key4096.pem", "peer/devices/SEP58971ECC97C1.pem"].map((f) => createPrivateKey(readFileSync(join(vectorsDir, f))));

// 4096 bits: the halves have 71 limbs, past the 60 products a column holds, so the Montgomery
// products carry between rows, and the 4096-bit re-encryption's squares do too (montgomery.ts).
for (const bits of [1024, 2048, 4096]) {
  test(`RSA-${bits} private operation: the same memory and branch trace for random keys and inputs`, () => {
    const keys = keysOf(bits);
    let first: TraceDigest | undefined;
    for (const key of keys) {
      loadKey(key);
      for (let run = 0; run < 2; run++) {
        const d = rawDigest(bits / 8);
        first ??= d;
        assert.ok(d.events > 100_000, `the trace records the work (${d.events} events)`);
        assert.deepEqual(d, first, `RSA-${bits}: same events for another key or input`);
      }
    }
  });
}

test("RSA-1024 decryption with implicit rejection: the same trace for valid and invalid ciphertexts", () => {
  const key = newKey(1024);
  loadKey(key);
  // Encrypt until the ciphertext's top byte is zero (the range check then ends at the same limb).
  const encrypt = (message: () => Buffer, padding: number): Buffer => {
    for (;;) {
      const ct = publicEncrypt({ key, padding }, message());
      if (ct[0] === 0) return ct;
    }
  };
  const ciphertexts = [
    encrypt(() => randomBytes(16), constants.RSA_PKCS1_PADDING), // valid, 16 bytes
    encrypt(() => randomBytes(16), constants.RSA_PKCS1_PADDING), // valid, another message
    encrypt(() => randomBytes(15), constants.RSA_PKCS1_PADDING), // valid, wrong length
    encrypt(() => Buffer.concat([Buffer.from([0]), randomBytes(127)]), constants.RSA_NO_PADDING), // bad padding
  ];
  const traces = ciphertexts.map(decryptDigest);
  for (const t of traces) assert.deepEqual(t, traces[0]);
});

test("the digest tells a table lookup and a data-dependent loop apart (control)", () => {
  const control = tracedControl();
  assert.notDeepEqual(
    control.digest(() => control.exports.lookup(3)),
    control.digest(() => control.exports.lookup(200)),
  );
  assert.notDeepEqual(
    control.digest(() => control.exports.count(2)),
    control.digest(() => control.exports.count(5)),
  );
});
