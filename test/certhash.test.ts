// `cnfguard certhash` against the peer: the MD5 of every device certificate equals the
// md5hash the peer's CAPF recorded (vectors/peer/devices/md5hash.txt), from PEM and DER.

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { vectorsDir } from "../host/paths.js";
import { runCnfguard, withScratchDir } from "./helpers/hashScratch.js";

const DEVICES = join(vectorsDir, "peer", "devices");
const cnfguard = (args: string[]) => runCnfguard(["certhash", ...args]);

const expected = readFileSync(join(DEVICES, "md5hash.txt"), "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [hash, name] = line.trim().split(/\s+/);
    return { hash, name };
  });
const withDir = (fn: (dir: string) => unknown) => withScratchDir("certhash", fn);

test("every peer device certificate (PEM with its key) gives the peer's md5hash", () => {
  assert.equal(expected.length, 6);
  for (const { hash, name } of expected) {
    const r = cnfguard([join(DEVICES, `${name}.pem`)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${hash}\n`, name);
  }
});

test("the same certificates as DER, as PEM with the key first, and with --json", async () => {
  await withDir((dir) => {
    for (const { hash, name } of expected) {
      const pem = readFileSync(join(DEVICES, `${name}.pem`), "utf8");
      const der = new X509Certificate(pem).raw;
      assert.equal(createHash("md5").update(der).digest("hex"), hash, "oracle agrees with the peer");
      writeFileSync(join(dir, `${name}.der`), der);
      assert.equal(cnfguard([join(dir, `${name}.der`)]).stdout, `${hash}\n`, `${name} DER`);
      const [certBlock, keyBlock] = pem.split(/(?<=-----END CERTIFICATE-----\n)/);
      writeFileSync(join(dir, `${name}.keyfirst.pem`), `${keyBlock}# comment line\n${certBlock}`);
      const json = cnfguard([join(dir, `${name}.keyfirst.pem`), "--json"]);
      assert.equal(json.status, 0, json.stderr);
      const parsed = JSON.parse(json.stdout);
      assert.equal(parsed.certHash, hash);
      assert.equal(parsed.derBytes, der.length);
    }
  });
});

test("files without a usable certificate fail with a message naming file and fix", async () => {
  await withDir((dir) => {
    const pem = readFileSync(join(DEVICES, "SEPA45630BBFA40.pem"), "utf8");
    const keyOnly = pem.slice(pem.indexOf("-----BEGIN PRIVATE KEY"));
    writeFileSync(join(dir, "key.pem"), keyOnly);
    let r = cnfguard([join(dir, "key.pem")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /key\.pem: no CERTIFICATE or X509 CERTIFICATE block \(found PRIVATE KEY\)/);

    const keyDer = Buffer.from(keyOnly.replace(/-----[^-]+-----|\s/g, ""), "base64");
    writeFileSync(join(dir, "key.der"), keyDer);
    r = cnfguard([join(dir, "key.der")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /key\.der: this DER is not a certificate/);

    writeFileSync(join(dir, "cut.pem"), pem.slice(0, 500));
    r = cnfguard([join(dir, "cut.pem")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cut\.pem: line 1: BEGIN CERTIFICATE has no END line/);

    const der = new X509Certificate(pem).raw;
    writeFileSync(join(dir, "short.der"), der.subarray(0, der.length - 1));
    r = cnfguard([join(dir, "short.der")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /short\.der: .*truncated/);

    writeFileSync(join(dir, "text.txt"), "hello\n");
    r = cnfguard([join(dir, "text.txt")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /text\.txt: neither PEM .* nor DER/);
  });
});

test("missing file exits 3, bad usage exits 2, --help", () => {
  const missing = cnfguard([join(DEVICES, "nope.pem")]);
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /nope\.pem: no such file/);
  assert.equal(cnfguard([]).status, 2);
  assert.equal(cnfguard(["a", "b"]).status, 2);
  const help = cnfguard(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: cnfguard certhash CERT/);
});
