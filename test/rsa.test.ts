// RSA in the core against node:crypto (OpenSSL) for every supported size: PKCS#1 v1.5
// signatures made by Node verify and altered ones do not, keys wrapped by publicEncrypt
// unwrap, bad paddings get the implicit-rejection substitute, raw operations agree with
// RSA_NO_PADDING, and malformed or wrong-size inputs give status codes.

import assert from "node:assert/strict";
import { constants, createHash, createPrivateKey, createPublicKey, type KeyObject, privateDecrypt, publicEncrypt, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { newCore } from "../host/core.js";
import { CORE_HASH_SELECTOR } from "../host/shared/hashAlgorithms.js";
import { statusOf } from "./helpers/coreStatus.js";

const core = newCore();
const rsa = core.rsa;
const SIZES = [1024, 2048, 3072, 4096] as const;
const HASHES = [
  ["sha1", CORE_HASH_SELECTOR.sha1],
  ["sha256", CORE_HASH_SELECTOR.sha256],
  ["sha512", CORE_HASH_SELECTOR.sha512],
] as const;

interface TestKey {
  bits: number;
  bytes: number;
  priv: KeyObject;
  pub: KeyObject;
  spki: Buffer;
  pkcs1Public: Buffer;
  pkcs8: Buffer;
  pkcs1: Buffer;
}

function testKey(file: string): TestKey {
  const priv = createPrivateKey(readFileSync(new URL(`../../vectors/rsa/${file}`, import.meta.url)));
  const pub = createPublicKey(priv);
  const bits = pub.asymmetricKeyDetails!.modulusLength!;
  return {
    bits,
    bytes: bits / 8,
    priv,
    pub,
    spki: pub.export({ type: "spki", format: "der" }),
    pkcs1Public: pub.export({ type: "pkcs1", format: "der" }),
    pkcs8: priv.export({ type: "pkcs8", format: "der" }),
    pkcs1: priv.export({ type: "pkcs1", format: "der" }),
  };
}
const KEYS = new Map<number, TestKey>(SIZES.map((bits) => [bits, testKey(`key${bits}.pem`)]));
const key = (bits: number): TestKey => KEYS.get(bits)!;

function flipBit(b: Uint8Array, bit: number): Buffer {
  const c = Buffer.from(b);
  c[bit >> 3] ^= 1 << (bit & 7);
  return c;
}

/** An RSAES-PKCS1-v1_5 block built by hand and encrypted raw: for paddings Node will not make. */
function rawEncrypt(k: TestKey, em: Uint8Array): Buffer {
  return publicEncrypt({ key: k.pub, padding: constants.RSA_NO_PADDING }, em);
}
function pkcs1Block(bytes: number, msg: Uint8Array, tweak?: (em: Buffer) => void): Buffer {
  const em = Buffer.alloc(bytes);
  em[1] = 2;
  const ps = em.subarray(2, bytes - msg.length - 1);
  for (let i = 0; i < ps.length; i++) ps[i] = 1 + (randomBytes(1)[0] % 255);
  Buffer.from(msg).copy(em, bytes - msg.length);
  tweak?.(em);
  return em;
}

for (const bits of SIZES) {
  const k = key(bits);
  const other = key(bits === 1024 ? 2048 : 1024);

  test(`RSA-${bits}: signatures made by node:crypto verify, for SPKI and PKCS#1 keys`, () => {
    for (const [name, alg] of HASHES) {
      for (const len of [0, 1, 55, 1000]) {
        const msg = randomBytes(len);
        const sig = sign(name, msg, k.priv);
        const digest = createHash(name).update(msg).digest();
        assert.equal(rsa.verify(k.spki, alg, digest, sig), true, `${name} over ${len} bytes (SPKI)`);
        assert.equal(rsa.verify(k.pkcs1Public, alg, digest, sig), true, `${name} over ${len} bytes (PKCS#1)`);
      }
    }
  });

  test(`RSA-${bits}: altered signatures, digests, hashes and keys do not verify`, () => {
    const msg = randomBytes(100);
    const sig = sign("sha256", msg, k.priv);
    const digest = createHash("sha256").update(msg).digest();
    const info = rsa.loadPublicKey(k.spki);
    assert.deepEqual(info, { modulusBytes: k.bytes, exponent: 65537 });
    for (const bit of [0, 7, 100, sig.length * 8 - 1]) {
      assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, flipBit(sig, bit)), false, `signature bit ${bit}`);
    }
    for (const bit of [0, 128, 255]) {
      assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, flipBit(digest, bit), sig), false, `digest bit ${bit}`);
    }
    // The same bytes under another hash's DigestInfo.
    const sha512sig = sign("sha512", msg, k.priv);
    const sha512digest = createHash("sha512").update(msg).digest();
    assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, sha512digest.subarray(0, 32), sha512sig), false);
    assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha512, sha512digest, sig), false);
    // A signature ≥ n is not a signature.
    assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, Buffer.alloc(k.bytes, 0xff)), false);
    assert.equal(rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, Buffer.alloc(k.bytes, 0)), false);
    // Wrong key: another size is a length error, the same size simply fails.
    assert.equal(
      statusOf(() => rsa.verify(other.spki, CORE_HASH_SELECTOR.sha256, digest, sig)),
      "E_RSA_SIGNATURE_LENGTH",
    );
    if (bits === 2048) {
      const e3 = testKey("key2048-e3.pem");
      assert.equal(rsa.verify(e3.spki, CORE_HASH_SELECTOR.sha256, digest, sig), false);
      const e3sig = sign("sha256", msg, e3.priv);
      assert.equal(rsa.verify(e3.spki, CORE_HASH_SELECTOR.sha256, digest, e3sig), true, "exponent 3");
    }
    // Wrong lengths: the signature one byte short or long, the digest not the hash's size.
    rsa.loadPublicKey(k.spki);
    assert.equal(
      statusOf(() => rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, sig.subarray(1))),
      "E_RSA_SIGNATURE_LENGTH",
    );
    assert.equal(
      statusOf(() => rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, Buffer.concat([Buffer.alloc(1), sig]))),
      "E_RSA_SIGNATURE_LENGTH",
    );
    assert.equal(
      statusOf(() => rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest.subarray(1), sig)),
      "E_ARGUMENT",
    );
    assert.equal(
      statusOf(() => rsa.verifyLoaded(0, createHash("md5").update(msg).digest(), sig)),
      "E_ARGUMENT",
    );
  });

  test(`RSA-${bits}: 16-byte keys wrapped by publicEncrypt unwrap (PKCS#8 and PKCS#1 keys)`, () => {
    for (const der of [k.pkcs8, k.pkcs1]) {
      assert.deepEqual(rsa.loadPrivateKey(der), { modulusBytes: k.bytes, exponent: 65537 });
      for (let i = 0; i < 3; i++) {
        const secret = randomBytes(16);
        const ct = publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, secret);
        assert.deepEqual(rsa.decrypt(ct, 16), secret);
      }
    }
    const { modulus, exponent } = rsa.privatePublicKey();
    assert.deepEqual(modulus, Buffer.from(k.pub.export({ format: "jwk" }).n!, "base64url"));
    assert.equal(exponent, 65537);
  });

  test(`RSA-${bits}: bad paddings and wrong lengths yield a deterministic substitute, status OK`, () => {
    rsa.loadPrivateKey(k.pkcs8);
    const secret = randomBytes(16);
    const cases: [string, Buffer][] = [
      [
        "block type 1",
        rawEncrypt(
          k,
          pkcs1Block(k.bytes, secret, (em) => (em[1] = 1)),
        ),
      ],
      [
        "leading octet not zero",
        rawEncrypt(
          k,
          pkcs1Block(k.bytes, secret, (em) => (em[0] = 1)),
        ),
      ],
      [
        "no zero separator",
        rawEncrypt(
          k,
          pkcs1Block(k.bytes, secret, (em) => (em[k.bytes - 17] = 7)),
        ),
      ],
      [
        "zero inside the padding (message 24 bytes)",
        rawEncrypt(
          k,
          pkcs1Block(k.bytes, secret, (em) => (em[k.bytes - 25] = 0)),
        ),
      ],
      [
        "padding of 7 octets",
        rawEncrypt(
          k,
          pkcs1Block(k.bytes, Buffer.concat([Buffer.alloc(1), randomBytes(k.bytes - 11)]), (em) => {
            em[9] = 0;
          }),
        ),
      ],
      ["a 17-byte message", publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, randomBytes(17))],
      ["a 15-byte message", publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, randomBytes(15))],
    ];
    const seen = new Set<string>();
    for (const [what, ct] of cases) {
      const a = rsa.decrypt(ct, 16);
      const b = rsa.decrypt(ct, 16);
      assert.equal(a.length, 16, what);
      assert.deepEqual(a, b, `${what}: the same input gives the same output`);
      assert.notDeepEqual(a, secret, what);
      seen.add(a.toString("hex"));
    }
    assert.equal(seen.size, cases.length, "different ciphertexts give different substitutes");
    // The good block of this shape does decrypt, so the cases above differ from it only in the flaw.
    assert.deepEqual(rsa.decrypt(rawEncrypt(k, pkcs1Block(k.bytes, secret)), 16), secret);
    // Asking a valid ciphertext for another length gives a substitute of that length.
    const good = publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, secret);
    for (const want of [0, 15, 32, 48, k.bytes - 11, k.bytes]) {
      const out = rsa.decrypt(good, want);
      assert.equal(out.length, want);
      assert.deepEqual(out, rsa.decrypt(good, want));
      if (want >= 16) assert.notDeepEqual(out.subarray(0, 16), secret);
    }
    // A ciphertext ≥ n is rejected the same way.
    const big = Buffer.alloc(k.bytes, 0xff);
    assert.equal(rsa.decrypt(big, 16).length, 16);
    // Another key gives another substitute for the same ciphertext.
    const sub = rsa.decrypt(cases[0][1], 16);
    rsa.loadPrivateKey(other.pkcs8);
    rsa.loadPrivateKey(k.pkcs1);
    assert.deepEqual(rsa.decrypt(cases[0][1], 16), sub, "the substitute depends on the key, not on its encoding");
  });

  test(`RSA-${bits}: raw private and public operations equal node's RSA_NO_PADDING`, () => {
    rsa.loadPrivateKey(k.pkcs8);
    rsa.loadPublicKey(k.spki);
    const n = Buffer.from(k.pub.export({ format: "jwk" }).n!, "base64url");
    const below = (d: bigint) => Buffer.from((BigInt(`0x${n.toString("hex")}`) - d).toString(16).padStart(2 * k.bytes, "0"), "hex");
    const inputs = [
      Buffer.alloc(k.bytes),
      Buffer.concat([Buffer.alloc(k.bytes - 1), Buffer.from([1])]),
      Buffer.concat([Buffer.from([0]), randomBytes(k.bytes - 1)]),
      below(2n),
      below(1n), // n − 1: the largest input
    ];
    for (const x of inputs) {
      assert.deepEqual(rsa.privateRaw(x), privateDecrypt({ key: k.priv, padding: constants.RSA_NO_PADDING }, x));
      assert.deepEqual(rsa.publicRaw(x), publicEncrypt({ key: k.pub, padding: constants.RSA_NO_PADDING }, x));
    }
    assert.equal(
      statusOf(() => rsa.privateRaw(n)),
      "E_RSA_INPUT_RANGE",
    );
    assert.equal(
      statusOf(() => rsa.publicRaw(n)),
      "E_RSA_INPUT_RANGE",
    );
    assert.equal(
      statusOf(() => rsa.privateRaw(n.subarray(1))),
      "E_RSA_CIPHERTEXT_LENGTH",
    );
    assert.equal(
      statusOf(() => rsa.decrypt(randomBytes(k.bytes + 1), 16)),
      "E_RSA_CIPHERTEXT_LENGTH",
    );
    assert.equal(
      statusOf(() => rsa.decrypt(randomBytes(k.bytes - 1), 16)),
      "E_RSA_CIPHERTEXT_LENGTH",
    );
    assert.equal(
      statusOf(() => rsa.decrypt(randomBytes(k.bytes), k.bytes + 1)),
      "E_ARGUMENT",
    );
  });
}

