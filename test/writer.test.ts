// The writers against the peer's files (byte for byte where the format is deterministic) and
// against node:crypto (signatures verify, encrypted configs decrypt).

import assert from "node:assert/strict";
import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  X509Certificate,
} from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type HeaderHash, headerHashFromTag } from "../host/shared/hashAlgorithms.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { DeviceKeyError, encryptConfig } from "../host/shared/signed/encryptedConfigWriter.js";
import { type Signer, signerFromPem, signFile } from "../host/shared/signed/signedFileWriter.js";
import { type TrustRecord, writeTrustList } from "../host/shared/signed/trustListWriter.js";

const VECTORS = new URL("../../vectors/peer/", import.meta.url).pathname;
const read = (path: string) => new Uint8Array(readFileSync(join(VECTORS, path)));
const pkiPem = (name: string) => readFileSync(join(VECTORS, "pki", `${name}.pem`), "utf8");
const pkiDer = (name: string) => new Uint8Array(new X509Certificate(pkiPem(name)).raw);
const peerSigners = ["tftp", "tftp4096", "sast", "sast2", "capf"].map((n) => signerFromPem(pkiPem(n), n));

// ---- an independent reader of the header, written from formats.md §1 ----

interface Element {
  tag: number;
  at: number;
  value: Uint8Array;
  children?: Element[];
}
const CONTAINERS = new Set([3, 7, 9, 16, 17, 21]);

function walk(bytes: Uint8Array, start: number, end: number, containers = CONTAINERS): Element[] {
  const out: Element[] = [];
  let at = start;
  while (at < end) {
    const tag = bytes[at];
    if (tag === 13) {
      out.push({ tag, at, value: new Uint8Array(0) });
      at += 1;
      continue;
    }
    const length = (bytes[at + 1] << 8) | bytes[at + 2];
    assert.ok(at + 3 + length <= end, `element ${tag} at ${at} overruns`);
    const value = bytes.subarray(at + 3, at + 3 + length);
    out.push({ tag, at, value, children: containers.has(tag) ? walk(bytes, at + 3, at + 3 + length) : undefined });
    at += 3 + length;
  }
  return out;
}
const headerLength = (file: Uint8Array) => (file[8] << 8) | file[9];
const header = (file: Uint8Array) => walk(file, 0, headerLength(file));
const find = (els: Element[], tag: number): Element => {
  for (const e of els) {
    if (e.tag === tag) return e;
    const inner = e.children && findOrUndefined(e.children, tag);
    if (inner) return inner;
  }
  throw new Error(`no tag ${tag}`);
};
const findOrUndefined = (els: Element[], tag: number): Element | undefined => {
  try {
    return find(els, tag);
  } catch {
    return undefined;
  }
};
/** tag:length pairs, nested containers in braces: the layout to compare with the peer's. */
const layout = (els: Element[]): string =>
  els.map((e) => (e.children ? `${e.tag}:${e.value.length}{${layout(e.children)}}` : `${e.tag}:${e.value.length}`)).join(" ");
const text = (e: Element) => Buffer.from(e.value.subarray(0, e.value.length - 1)).toString("utf8");
const num = (e: Element) => e.value.reduce((n, b) => n * 256 + b, 0);
/** The hash a tag 8 / 26 value names; a value no algorithm has fails the test here. */
function headerHash(tag: number): HeaderHash {
  const name = headerHashFromTag(tag);
  assert.ok(name, `hash tag value ${tag} names no algorithm`);
  return name;
}

/** node:crypto's verdict on a file's signature: the file minus the tag 12 element, PKCS#1 v1.5. */
function verifiesWith(file: Uint8Array, publicKey: KeyObject): boolean {
  const els = header(file);
  const sig = find(els, 12);
  const verifier = createVerify(headerHash(num(find(els, 8))));
  verifier.update(file.subarray(0, sig.at));
  verifier.update(file.subarray(sig.at + 3 + sig.value.length));
  return verifier.verify(publicKey, sig.value);
}

