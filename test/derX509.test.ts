// The core's DER reader and X.509 field locator against node:crypto's X509Certificate
// and asn1js, on the peer's device certificates and keys (cert + key in one PEM) and on
// damaged DER: every malformed input gives a status code, never a trap or a wrong key.

import assert from "node:assert/strict";
import { constants, createHash, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import * as asn1js from "asn1js";
import { newCore } from "../host/core.js";
import { CORE_HASH_SELECTOR } from "../host/shared/hashAlgorithms.js";
import { statusOf } from "./helpers/coreStatus.js";

const rsa = newCore().rsa;
const DEVICES = new URL("../../vectors/peer/devices/", import.meta.url);
const PKI = new URL("../../vectors/peer/pki/", import.meta.url);

/** The DER of each PEM block of one kind in a file. */
function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
}

/** Raw DER of the TBSCertificate's fields as asn1js sees them (version first). */
function tbsFieldBytes(der: Buffer): Buffer[] {
  const cert = asn1js.fromBER(der).result as asn1js.Sequence;
  const fields = (cert.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
  return fields.map((f) => Buffer.from(f.valueBeforeDecodeView));
}

const devices = readdirSync(DEVICES)
  .filter((f) => f.endsWith(".pem"))
  .sort();

test("the peer's device certificates: serial, issuer, subject and key match node:crypto and asn1js", () => {
  assert.ok(devices.length >= 6);
  for (const file of devices) {
    const text = readFileSync(new URL(file, DEVICES), "utf8");
    const [der] = pemBlocks(text, "CERTIFICATE");
    const x = new X509Certificate(der);
    const got = rsa.readCertificate(der);
    const serialHex = got.serial
      .toString("hex")
      .replace(/^0+(?=.)/, "")
      .toUpperCase();
    assert.equal(serialHex, x.serialNumber.replace(/^0+(?=.)/, "").toUpperCase(), `${file}: serial`);
    assert.deepEqual(got.spki, x.publicKey.export({ type: "spki", format: "der" }), `${file}: spki`);
    const [, , , issuer, , subject] = tbsFieldBytes(der);
    assert.deepEqual(got.issuer, issuer, `${file}: issuer`);
    assert.deepEqual(got.subject, subject, `${file}: subject`);
    assert.ok(got.subject.includes(Buffer.from(file.replace(".pem", ""))), `${file}: subject names the device`);
    assert.deepEqual(Buffer.concat([got.tbs]).subarray(0, 1), Buffer.from([0x30]));
    assert.equal(
      createHash("md5").update(der).digest("hex"),
      readFileSync(new URL("md5hash.txt", DEVICES), "utf8").match(new RegExp(`(\\w+) ${file.replace(".pem", "")}`))![1],
    );
  }
});

test("the peer's server certificates (SAST, TFTP, CAPF, TVS, EC app server): fields match, RSA keys load", () => {
  const files = readdirSync(PKI).filter((f) => f.endsWith(".pem"));
  assert.ok(files.length >= 6);
  for (const file of files) {
    const [der] = pemBlocks(readFileSync(new URL(file, PKI), "utf8"), "CERTIFICATE");
    const x = new X509Certificate(der);
    const got = rsa.readCertificate(der);
    const [, , , issuer, , subject] = tbsFieldBytes(der);
    assert.deepEqual([got.issuer, got.subject], [issuer, subject], file);
    assert.equal(
      got.serial
        .toString("hex")
        .replace(/^0+(?=.)/, "")
        .toUpperCase(),
      x.serialNumber.replace(/^0+(?=.)/, "").toUpperCase(),
      file,
    );
    assert.deepEqual(got.spki, x.publicKey.export({ type: "spki", format: "der" }), file);
    if (x.publicKey.asymmetricKeyType === "rsa") {
      assert.equal(rsa.loadPublicKey(got.spki).modulusBytes * 8, x.publicKey.asymmetricKeyDetails!.modulusLength, file);
    } else {
      assert.equal(
        statusOf(() => rsa.loadPublicKey(got.spki)),
        "E_KEY_NOT_RSA",
        file,
      );
    }
  }
});

test("the peer's device keys load and unwrap what node:crypto wraps; the EC device is refused as not RSA", () => {
  for (const file of devices) {
    const text = readFileSync(new URL(file, DEVICES), "utf8");
    const [keyDer] = pemBlocks(text, "PRIVATE KEY");
    const [certDer] = pemBlocks(text, "CERTIFICATE");
    const pub = new X509Certificate(certDer).publicKey;
    if (pub.asymmetricKeyType !== "rsa") {
      assert.equal(
        statusOf(() => rsa.loadPrivateKey(keyDer)),
        "E_KEY_NOT_RSA",
        file,
      );
      assert.equal(
        statusOf(() => rsa.loadPublicKey(rsa.readCertificate(certDer).spki)),
        "E_KEY_NOT_RSA",
        file,
      );
      continue;
    }
    const bits = pub.asymmetricKeyDetails!.modulusLength!;
    assert.deepEqual(rsa.loadPrivateKey(keyDer), { modulusBytes: bits / 8, exponent: Number(pub.asymmetricKeyDetails!.publicExponent) }, file);
    const secret = randomBytes(16);
    assert.deepEqual(rsa.decrypt(publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, secret), 16), secret, file);
    // The PKCS#1 form of the same key loads too.
    rsa.loadPrivateKey(createPrivateKey({ key: keyDer, format: "der", type: "pkcs8" }).export({ type: "pkcs1", format: "der" }));
    assert.equal(rsa.privateModulusBytes(), bits / 8);
  }
});

