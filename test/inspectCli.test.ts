// `cnfguard inspect` and `cnfguard verify` as a user runs them: text like the peer's
// parser, JSON with the fields issue 3 lists, exit codes 0/1/2/3.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ITL_RESIGNED, ITL_SHA1, ITL_SHA512, PEER, parsedText, peerFile, signedVectors } from "./fuzz/signedCorpus.js";
import { cnfguardSync } from "./helpers/cliRun.js";

function cli(...args: string[]) {
  const r = cnfguardSync(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}
const at = (rel: string) => join(PEER, rel);

test("inspect prints the peer parser's lines for a trust list, a signed and an encrypted config", () => {
  for (const rel of [ITL_SHA512, "sgn/SoftKeys.xml.sgn", "enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn"]) {
    const r = cli("inspect", at(rel));
    assert.equal(r.code, 0, r.err);
    const expected = peerFile(`${rel}.parsed.txt`)
      .toString("utf8")
      .replace(/Serial Numer: /g, "Serial Number:")
      .trim()
      .split("\n");
    const got = r.out.trim().split("\n");
    // Everything but the last line (each tool words its own verdict) is the same.
    assert.deepEqual(got.slice(0, -1), expected.slice(0, -1));
  }
});

test("inspect --json holds the issue's fields for every vector", () => {
  for (const v of signedVectors().filter((x) => x.kind !== "sgn" || x.file.includes("SoftKeys"))) {
    const r = cli("inspect", at(v.file), "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const peer = parsedText(peerFile(`${v.file}.parsed.txt`).toString("utf8")).header;
    assert.ok(["1.0", "2.0", "1.2"].includes(j.version));
    assert.equal(j.signer.serial, peer.get("Serial Number"));
    assert.match(j.signer.serial, /^[0-9a-f]+$/);
    assert.ok(["sha1", "sha256", "sha512"].includes(j.hashAlgorithm));
    for (const k of ["headerLength", "signatureLength", "timestamp"]) assert.equal(typeof j[k], "number");
    if (v.kind === "enc") for (const k of ["ivLength", "keyLength", "keySize", "padding", "hashAlgorithm", "hash"]) assert.ok(k in j.encryption, k);
    if (v.kind === "itl") {
      assert.ok(j.records.length > 0);
      for (const rec of j.records) for (const k of ["role", "subject", "issuer", "serial", "keyType", "certificateSha1"]) assert.ok(k in rec, k);
    }
  }
});

test("inspect --itl checks a config's signature without deciding anything", () => {
  const sgn = at("sgn/SoftKeys.xml.sgn");
  assert.match(cli("inspect", sgn).out, /Signature not checked: no trust list given/);
  assert.match(cli("inspect", sgn, "--itl", at(ITL_SHA1)).out, /\nValid signature\n$/);
  const wrong = cli("inspect", sgn, "--itl", at(ITL_SHA512), "--json");
  assert.equal(wrong.code, 0);
  assert.equal(JSON.parse(wrong.out).signature, "E_UNKNOWN_SIGNER");
});

test("inspect: exit 1 for a malformed file, 2 for bad usage, 3 for a missing file", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-inspect-"));
  try {
    const broken = join(dir, "broken.sgn");
    writeFileSync(broken, peerFile("sgn/SoftKeys.xml.sgn").subarray(0, 100));
    const r = cli("inspect", broken);
    assert.equal(r.code, 1);
    assert.match(r.err, /broken\.sgn.*E_ELEMENT_OVERRUNS_FILE/);
    assert.equal(cli("inspect").code, 2);
    assert.equal(cli("inspect", join(dir, "absent.sgn")).code, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verify: configs against the right and the wrong list, trust lists on first use and as replacements", () => {
  const sgn = at("sgn/sha1-rsa2048/SEPA45630BBFA40.cnf.xml.sgn");
  const ok = cli("verify", sgn, "--itl", at(ITL_SHA1), "--json");
  assert.equal(ok.code, 0);
  // The signer is the TFTP record (the same certificate is also listed as CCM).
  assert.deepEqual(JSON.parse(ok.out).signer, {
    subject: "CN=cucm-lab,O=Cisco,OU=It,L=KRK,ST=PL,C=PL",
    role: "TFTP",
    serial: "f6f86bba53c3d75f3bad2f07144e2726",
  });
  const wrong = cli("verify", sgn, "--itl", at(ITL_SHA512));
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /E_UNKNOWN_SIGNER/);
  assert.equal(cli("verify", at("enc/sha512-rsa4096/SEP0A1B2C3D4E5F.cnf.xml.enc.sgn"), "--itl", at(ITL_SHA512)).code, 0);
  assert.equal(cli("verify", sgn).code, 2, "a config needs --itl");
  assert.equal(cli("verify", at(ITL_RESIGNED)).code, 0);
  const replaced = cli("verify", at(ITL_RESIGNED), "--itl", at(ITL_SHA1), "--json");
  assert.equal(replaced.code, 1);
  assert.equal(JSON.parse(replaced.out).status, "E_TRUST_LIST_NOT_KNOWN_SAST");
  assert.equal(cli("verify", at(ITL_SHA512), "--itl", at(ITL_SHA1)).code, 0);
  assert.equal(cli("verify", sgn, "--itl", at("sgn/SoftKeys.xml.sgn")).code, 1, "an --itl that is no trust list fails verification (issue 11)");
});