/** The peer signer whose serial the header names. */
function signerOf(file: Uint8Array): Signer {
  const serial = Buffer.from(find(header(file), 5).value).toString("hex");
  const signer = peerSigners.find((s) => new X509Certificate(s.certificateDer).serialNumber.toLowerCase().replace(/^0+/, "") === serial.replace(/^0+/, ""));
  assert.ok(signer, `no peer signer with serial ${serial}`);
  return signer;
}

const resignOptions = (peer: Uint8Array) => {
  const els = header(peer);
  return { signer: signerOf(peer), filename: text(find(els, 14)), timestamp: num(find(els, 15)), hash: headerHash(num(find(els, 8))) };
};

// ---- .sgn ----

test("re-signing the peer's plaintexts reproduces every peer .sgn byte for byte", () => {
  const cases: Array<[string, Uint8Array | undefined]> = [
    ["sgn/SoftKeys.xml.sgn", read("plain/SoftKeys.xml")],
    ["sgn/Ringer.raw.sgn", read("plain/Ringer.raw")],
  ];
  for (const dir of ["sgn/sha1-rsa2048", "sgn/sha512-rsa4096"]) {
    for (const f of readdirSync(join(VECTORS, dir)).filter((n) => n.endsWith(".sgn"))) cases.push([`${dir}/${f}`, undefined]);
  }
  assert.equal(cases.length, 10);
  for (const [path, plain] of cases) {
    const peer = read(path);
    // The partial configs have no separate plaintext: their body is the bytes after the header.
    const body = plain ?? peer.subarray(headerLength(peer));
    const ours = signFile(body, resignOptions(peer));
    assert.equal(Buffer.compare(ours, peer), 0, path);
  }
});

test("signatures verify with node:crypto for every hash and key size, and fail when a byte changes", () => {
  for (const bits of [1024, 2048, 4096]) {
    const signer = labSigner(bits);
    for (const hash of ["sha1", "sha256", "sha512"] as const) {
      const file = signFile(new TextEncoder().encode(`<x>${bits}${hash}</x>`), { signer, filename: "x.sgn", hash, timestamp: 1_700_000_000 });
      const els = header(file);
      assert.equal(num(find(els, 11)), { 1024: 1, 2048: 2, 4096: 3 }[bits]);
      assert.equal(find(els, 12).value.length, bits / 8);
      assert.equal(verifiesWith(file, signer.privateKey), true, `${bits} ${hash}`);
      const tampered = file.slice();
      tampered[tampered.length - 1] ^= 1;
      assert.equal(verifiesWith(tampered, signer.privateKey), false);
    }
  }
});

