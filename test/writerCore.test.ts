// What our writers produce, opened by our own core (the phone's reader): a lab PKI built with
// certificateBuilder, a trust list from trustListWriter, configs from the .sgn and .enc.sgn writers.

import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { test } from "node:test";
import { CoreError, newCore } from "../host/core.js";
import { certificateInfo } from "../host/shared/certificateInfo.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { encryptConfig } from "../host/shared/signed/encryptedConfigWriter.js";
import { type Signer, signFile } from "../host/shared/signed/signedFileWriter.js";
import { writeTrustList } from "../host/shared/signed/trustListWriter.js";

function selfSigned(cn: string, bits: number): Signer {
  const keys = generateKeyPairSync("rsa", { modulusLength: bits });
  const certificateDer = createCertificate({
    subject: [
      ["CN", cn],
      ["O", "Cisco"],
      ["OU", "It"],
    ],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
    ca: true,
  });
  return { certificateDer, privateKey: keys.privateKey };
}

const sast = selfSigned("SAST-test", 2048);
const tftp = selfSigned("cucm-test", 2048);
const tftp4096 = selfSigned("cucm4k-test", 4096);
const capf = selfSigned("CAPF-test", 2048);
const ecKeys = generateKeyPairSync("ec", { namedCurve: "P-384" });
const ecApp = createCertificate({ subject: [["CN", "app-test"]], publicKey: ecKeys.publicKey, selfSigningKey: ecKeys.privateKey });

const trustList = writeTrustList({
  signer: sast,
  records: [
    { role: "SAST", certificateDer: sast.certificateDer },
    { role: "CCM+TFTP", certificateDer: tftp.certificateDer },
    { role: "TFTP", certificateDer: tftp4096.certificateDer },
    { role: "CAPF", certificateDer: capf.certificateDer },
  ],
});

function phoneCore(deviceKey?: KeyObject) {
  const core = newCore();
  const installed = core.files.installTrustList(trustList);
  assert.equal(installed.installed, true, JSON.stringify(installed));
  if (deviceKey) core.files.loadDeviceKey(new Uint8Array(deviceKey.export({ type: "pkcs8", format: "der" })));
  return core;
}

test("our trust list installs in the core and its records read back as written", () => {
  const core = phoneCore();
  const records = core.files.trustRecords();
  assert.deepEqual(
    records.map((r) => r.role),
    ["SAST", "CCM+TFTP", "TFTP", "CAPF"],
  );
  const expected = [sast, tftp, tftp4096, capf].map((s) => certificateInfo(s.certificateDer));
  assert.deepEqual(
    records.map((r) => r.subject),
    expected.map((e) => e.subjectName),
  );
  assert.deepEqual(
    records.map((r) => r.serial),
    expected.map((e) => Buffer.from(e.serial).toString("hex")),
  );
  assert.deepEqual(
    records.map((r) => r.modulusBytes),
    [256, 256, 512, 256],
  );
  const inspected = core.files.inspect(trustList);
  assert.equal(inspected.signature, "valid");
  assert.equal(inspected.signerVersion, "1.0");
});

test("a trust list with an EC record carries signer version 1.1 and the core reads the EC point", () => {
  const list = writeTrustList({
    signer: sast,
    hash: "sha512",
    records: [
      { role: "SAST", certificateDer: sast.certificateDer },
      { role: "APP-SERVER", certificateDer: ecApp },
    ],
  });
  const inspected = newCore().files.inspect(list);
  assert.equal(inspected.signerVersion, "1.1");
  assert.equal(inspected.signature, "valid");
  assert.equal(inspected.records?.[1].keyType, "EC");
  assert.equal(inspected.records?.[1].ecPoint?.length, 97 * 2);
});

test("a list signed by a SAST the installed list does not know is refused; one by the known SAST replaces it", () => {
  const core = phoneCore();
  const stranger = selfSigned("SAST-other", 2048);
  const foreign = writeTrustList({ signer: stranger, records: [{ role: "SAST", certificateDer: stranger.certificateDer }] });
  assert.equal(core.files.installTrustList(foreign).installed, false);
  const renewed = writeTrustList({
    signer: sast,
    records: [
      { role: "SAST", certificateDer: sast.certificateDer },
      { role: "TFTP", certificateDer: tftp.certificateDer },
    ],
  });
  assert.equal(core.files.installTrustList(renewed).installed, true);
});

test(".sgn files from our writer verify in the core with SHA-1 and SHA-512, 2048- and 4096-bit signers; a flipped bit is refused", () => {
  const core = phoneCore();
  for (const [signer, hash] of [
    [tftp, "sha1"],
    [tftp, "sha512"],
    [tftp4096, "sha1"],
    [tftp4096, "sha512"],
  ] as const) {
    for (const size of [0, 1, 100, 70_000]) {
      const body = new Uint8Array(randomBytes(size));
      const file = signFile(body, { signer, hash, filename: "Ringer.raw.sgn" });
      assert.deepEqual(new Uint8Array(core.files.open(file)), body, `${hash} ${size}`);
      const bad = file.slice();
      bad[bad.length - 1 - (size >> 1)] ^= 0x10;
      assert.throws(() => core.files.open(bad), CoreError);
    }
  }
  const header = core.files.inspect(signFile(new Uint8Array(3), { signer: tftp4096, hash: "sha512", filename: "x.sgn", timestamp: 1_790_000_000 }));
  assert.equal(header.signer.name, "CN=cucm4k-test,O=Cisco,OU=It");
  assert.equal(header.signer.serial, Buffer.from(certificateInfo(tftp4096.certificateDer).serial).toString("hex"));
  assert.equal(header.timestamp, 1_790_000_000);
  assert.equal(header.filename, "x.sgn");
});

test("a file signed by a certificate outside the trust list, or by the CAPF record, is refused", () => {
  const core = phoneCore();
  const outsider = selfSigned("cucm-test", 2048); // same name, different key and serial
  assert.equal(core.files.verify(signFile(new Uint8Array(10), { signer: outsider, filename: "f" }), "config").ok, false);
  assert.equal(core.files.verify(signFile(new Uint8Array(10), { signer: capf, filename: "f" }), "config").ok, false);
  assert.equal(core.files.verify(signFile(new Uint8Array(10), { signer: tftp, filename: "f" }), "config").ok, true);
});

test(".enc.sgn files from our writer decrypt in the core with the device key, for every RSA device size", () => {
  for (const bits of [1024, 2048, 3072, 4096]) {
    const device = generateKeyPairSync("rsa", { modulusLength: bits });
    const core = phoneCore(device.privateKey);
    for (const [signer, hash] of [
      [tftp, "sha1"],
      [tftp4096, "sha512"],
    ] as const) {
      for (const size of [0, 15, 16, 17, 5000]) {
        const config = new Uint8Array(randomBytes(size));
        const file = encryptConfig(config, { signer, hash, device: device.publicKey, filename: "SEPA45630BBFA40.cnf.xml.enc.sgn" });
        assert.deepEqual(new Uint8Array(core.files.open(file)), config, `${bits} ${hash} ${size}`);
      }
    }
    // Encrypted to another phone: no plaintext.
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const notOurs = encryptConfig(new Uint8Array(64), { signer: tftp, device: other.publicKey, filename: "f" });
    assert.throws(() => core.files.open(notOurs), CoreError);
  }
});
