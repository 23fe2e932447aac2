// Standard vectors: RSA Laboratories' PKCS#1 v1.5 encryption and signature examples and
// NIST CAVS SigVer15 (valid and invalid encoded messages), for the key sizes the core
// supports (1024/2048/3072/4096 bits; the others must be refused as E_RSA_SIZE).

import assert from "node:assert/strict";
import { createHash, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { newCore } from "../host/core.js";
import { CORE_HASH_SELECTOR } from "../host/shared/hashAlgorithms.js";
import { statusOf } from "./helpers/coreStatus.js";

const rsa = newCore().rsa;
const SUPPORTED = new Set([1024, 2048, 3072, 4096]);
const vectorText = (name: string) => readFileSync(new URL(`../../vectors/rsa/${name}`, import.meta.url), "utf8");

interface RsaLabKey {
  fields: Map<string, Buffer>;
  examples: Map<string, Buffer>[];
}

/**
 * The RSA Laboratories format: "# Example N: …" opens a key, "# PKCS#1 v1.5 … Example" an
 * example; "# Label:" lines are followed by hex. The key's two "Exponent" fields are e then d.
 */
function parseRsaLab(text: string): RsaLabKey[] {
  const keys: RsaLabKey[] = [];
  let target: Map<string, Buffer> | undefined;
  let label = "";
  for (const line of text.split("\n")) {
    if (/^# Example \d+:/.test(line)) {
      keys.push({ fields: new Map(), examples: [] });
      target = keys.at(-1)!.fields;
    } else if (/^# PKCS#1 v1.5 .*Example/.test(line) && keys.length) {
      target = new Map();
      keys.at(-1)!.examples.push(target);
    } else if (/^# [A-Za-z0-9 ]+:\s*$/.test(line) && target) {
      label = line.slice(2).trim().replace(/:$/, "");
      if (target.has(label)) label += " 2";
      target.set(label, Buffer.alloc(0));
    } else if (/^[0-9a-f]{2}( [0-9a-f]{2})*\s*$/i.test(line) && target && label) {
      target.set(label, Buffer.concat([target.get(label)!, Buffer.from(line.replace(/\s+/g, ""), "hex")]));
    } else if (line.trim() === "" || line.startsWith("# ---")) {
      // a blank line ends a hex run but keeps the label for none
    }
  }
  return keys;
}

function labKeyDer(k: RsaLabKey): Buffer {
  const f = (name: string) => k.fields.get(name)!.toString("base64url");
  const jwk = {
    kty: "RSA",
    n: f("Modulus"),
    e: f("Exponent"),
    d: f("Exponent 2"),
    p: f("Prime 1"),
    q: f("Prime 2"),
    dp: f("Prime exponent 1"),
    dq: f("Prime exponent 2"),
    qi: f("Coefficient"),
  };
  return createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs1", format: "der" });
}

const bitsOf = (n: Buffer) => (n.length - 1) * 8 + (32 - Math.clz32(n[0]));

test("PKCS#1 v1.5 encryption vectors decrypt to their messages", () => {
  let decrypted = 0;
  for (const key of parseRsaLab(vectorText("pkcs1v15crypt-vectors.txt"))) {
    const n = key.fields.get("Modulus")!;
    if (!SUPPORTED.has(bitsOf(n))) {
      if (n.length * 8 !== 1024 && n.length * 8 !== 2048)
        assert.equal(
          statusOf(() => rsa.loadPrivateKey(labKeyDer(key))),
          "E_RSA_SIZE",
        );
      continue;
    }
    rsa.loadPrivateKey(labKeyDer(key));
    for (const ex of key.examples) {
      const msg = ex.get("Message")!;
      assert.deepEqual(rsa.decrypt(ex.get("Encryption")!, msg.length), msg);
      decrypted++;
    }
  }
  assert.ok(decrypted >= 100, `${decrypted} vectors`);
});

test("PKCS#1 v1.5 signature vectors (SHA-1) verify; each with one bit flipped does not", () => {
  let verified = 0;
  for (const key of parseRsaLab(vectorText("pkcs1v15sign-vectors.txt"))) {
    const n = key.fields.get("Modulus")!;
    const e = key.fields.get("Exponent")!;
    if (!SUPPORTED.has(bitsOf(n))) continue;
    rsa.loadPublicParts(n, e.readUIntBE(0, e.length));
    for (const ex of key.examples) {
      const digest = createHash("sha1").update(ex.get("Message to be signed")!).digest();
      const sig = ex.get("Signature")!;
      assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha1, digest, sig), true);
      const bad = Buffer.from(sig);
      bad[verified % bad.length] ^= 0x10;
      assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha1, digest, bad), false);
      verified++;
    }
  }
  assert.ok(verified >= 100, `${verified} vectors`);
});

/** A CAVS SigVer response file: every SHA-1/256/512 case of a supported size against its verdict. */
function checkSigVer(file: string): { pass: number; fail: number } {
  const algs: Record<string, [string, number]> = {
    SHA1: ["sha1", CORE_HASH_SELECTOR.sha1],
    SHA256: ["sha256", CORE_HASH_SELECTOR.sha256],
    SHA512: ["sha512", CORE_HASH_SELECTOR.sha512],
  };
  let mod = 0;
  let n = Buffer.alloc(0);
  let cur: Record<string, string> = {};
  const counts = { pass: 0, fail: 0 };
  for (const line of vectorText(file).split("\n")) {
    const m = /^\[mod = (\d+)\]/.exec(line);
    if (m) mod = Number(m[1]);
    const kv = /^(\w+) = (\S+)/.exec(line);
    if (!kv) continue;
    if (kv[1] === "n") n = Buffer.from(kv[2], "hex");
    else cur[kv[1]] = kv[2];
    if (kv[1] !== "Result") continue;
    const alg = algs[cur.SHAAlg];
    if (alg && SUPPORTED.has(mod)) {
      const e = Buffer.from(cur.e, "hex");
      rsa.loadPublicParts(n, Number(BigInt(`0x${e.toString("hex")}`)));
      const digest = createHash(alg[0]).update(Buffer.from(cur.Msg, "hex")).digest();
      const expected = kv[2] === "P";
      assert.equal(rsa.verifyLoaded(alg[1], digest, Buffer.from(cur.S, "hex")), expected, `mod ${mod} ${cur.SHAAlg} S=${cur.S.slice(0, 16)}…`);
      counts[expected ? "pass" : "fail"]++;
    }
    cur = {};
  }
  return counts;
}

test("NIST SigVer15 (FIPS 186-3): every SHA-1/256/512 case of 1024…4096 bits gets its expected verdict", () => {
  const counts = checkSigVer("SigVer15_186-3.rsp");
  assert.ok(counts.pass >= 30 && counts.fail >= 100, JSON.stringify(counts));
});

test("NIST SigVer15 EM tests: encoded messages with the hash moved or the separator removed are refused", () => {
  const counts = checkSigVer("SigVer15EMTest.txt");
  assert.ok(counts.pass === 0 && counts.fail >= 50, JSON.stringify(counts));
});