test("the header is padded with 13s to a multiple of 4 whatever the filename's length", () => {
  const signer = labSigner(1024);
  const seen = new Set<number>();
  for (const filename of ["a", "ab", "abc", "abcd"]) {
    const file = signFile(new Uint8Array([1, 2, 3]), { signer, filename, timestamp: 0 });
    const length = headerLength(file);
    assert.equal(length % 4, 0);
    const els = header(file);
    const pads = els.filter((e) => e.tag === 13).length;
    seen.add(pads);
    assert.deepEqual(
      els.map((e) => e.tag),
      [1, 2, 3, 7, 12, 14, 15, ...Array(pads).fill(13)],
    );
    assert.equal(text(find(els, 14)), filename);
    assert.deepEqual([...file.subarray(length)], [1, 2, 3]);
    assert.equal(verifiesWith(file, signer.privateKey), true);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});

test("signer name, issuer and minimal serial come from the certificate; timestamps accept a Date", () => {
  const keys = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const der = createCertificate({
    subject: [
      ["CN", "cucm85"],
      ["OU", "It"],
      ["O", "Cisco"],
      ["L", "KRK"],
      ["ST", "PL"],
      ["C", "PL"],
    ],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
    serial: new Uint8Array([0x00, 0x82, 0x10, 0xcf]),
  });
  const file = signFile(new Uint8Array(0), {
    signer: { certificateDer: der, privateKey: keys.privateKey },
    filename: "f",
    timestamp: new Date("2026-11-27T04:17:54.900Z"),
  });
  const els = header(file);
  assert.equal(text(find(els, 4)), "CN=cucm85,OU=It,O=Cisco,L=KRK,ST=PL,C=PL");
  assert.equal(text(find(els, 6)), "CN=cucm85,OU=It,O=Cisco,L=KRK,ST=PL,C=PL");
  assert.deepEqual([...find(els, 5).value], [0x82, 0x10, 0xcf]);
  assert.equal(num(find(els, 15)), Date.UTC(2026, 10, 27, 4, 17, 54) / 1000);
  assert.equal(num(find(els, 8)), 1, "SHA-1 by default");
});

test("signers that cannot sign a header are refused with a reason", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecDer = createCertificate({ subject: [["CN", "ec"]], publicKey: ec.publicKey, selfSigningKey: ec.privateKey });
  assert.throws(() => signFile(new Uint8Array(1), { signer: { certificateDer: ecDer, privateKey: ec.privateKey }, filename: "f" }), /signed with RSA/);
  const other = labSigner(1024);
  assert.throws(
    () => signFile(new Uint8Array(1), { signer: { certificateDer: other.certificateDer, privateKey: labSigner(1024).privateKey }, filename: "f" }),
    /does not belong/,
  );
  assert.throws(() => signFile(new Uint8Array(1), { signer: labSigner(3072), filename: "f" }), /3072 bits/);
  assert.throws(() => signFile(new Uint8Array(1), { signer: other, filename: "f", timestamp: -1 }), /timestamp/);
  assert.throws(
    () => signerFromPem(pkiPem("tftp").replace(/-----BEGIN PRIVATE KEY-----[\s\S]*-----END PRIVATE KEY-----\n?/, ""), "tftp.pem"),
    /tftp\.pem: no unencrypted PRIVATE KEY block \(found CERTIFICATE\)/,
  );
});

// ---- .enc.sgn ----

/** RSAES-PKCS1-v1_5 decryption done by hand (Node refuses PKCS#1 v1.5 decryption). */
function unwrapKey(wrapped: Uint8Array, privateKey: KeyObject): Uint8Array {
  const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, wrapped);
  assert.equal(em[0], 0);
  assert.equal(em[1], 2);
  const separator = em.indexOf(0, 2);
  assert.ok(separator >= 10, "at least 8 non-zero padding bytes");
  return new Uint8Array(em.subarray(separator + 1));
}

/** Opens an .enc.sgn with node:crypto alone, checking every field on the way. */
function openEncrypted(file: Uint8Array, devicePrivateKey: KeyObject): Uint8Array {
  const els = header(file);
  const key = unwrapKey(find(els, 25).value, devicePrivateKey);
  assert.equal(key.length, 16);
  const iv = find(els, 19).value;
  const decipher = createDecipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(file.subarray(headerLength(file))), decipher.final()]);
  const padCount = num(find(els, 20));
  assert.ok(padCount >= 1 && padCount <= 16);
  const plain = new Uint8Array(padded.subarray(0, padded.length - padCount));
  const hash = headerHash(num(find(els, 26)));
  assert.deepEqual(new Uint8Array(createHash(hash).update(plain).digest()), find(els, 27).value);
  return plain;
}

const device = (mac: string) => {
  const pem = readFileSync(join(VECTORS, "devices", `${mac}.pem`), "utf8");
  return { certificateDer: new Uint8Array(new X509Certificate(pem).raw), privateKey: createPrivateKey(pem) };
};

