// `cnfguard decrypt`: the plaintext is written only when the file verifies; on any
// failure nothing is written and no partial file is left behind.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { deviceKeyDer, ITL_SHA1, ITL_SHA512, PEER, peerFile } from "./fuzz/signedCorpus.js";
import { cnfguardSync } from "./helpers/cliRun.js";

function cli(...args: string[]) {
  const r = cnfguardSync(args);
  return { code: r.code, out: r.stdoutBytes, err: r.stderr };
}
const at = (rel: string) => join(PEER, rel);

/** Run `fn` with a fresh temporary directory, removed afterwards. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-decrypt-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const BIG = "enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn";

test("decrypt writes the 95 KiB config to -o when verified (PEM key with its certificate)", () => {
  inTempDir((dir) => {
    const out = join(dir, "SEPA45630BBFA40.cnf.xml");
    const r = cli("decrypt", at(BIG), "--key", at("devices/SEPA45630BBFA40.pem"), "--itl", at(ITL_SHA1), "-o", out);
    assert.equal(r.code, 0, r.err);
    assert.ok(readFileSync(out).equals(peerFile("plain/big.cnf.xml")));
    assert.deepEqual(readdirSync(dir), ["SEPA45630BBFA40.cnf.xml"]);
  });
});

test("decrypt to standard output with a DER (PKCS#8) key", () => {
  inTempDir((dir) => {
    const key = join(dir, "device.der");
    writeFileSync(key, deviceKeyDer("SEP58971ECC97C1"));
    const r = cli("decrypt", at("enc/sha512-rsa4096/SEP58971ECC97C1.cnf.xml.enc.sgn"), "--key", key, "--itl", at(ITL_SHA512));
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.equals(peerFile("plain/SEP58971ECC97C1.cnf.xml")));
  });
});

test("a wrong key, a wrong trust list or a tampered file write nothing", () => {
  inTempDir((dir) => {
    const out = join(dir, "out.xml");
    const tampered = join(dir, "tampered.enc.sgn");
    const bytes = Buffer.from(peerFile(BIG));
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(tampered, bytes);
    const attempts: [string[], RegExp][] = [
      [[at(BIG), "--key", at("devices/SEP0000000A0711.pem"), "--itl", at(ITL_SHA1)], /E_CONTENT_HASH/],
      [[at(BIG), "--key", at("devices/SEPA45630BBFA40.pem"), "--itl", at(ITL_SHA512)], /E_UNKNOWN_SIGNER/],
      [[tampered, "--key", at("devices/SEPA45630BBFA40.pem"), "--itl", at(ITL_SHA1)], /E_BAD_SIGNATURE/],
    ];
    for (const [args, why] of attempts) {
      const r = cli("decrypt", ...args, "-o", out);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, why);
      assert.match(r.err, /nothing written/);
      assert.equal(r.out.length, 0);
      assert.deepEqual(readdirSync(dir), ["tampered.enc.sgn"], "no output or partial file");
    }
  });
});

test("decrypt: usage errors exit 2, unreadable files exit 3", () => {
  assert.equal(cli("decrypt", at(BIG), "--itl", at(ITL_SHA1)).code, 2, "no --key");
  assert.equal(cli("decrypt", at(BIG), "--key", at("devices/SEPA45630BBFA40.pem")).code, 2, "no --itl");
  assert.equal(cli("decrypt", at(BIG), "--key", at("itl/ITLFile-sha512.tlv"), "--itl", at(ITL_SHA1)).code, 2, "not a key");
  assert.equal(cli("decrypt", at(BIG), "--key", at("devices/SEPEC0000000256.pem"), "--itl", at(ITL_SHA1)).code, 2, "an EC key cannot open it");
  assert.equal(cli("decrypt", at("enc/absent.enc.sgn"), "--key", at("devices/SEPA45630BBFA40.pem"), "--itl", at(ITL_SHA1)).code, 3);
});