test("keys of unsupported sizes, even moduli and broken CRT values are refused", () => {
  const k2048 = key(2048);
  const jwk = k2048.priv.export({ format: "jwk" });
  const der = (j: Record<string, unknown>): Buffer => createPrivateKey({ key: j as never, format: "jwk" }).export({ type: "pkcs1", format: "der" });
  const tamper = (field: "p" | "q" | "dp" | "dq" | "qi") => {
    const b = Buffer.from(jwk[field]!, "base64url");
    b[b.length - 1] ^= 2; // keeps odd numbers odd
    return der({ ...jwk, [field]: b.toString("base64url") });
  };
  for (const field of ["p", "q", "dp", "dq", "qi"] as const) {
    assert.equal(
      statusOf(() => rsa.loadPrivateKey(tamper(field))),
      "E_RSA_KEY_INVALID",
      field,
    );
    assert.equal(rsa.privateModulusBytes(), 0, `${field}: a refused key leaves no key loaded`);
  }
  assert.equal(
    statusOf(() => rsa.decrypt(randomBytes(256), 16)),
    "E_RSA_NO_PRIVATE_KEY",
  );
  const small = createPrivateKey({ key: readFileSync(new URL("../../vectors/rsa/key1024.pem", import.meta.url)) });
  assert.equal(rsa.loadPrivateKey(small.export({ type: "pkcs1", format: "der" })).modulusBytes, 128);
  // A 1536-bit modulus (standard vector key 14's size) and a made-up 1032-bit one.
  const n1536 = Buffer.concat([Buffer.from([0xc1]), randomBytes(190), Buffer.from([1])]);
  assert.equal(
    statusOf(() => rsa.loadPublicParts(n1536, 65537)),
    "E_RSA_SIZE",
  );
  const even = Buffer.concat([Buffer.from([0xc1]), randomBytes(254), Buffer.from([2])]);
  assert.equal(
    statusOf(() => rsa.loadPublicParts(even, 65537)),
    "E_RSA_MODULUS",
  );
  const odd = Buffer.concat([Buffer.from([0xc1]), randomBytes(254), Buffer.from([3])]);
  for (const e of [0, 1, 2, 65536])
    assert.equal(
      statusOf(() => rsa.loadPublicParts(odd, e)),
      "E_RSA_EXPONENT",
      `e = ${e}`,
    );
  assert.equal(rsa.loadPublicParts(Buffer.concat([Buffer.alloc(3), odd]), 3).modulusBytes, 256, "leading zero octets are not part of the size");
});