test("with the peer's AES key and IV, our .enc.sgn matches the peer's everywhere but the random key wrap and the signature", () => {
  const cases: Array<[string, string]> = [["enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn", "plain/big.cnf.xml"]];
  for (const dir of ["enc/sha1-rsa2048", "enc/sha512-rsa4096"]) {
    for (const f of readdirSync(join(VECTORS, dir)).filter((n) => n.endsWith(".enc.sgn"))) cases.push([`${dir}/${f}`, `plain/${f.replace(".enc.sgn", "")}`]);
  }
  assert.equal(cases.length, 9);
  for (const [path, plainPath] of cases) {
    const peer = read(path);
    const phone = device(path.split("/").pop()!.slice(0, 15));
    const peerEls = header(peer);
    const aesKey = unwrapKey(find(peerEls, 25).value, phone.privateKey);
    const plaintext = read(plainPath);
    const ours = encryptConfig(plaintext, { ...resignOptions(peer), device: phone.certificateDer, aesKey, iv: find(peerEls, 19).value });
    const ourEls = header(ours);
    assert.equal(layout(ourEls), layout(peerEls), path);
    assert.equal(ours.length, peer.length, path);
    // Outside the signature and the wrapped key (PKCS#1 v1.5 encryption is randomized) every byte is the peer's.
    const masked = (file: Uint8Array, els: Element[]) => {
      const copy = file.slice();
      for (const tag of [12, 25]) {
        const e = find(els, tag);
        copy.fill(0, e.at + 3, e.at + 3 + e.value.length);
      }
      return copy;
    };
    assert.equal(Buffer.compare(masked(ours, ourEls), masked(peer, peerEls)), 0, path);
    assert.equal(verifiesWith(ours, resignOptions(peer).signer.privateKey), true, path);
    assert.deepEqual(openEncrypted(ours, phone.privateKey), plaintext, path);
  }
});

test("fresh keys and IVs each time; aligned and empty configs get a full pad block; device key size is recorded", () => {
  const signer = labSigner(2048);
  for (const bits of [1024, 2048, 3072, 4096]) {
    const phone = generateKeyPairSync("rsa", { modulusLength: bits });
    for (const size of [0, 1, 15, 16, 17, 32, 1000]) {
      const plaintext = new Uint8Array(size).map((_, i) => (i * 7 + bits) & 0xff);
      const a = encryptConfig(plaintext, { signer, filename: "SEP001122334455.cnf.xml.enc.sgn", device: phone.publicKey, timestamp: 5 });
      const els = header(a);
      assert.equal(num(find(els, 20)), 16 - (size % 16), `pad for ${size}`);
      assert.equal(a.length - headerLength(a), size + 16 - (size % 16));
      assert.equal(num(find(els, 23)), bits);
      assert.equal(find(els, 25).value.length, bits / 8);
      assert.equal(num(find(els, 1)), 0x0200);
      assert.deepEqual(openEncrypted(a, phone.privateKey), plaintext);
      assert.equal(verifiesWith(a, signer.privateKey), true);
      if (size === 17) {
        const b = encryptConfig(plaintext, { signer, filename: "x", device: phone.publicKey, timestamp: 5 });
        assert.notDeepEqual(find(header(b), 19).value, find(els, 19).value, "IV is fresh");
        assert.notDeepEqual(unwrapKey(find(header(b), 25).value, phone.privateKey), unwrapKey(find(els, 25).value, phone.privateKey), "key is fresh");
      }
    }
  }
});

test("an EC device key is refused with a DeviceKeyError that says why", () => {
  const phone = device("SEPEC0000000256");
  assert.equal(new X509Certificate(phone.certificateDer).publicKey.asymmetricKeyType, "ec");
  assert.throws(
    () => encryptConfig(new Uint8Array(10), { signer: labSigner(1024), filename: "f", device: phone.certificateDer }),
    (e: unknown) => e instanceof DeviceKeyError && /EC key/.test(e.message),
  );
  assert.throws(() => encryptConfig(new Uint8Array(10), { signer: labSigner(1024), filename: "f", device: phone.privateKey }), DeviceKeyError);
});

// ---- trust lists ----

