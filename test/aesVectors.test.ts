// The NIST AES-128-CBC vectors in vectors/aes/ (CAVP KAT/MMT, SP 800-38A) through the
// host facet, both directions, and the same data split across stream updates.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { core } from "../host/core.js";
import { vectorsDir } from "../host/paths.js";

interface CbcVector {
  name: string;
  key: Uint8Array;
  iv: Uint8Array;
  plain: Uint8Array;
  cipher: Uint8Array;
}

function readVectors(): CbcVector[] {
  const dir = join(vectorsDir, "aes");
  const out: CbcVector[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".rsp"))) {
    const text = readFileSync(join(dir, file), "utf8");
    const re = /COUNT = (\d+)\s+KEY = (\w+)\s+IV = (\w+)\s+(PLAINTEXT|CIPHERTEXT) = (\w+)\s+(PLAINTEXT|CIPHERTEXT) = (\w+)/g;
    for (const m of text.matchAll(re)) {
      const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
      const [plain, cipher] = m[4] === "PLAINTEXT" ? [m[5], m[7]] : [m[7], m[5]];
      out.push({
        name: `${file} #${m[1]} (${m[4] === "PLAINTEXT" ? "encrypt" : "decrypt"})`,
        key: hex(m[2]),
        iv: hex(m[3]),
        plain: hex(plain),
        cipher: hex(cipher),
      });
    }
  }
  return out;
}

const vectors = readVectors();
const aes = core().aes;

test("vectors/aes holds the CAVP and SP 800-38A vectors", () => {
  assert.ok(vectors.length >= 590, `found ${vectors.length}`);
  assert.ok(vectors.some((v) => v.name.startsWith("SP800-38A")));
});

test("every vector encrypts and decrypts to its stated answer", () => {
  for (const v of vectors) {
    assert.deepEqual(aes.cbcEncrypt(v.key, v.iv, v.plain), v.cipher, `${v.name}: encrypt`);
    assert.deepEqual(aes.cbcDecrypt(v.key, v.iv, v.cipher), v.plain, `${v.name}: decrypt`);
  }
});

test("the multi-block vectors give the same answer one block per update", () => {
  for (const v of vectors.filter((x) => x.cipher.length > 16)) {
    const stream = aes.cbcStream("decrypt", v.key, v.iv);
    const parts: Uint8Array[] = [];
    for (let off = 0; off < v.cipher.length; off += 16) parts.push(stream.update(v.cipher.subarray(off, off + 16)));
    stream.end();
    assert.deepEqual(new Uint8Array(Buffer.concat(parts)), v.plain, v.name);
  }
});
