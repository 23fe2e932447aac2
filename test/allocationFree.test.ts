// The core never allocates after start-up (design.md, "Allocation-free"): proved on the
// release build, statically (no allocator, no memory.grow, fixed memory, size budget) and
// dynamically (thousands of operations of every kind leave the memory size unchanged and
// never write a byte above the static regions, where a heap would have to live).

import assert from "node:assert/strict";
import { constants, createCipheriv, createHash, generateKeyPairSync, publicEncrypt, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { newCore } from "../host/core.js";
import { repoRoot, vectorsDir, wasmPath } from "../host/paths.js";
import { derFromPemOrDer } from "../host/shared/pem.js";

const wat = readFileSync(join(repoRoot, "build", "cnfguard.wat"), "utf8");

test("the release module contains no allocator and no memory.grow, with fixed memory ≤ 2 pages", () => {
  assert.doesNotMatch(wat, /memory\.grow/, "memory.grow appears in build/cnfguard.wat");
  assert.doesNotMatch(wat, /~lib\/rt\/(stub|tlsf|itcms)/, "an AssemblyScript runtime allocator was compiled in");
  assert.doesNotMatch(wat, /\b(__new|__alloc|__renew|__realloc)\b/, "an allocation entry point was compiled in");
  const m = wat.match(/\(memory \$\w+ (\d+) (\d+)\)/);
  assert.ok(m, "memory declaration not found");
  assert.equal(m[1], m[2], "initial memory must equal maximum memory");
  assert.ok(Number(m[1]) <= 2, `memory is ${m[1]} pages, budget is 2`);
  const size = readFileSync(wasmPath).length;
  assert.ok(size <= 48 * 1024, `module is ${size} bytes, budget is 48 KiB`);
});

test("thousands of operations of every kind leave memory size and the unused top untouched", () => {
  const c = newCore();
  const ex = c.wasm.exports;
  const mem = c.wasm.memory;
  const size0 = mem.buffer.byteLength;
  const top = ex.static_end();
  assert.ok(top > 0 && top <= size0, `static regions end at ${top}, inside ${size0} bytes`);
  const untouched = () => new Uint8Array(mem.buffer, top).every((b) => b === 0);
  assert.ok(untouched(), "memory above the static regions is zero at start");

  // Inputs made by independent code (node:crypto).
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const aesKey = randomBytes(16),
    iv = randomBytes(16);
  const plain = randomBytes(4096);
  const cipher = createCipheriv("aes-128-cbc", aesKey, iv).setAutoPadding(false);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const msg = randomBytes(100);
  const sig = sign("sha256", msg, privateKey);
  const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, aesKey);
  const itl = readFileSync(join(vectorsDir, "peer", "itl", "ITLFile-sha512.tlv"));
  const sgn = readFileSync(join(vectorsDir, "peer", "sgn", "SoftKeys.xml.sgn"));
  const itl1 = readFileSync(join(vectorsDir, "peer", "itl", "ITLSEPA45630BBFA40.tlv"));
  const enc = readFileSync(join(vectorsDir, "peer", "enc", "sha1-rsa2048", "SEP001122334455.cnf.xml.enc.sgn"));
  const deviceKey = derFromPemOrDer(
    readFileSync(join(vectorsDir, "peer", "devices", "SEP001122334455.pem")),
    ["PRIVATE KEY", "RSA PRIVATE KEY"],
    "SEP001122334455.pem",
  ).der;

  let ops = 0;
  for (let round = 0; round < 250; round++) {
    for (const alg of ["md5", "sha1", "sha256", "sha512"] as const) {
      const d = c.hash.digest(alg, plain.subarray(0, round * 13));
      assert.deepEqual(
        Buffer.from(d),
        createHash(alg)
          .update(plain.subarray(0, round * 13))
          .digest(),
      );
      ops++;
    }
    assert.deepEqual(Buffer.from(c.aes.cbcDecrypt(aesKey, iv, ct)), plain);
    assert.equal(c.aes.cbcEncrypt(aesKey, iv, plain).length, plain.length);
    assert.ok(c.rsa.verify(spki, 2, createHash("sha256").update(msg).digest(), sig));
    c.rsa.loadPrivateKey(pkcs8);
    assert.deepEqual(Buffer.from(c.rsa.decrypt(wrapped, 16)), aesKey);
    c.rsa.readCertificate(derFromPemOrDer(readFileSync(join(vectorsDir, "peer", "devices", "SEP001122334455.pem")), ["CERTIFICATE"], "cert").der);
    assert.equal(ex.selftest(), 0);
    ops += 6;
    if (round % 10 === 0) {
      // File engine: trust-list install, config verify, inspect, encrypted open, a refusal.
      c.files.clearTrust();
      assert.ok(c.files.installTrustList(itl1).installed);
      assert.ok(c.files.verify(sgn, "config").ok);
      c.files.inspect(itl);
      assert.equal(c.files.verify(itl, "trust-list").ok, true);
      c.files.loadDeviceKey(deviceKey);
      assert.ok(c.files.open(enc).length > 0);
      const bad = Buffer.from(enc);
      bad[bad.length - 5] ^= 1;
      assert.throws(() => c.files.open(bad));
      ops += 8;
    }
    assert.equal(mem.buffer.byteLength, size0, `memory size changed after ${ops} operations`);
  }
  assert.ok(ops > 2500, `ran ${ops} operations`);
  assert.equal(ex.static_end(), top);
  assert.ok(untouched(), "a byte above the static regions was written: something allocated");
});