const peerTrustLists: Array<[string, string, TrustRecord[]]> = [
  [
    "itl/ITLSEPA45630BBFA40.tlv",
    "sast",
    [
      { role: "SAST", certificateDer: pkiDer("sast") },
      { role: "CCM", certificateDer: pkiDer("tftp") },
      { role: "TFTP", certificateDer: pkiDer("tftp") },
      { role: "CAPF", certificateDer: pkiDer("capf") },
      { role: "TVS", certificateDer: pkiDer("tvs") },
    ],
  ],
  [
    "itl/ITLFile-sha512.tlv",
    "sast",
    [
      { role: "SAST", certificateDer: pkiDer("sast") },
      { role: "SAST", certificateDer: pkiDer("sast2") },
      { role: "CCM+TFTP", certificateDer: pkiDer("tftp4096") },
      { role: "CAPF", certificateDer: pkiDer("capf") },
      { role: "APP-SERVER", certificateDer: pkiDer("app-ec") },
      { role: "TFTP", certificateDer: pkiDer("app-ec") },
    ],
  ],
  [
    "itl/ITLFile-resigned.tlv",
    "sast2",
    [
      { role: "SAST", certificateDer: pkiDer("sast2") },
      { role: "SAST", certificateDer: pkiDer("sast") },
      { role: "TFTP", certificateDer: pkiDer("tftp") },
      { role: "CAPF", certificateDer: pkiDer("capf") },
    ],
  ],
];

test("the peer's three trust lists are re-created byte for byte from its certificates", () => {
  for (const [path, signerName, records] of peerTrustLists) {
    const peer = read(path);
    const { filename, timestamp, hash } = resignOptions(peer);
    const ours = writeTrustList({ signer: signerFromPem(pkiPem(signerName)), records, filename, timestamp, hash });
    assert.equal(layout(header(ours)), layout(header(peer)), path);
    assert.equal(Buffer.compare(ours, peer), 0, path);
  }
});

test("trust lists: signer version follows EC records, the signer must be a listed SAST, records carry every field", () => {
  const sast = signerFromPem(pkiPem("sast"));
  const rsaOnly = writeTrustList({ signer: sast, records: [{ role: "SAST", certificateDer: sast.certificateDer }], timestamp: 1 });
  assert.deepEqual([...find(header(rsaOnly), 28).value], [1, 0]);
  assert.equal(text(find(header(rsaOnly), 14)), "ITLFile.tlv");
  assert.equal(verifiesWith(rsaOnly, sast.privateKey), true);
  const withEc = writeTrustList({
    signer: sast,
    hash: "sha512",
    records: [
      { role: "SAST", certificateDer: sast.certificateDer },
      { role: 3, certificateDer: pkiDer("app-ec") },
    ],
  });
  assert.deepEqual([...find(header(withEc), 28).value], [1, 1]);
  assert.equal(verifiesWith(withEc, sast.privateKey), true);
  // Records, read back by hand.
  const body = withEc.subarray(headerLength(withEc));
  const first = (body[3] << 8) | body[4];
  const second = walk(body, first, body.length, new Set()); // records hold no containers
  assert.equal(first + num(second[0]), body.length);
  assert.deepEqual(
    second.map((e) => e.tag),
    [1, 3, 5, 6, 4, 7, 8, 9],
  );
  assert.equal(text(second[1]), "CN=app-lab,O=Cisco,OU=It");
  assert.equal(num(second[4]), 3);
  assert.equal(second[5].value[0], 0x04, "uncompressed EC point");
  assert.equal(second[5].value.length, 97);
  assert.deepEqual(second[7].value, pkiDer("app-ec"));
  assert.throws(() => writeTrustList({ signer: sast, records: [{ role: "CCM+TFTP", certificateDer: sast.certificateDer }] }), /SAST records/);
  assert.throws(() => writeTrustList({ signer: sast, records: [{ role: "SAST", certificateDer: pkiDer("sast2") }] }), /SAST records/);
});

// ---- helpers ----

const signerCache = new Map<number, Signer>();
/** A self-signed RSA signer of the given size (cached: key generation is slow). */
function labSigner(bits: number): Signer {
  const cached = signerCache.get(bits);
  if (cached && bits !== 1024) return cached;
  const keys = generateKeyPairSync("rsa", { modulusLength: bits });
  const signer = {
    certificateDer: createCertificate({ subject: [["CN", `lab-${bits}`]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey }),
    privateKey: keys.privateKey,
  };
  signerCache.set(bits, signer);
  return signer;
}
