// The LSC/MIC proof constructions against the peer's recorded auth response, and EC proofs
// checked with an independent ECDSA implementation (@noble/curves).

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import { p256 } from "@noble/curves/nist.js";
import { checkCertificateProof, checkIssuedBy, checkSudiData, makeCertificateProof, makeSudiData, signedDataInput } from "../host/shared/capf/capfAuth.js";
import { CapfTag, readCertificateValue, readSha2SignedDataValue } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, findElement } from "../host/shared/capf/capfMessage.js";
import { capfLab, makeCa, makePhoneCertificate, readPemFile, readRecording } from "./helpers/capfFixtures.js";

const recorded = decodeCapfMessage(Buffer.from(readRecording("reinstall-auth-by-lsc")[1].hex, "hex"));
const old = readPemFile("old-SEP58971ECC97C1.pem");
const deviceName = "SEP58971ECC97C1";

test("the recorded signed data is raw PKCS#1 type 1 over SHA-1(name ‖ 00 ‖ DER), without DigestInfo", () => {
  const certificateDer = readCertificateValue(findElement(recorded, CapfTag.certificate)!).der;
  assert.ok(certificateDer.equals(old.certificateDer));
  const recovered = crypto.publicDecrypt(
    { key: new crypto.X509Certificate(old.certificateDer).publicKey, padding: crypto.constants.RSA_NO_PADDING },
    findElement(recorded, CapfTag.signedData)!,
  );
  // 00 01 FF…FF 00 then the bare 20-byte digest: no DigestInfo in between.
  const digest = crypto
    .createHash("sha1")
    .update(Buffer.concat([Buffer.from(deviceName), Buffer.from([0]), old.certificateDer]))
    .digest();
  assert.equal(recovered.subarray(0, 2).toString("hex"), "0001");
  assert.ok(recovered.subarray(2, recovered.length - 21).every((b) => b === 0xff));
  assert.equal(recovered[recovered.length - 21], 0);
  assert.ok(recovered.subarray(recovered.length - 20).equals(digest));
});

test("our proof reproduces the recorded elements 6 and 20 byte for byte and checks", () => {
  const proof = makeCertificateProof(deviceName, old.certificateDer, old.privateKey!);
  assert.ok(proof.signedData.equals(findElement(recorded, CapfTag.signedData)!));
  assert.ok(proof.sha2SignedData.equals(findElement(recorded, CapfTag.sha2SignedData)!));
  assert.equal(checkCertificateProof(deviceName, old.certificateDer, proof), undefined);
});

test("our SUDI data for session 11 reproduces the recorded element 16 and checks", () => {
  const sudi = makeSudiData(recorded.sessionId, old.certificateDer, old.privateKey!);
  assert.equal(recorded.sessionId, 11);
  assert.ok(sudi.equals(findElement(recorded, CapfTag.sudiData)!));
  assert.ok(checkSudiData(11, sudi).certificateDer?.equals(old.certificateDer));
  assert.match(checkSudiData(12, sudi).error ?? "", /does not verify/);
});

test("a proof fails for another device name, another certificate or a flipped bit", () => {
  const proof = { signedData: findElement(recorded, CapfTag.signedData)!, sha2SignedData: findElement(recorded, CapfTag.sha2SignedData)! };
  assert.match(checkCertificateProof("SEP58971ECC97C2", old.certificateDer, proof) ?? "", /element 6/);
  const other = readPemFile("keys/SEPA45630BBFA40.pem").certificateDer;
  assert.match(checkCertificateProof(deviceName, other, proof) ?? "", /element 6/);
  const flipped = Buffer.from(proof.sha2SignedData);
  flipped[100] ^= 1;
  assert.match(checkCertificateProof(deviceName, old.certificateDer, { ...proof, sha2SignedData: flipped }) ?? "", /element 20/);
  assert.match(checkCertificateProof(deviceName, old.certificateDer, { ...proof, signedData: proof.signedData.subarray(1) }) ?? "", /element 6/);
  const sha2 = readSha2SignedDataValue(proof.sha2SignedData);
  const wrongAlgorithm = Buffer.concat([Buffer.from([2]), proof.sha2SignedData.subarray(1)]);
  assert.equal(sha2.algorithm, 3);
  assert.match(checkCertificateProof(deviceName, old.certificateDer, { ...proof, sha2SignedData: wrongAlgorithm }) ?? "", /algorithm 2/);
});

test("EC proofs are DER ECDSA over SHA-1 and SHA-512 of the same bytes (checked with @noble/curves)", () => {
  const ca = makeCa("Lab MIC CA");
  const phone = makePhoneCertificate(`CP-8865-${deviceName}`, ca, "ec");
  const proof = makeCertificateProof(deviceName, phone.certDer, phone.privateKey);
  const data = signedDataInput(deviceName, phone.certDer);
  const spki = crypto.createPublicKey(phone.privateKey).export({ type: "spki", format: "der" });
  const point = spki.subarray(spki.length - 65);
  const sha1 = crypto.createHash("sha1").update(data).digest();
  const sha512 = crypto.createHash("sha512").update(data).digest();
  assert.ok(p256.verify(proof.signedData, sha1, point, { prehash: false, format: "der", lowS: false }));
  assert.ok(p256.verify(readSha2SignedDataValue(proof.sha2SignedData).signature, sha512, point, { prehash: false, format: "der", lowS: false }));
  assert.equal(checkCertificateProof(deviceName, phone.certDer, proof), undefined);
});

test("issuer check: the recorded LSC chains to CAPF-lab, not to another CA", () => {
  assert.equal(checkIssuedBy(old.certificateDer, [capfLab().certificateDer]), undefined);
  assert.match(checkIssuedBy(old.certificateDer, [makeCa("CAPF-lab").certificateDer]) ?? "", /not signed by a trusted issuer/);
  assert.match(checkIssuedBy(old.certificateDer, []) ?? "", /not signed/);
});
