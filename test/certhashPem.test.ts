// host/shared/pem.ts, which certhash and every other PEM-reading command use: blocks by label,
// text around blocks ignored, and malformed armour refused with the source and line named.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { vectorsDir } from "../host/paths.js";
import { derElementLength, derFromPemOrDer, looksLikePem, PemError, readPemBlocks } from "../host/shared/pem.js";

const devicePem = readFileSync(join(vectorsDir, "peer", "devices", "SEP0A1B2C3D4E5F.pem"), "utf8");

test("a device file yields its certificate and its key, byte-exact", () => {
  const blocks = readPemBlocks(devicePem, "SEP0A1B2C3D4E5F.pem");
  assert.deepEqual(
    blocks.map((b) => b.label),
    ["CERTIFICATE", "PRIVATE KEY"],
  );
  assert.equal(blocks[0].line, 1);
  assert.deepEqual(Buffer.from(blocks[0].der), new X509Certificate(devicePem).raw);
  assert.equal(derElementLength(blocks[1].der), blocks[1].der.length);
  assert.ok(looksLikePem(devicePem) && looksLikePem(Buffer.from(devicePem)));
  assert.ok(!looksLikePem(blocks[0].der));
});

test("CRLF line ends, comments, OpenSSL bag attributes and RFC 1421 headers are tolerated", () => {
  const crlf = `Bag Attributes\r\n    friendlyName: phone\r\n${devicePem.replace(/\n/g, "\r\n")}`;
  const blocks = readPemBlocks(crlf);
  assert.equal(blocks.length, 2);
  assert.equal(blocks[0].line, 3);
  assert.deepEqual(Buffer.from(blocks[0].der), new X509Certificate(devicePem).raw);
  const withHeaders = devicePem.replace("-----BEGIN PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n");
  assert.deepEqual(readPemBlocks(withHeaders)[1].der, readPemBlocks(devicePem)[1].der);
});

test("malformed armour is refused with source and line", () => {
  assert.throws(
    () => readPemBlocks(devicePem.replace("-----END CERTIFICATE-----", "-----END PRIVATE KEY-----"), "x.pem"),
    (e: unknown) => e instanceof PemError && /^x\.pem: line \d+: END PRIVATE KEY closes BEGIN CERTIFICATE \(line 1\)/.test(e.message),
  );
  assert.throws(() => readPemBlocks(devicePem.replace(/^MII/m, "M*I"), "x.pem"), /x\.pem: line 1: the CERTIFICATE block is not valid base64/);
  assert.throws(() => readPemBlocks("-----BEGIN CERTIFICATE-----\nMIIB\n", "x.pem"), /x\.pem: line 1: BEGIN CERTIFICATE has no END line/);
  assert.deepEqual(readPemBlocks("no armour here"), []);
});

test("derFromPemOrDer picks the labelled block or takes DER, and checks it is one whole SEQUENCE", () => {
  const certDer = new X509Certificate(devicePem).raw;
  assert.deepEqual(Buffer.from(derFromPemOrDer(Buffer.from(devicePem), ["CERTIFICATE"]).der), certDer);
  const key = derFromPemOrDer(Buffer.from(devicePem), ["PRIVATE KEY", "RSA PRIVATE KEY"], "dev.pem");
  assert.equal(key.block?.label, "PRIVATE KEY");
  assert.deepEqual(derFromPemOrDer(new Uint8Array(certDer), ["CERTIFICATE"]).der, new Uint8Array(certDer));
  assert.throws(() => derFromPemOrDer(new Uint8Array([...certDer, 0]), ["CERTIFICATE"], "c.der"), /c\.der: .*1 bytes follow the DER SEQUENCE/);
  assert.throws(() => derFromPemOrDer(new Uint8Array(certDer.subarray(0, 100)), ["CERTIFICATE"], "c.der"), /c\.der: .*truncated/);
  assert.throws(() => derFromPemOrDer(new Uint8Array(0), ["CERTIFICATE"], "e.der"), /e\.der: .*empty/);
  assert.throws(
    () => derFromPemOrDer(Buffer.from(devicePem), ["EC PRIVATE KEY"], "dev.pem"),
    /dev\.pem: no EC PRIVATE KEY block \(found CERTIFICATE, PRIVATE KEY\)/,
  );
});

test("derElementLength reads short and long forms and refuses what runs past the end", () => {
  assert.equal(derElementLength(new Uint8Array([0x30, 0x03, 1, 2, 3])), 5);
  assert.equal(derElementLength(new Uint8Array([0x30, 0x82, 0x01, 0x00])), 260);
  assert.equal(derElementLength(new Uint8Array([0x30, 0x80])), -1, "indefinite length is not DER");
  assert.equal(derElementLength(new Uint8Array([0x30, 0x84, 1])), -1);
  assert.equal(derElementLength(new Uint8Array([0x30])), -1);
});