test("each device certificate's signature verifies with the CAPF certificate's key, found by the core", () => {
  const capf = pemBlocks(readFileSync(new URL("capf.pem", PKI), "utf8"), "CERTIFICATE")[0];
  const capfSpki = rsa.readCertificate(capf).spki;
  let verified = 0;
  for (const file of devices) {
    const [der] = pemBlocks(readFileSync(new URL(file, DEVICES), "utf8"), "CERTIFICATE");
    const x = new X509Certificate(der);
    if (!x.verify(createPublicKey({ key: capfSpki, format: "der", type: "spki" }))) continue; // issued by another CAPF key than pki/capf.pem
    const f = rsa.readCertificate(der);
    const digest = createHash("sha256").update(f.tbs).digest();
    assert.equal(rsa.verify(capfSpki, CORE_HASH_SELECTOR.sha256, digest, f.signature), true, file);
    assert.equal(rsa.verify(capfSpki, CORE_HASH_SELECTOR.sha256, createHash("sha256").update(f.subject).digest(), f.signature), false, file);
    verified++;
  }
  assert.ok(verified > 0 || devices.length === 0, "at least one device certificate was issued by pki/capf.pem");
});

/** Every prefix and many single-byte corruptions of a DER input give a status or a good load. */
function assertNeverTraps(der: Buffer, load: (b: Buffer) => unknown, what: string): void {
  for (let len = 0; len < der.length; len++) {
    const s = statusOf(() => load(der.subarray(0, len)));
    assert.match(s, /^E_/, `${what}: ${len}-byte prefix gives ${s}`);
  }
  for (let i = 0; i < 300; i++) {
    const bad = Buffer.from(der);
    const at = Math.floor(Math.random() * Math.min(bad.length, 64)); // headers and lengths live in front
    bad[at] = Math.floor(Math.random() * 256);
    statusOf(() => load(bad)); // a status or OK; a trap would throw a RuntimeError here
  }
  assert.match(
    statusOf(() => load(Buffer.concat([der, Buffer.from([0])]))),
    /^E_DER_TRAILING$/,
    `${what}: trailing byte`,
  );
}

test("truncated, corrupted and trailing DER give status codes (keys, SPKI, certificates)", () => {
  const text = readFileSync(new URL("SEP001122334455.pem", DEVICES), "utf8");
  const [cert] = pemBlocks(text, "CERTIFICATE");
  const [pkcs8] = pemBlocks(text, "PRIVATE KEY");
  const priv = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  const pkcs1 = priv.export({ type: "pkcs1", format: "der" });
  const spki = createPublicKey(priv).export({ type: "spki", format: "der" });
  assertNeverTraps(cert, (b) => rsa.readCertificate(b), "certificate");
  assertNeverTraps(spki, (b) => rsa.loadPublicKey(b), "SPKI");
  assertNeverTraps(pkcs8, (b) => rsa.loadPrivateKey(b), "PKCS#8");
  assertNeverTraps(pkcs1, (b) => rsa.loadPrivateKey(b), "PKCS#1");
  // Specific malformations.
  const withLength = (b: Buffer, lenBytes: number[]) => Buffer.concat([Buffer.from([b[0], ...lenBytes]), b.subarray(2 + (b[1] & 0x80 ? b[1] & 0x7f : 0))]);
  assert.equal(
    statusOf(() => rsa.loadPublicKey(withLength(spki, [0x80]))),
    "E_DER_LENGTH",
    "indefinite length",
  );
  assert.equal(
    statusOf(() => rsa.loadPublicKey(withLength(spki, [0x82, 0x00, spki[3]]))),
    "E_DER_LENGTH",
    "non-minimal length",
  );
  assert.equal(
    statusOf(() => rsa.loadPublicKey(withLength(spki, [0x85, 1, 2, 3, 4, 5]))),
    "E_DER_LENGTH",
    "5-byte length",
  );
  assert.equal(
    statusOf(() => rsa.loadPublicKey(Buffer.from([0x31, 0x00]))),
    "E_DER_TAG",
    "a SET",
  );
  assert.equal(
    statusOf(() => rsa.loadPublicKey(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x80]))),
    "E_DER_INTEGER",
    "negative modulus",
  );
  assert.equal(
    statusOf(() => rsa.loadPublicKey(Buffer.from([0x30, 0x04, 0x02, 0x02, 0x00, 0x01]))),
    "E_DER_INTEGER",
    "redundant zero octet",
  );
  assert.equal(
    statusOf(() => rsa.readCertificate(Buffer.from([0x30, 0x02, 0x05, 0x00]))),
    "E_X509",
    "not a certificate",
  );
  const ecPem = readFileSync(new URL("app-ec.pem", PKI), "utf8");
  assert.equal(
    statusOf(() => rsa.loadPublicKey(rsa.readCertificate(pemBlocks(ecPem, "CERTIFICATE")[0]).spki)),
    "E_KEY_NOT_RSA",
  );
});
