// Every signed file, encrypted config and trust list the peer made, through the core:
// inspect reads the same fields the peer's own parser printed (*.parsed.txt), each
// config verifies under the trust list of its signer and is refused by the other,
// each .enc.sgn decrypts to its plaintext in plain/, and chunking changes nothing.

import assert from "node:assert/strict";
import { test } from "node:test";
import { FileMode } from "../host/core/fileFacet.js";
import { assertInspectMatches, coreWith, headerLengthOf, modeFor, parsedText, peerFile, signedVectors } from "./fuzz/signedCorpus.js";

const vectors = signedVectors();

test("the vectors are all there", () => {
  const kinds = vectors.map((v) => v.kind);
  assert.equal(kinds.filter((k) => k === "sgn").length, 10);
  assert.equal(kinds.filter((k) => k === "enc").length, 9);
  assert.equal(kinds.filter((k) => k === "itl").length, 3);
});

for (const v of vectors) {
  test(`inspect ${v.file} reads what the peer's parser read`, () => {
    const expected = parsedText(peerFile(`${v.file}.parsed.txt`).toString("utf8"));
    const got = coreWith().files.inspect(peerFile(v.file));
    assertInspectMatches(got, expected);
    assert.equal(got.headerLength, headerLengthOf(peerFile(v.file)));
    assert.equal(got.unknownTags, 0);
    if (v.kind === "enc") {
      assert.equal(got.encryption!.keySize, got.encryption!.keyLength * 8);
      assert.ok(got.encryption!.padding >= 1 && got.encryption!.padding <= 16);
    }
    // The peer could check a trust list by itself; so must inspect.
    if (v.kind === "itl") assert.equal(got.signature, expected.verdict === "Valid signature" ? "valid" : "not valid");
  });

  if (v.kind === "itl") continue;

  test(`${v.file} verifies under ${v.itl} and is refused by ${v.wrongItl}`, () => {
    const bytes = peerFile(v.file);
    assert.deepEqual(coreWith(v.itl).files.verify(bytes, "config").status, "OK");
    assert.equal(coreWith(v.wrongItl).files.verify(bytes, "config").status, "E_UNKNOWN_SIGNER");
    assert.equal(coreWith().files.verify(bytes, "config").status, "E_NO_TRUST_LIST");
  });

  test(`${v.file} opens to its plaintext`, () => {
    const bytes = peerFile(v.file);
    const plain = coreWith(v.itl, v.device).files.open(bytes);
    if (v.plain) assert.ok(plain.equals(peerFile(`plain/${v.plain}`)), `plaintext of ${v.file} differs from plain/${v.plain}`);
    else assert.ok(plain.equals(bytes.subarray(headerLengthOf(bytes))));
  });
}

test("every chunk size from 1 byte to 64 KiB gives the same result for every vector", () => {
  for (const v of vectors) {
    const core = coreWith(v.itl ?? undefined, v.device);
    const bytes = peerFile(v.file);
    const mode = modeFor(v.kind);
    const reference = core.files.run(mode, bytes, bytes.length);
    assert.equal(reference.verdict.status, "OK", v.file);
    for (const chunk of [1, 7, 512, 1428, 65536]) {
      const r = core.files.run(mode, bytes, chunk);
      assert.equal(r.verdict.status, reference.verdict.status, `${v.file} in ${chunk}-byte chunks`);
      assert.ok(r.output.equals(reference.output), `${v.file} output in ${chunk}-byte chunks`);
      assert.deepEqual(r.header, reference.header, `${v.file} header in ${chunk}-byte chunks`);
      assert.equal(r.recordCount, reference.recordCount);
    }
  }
});

test("the streaming open yields provisional plaintext as the 95 KiB config arrives, then the verdict", async () => {
  const v = vectors.find((x) => x.file.startsWith("enc/big/"))!;
  const core = coreWith(v.itl, v.device);
  const bytes = peerFile(v.file);
  async function* arrive() {
    for (let off = 0; off < bytes.length; off += 1428) yield bytes.subarray(off, off + 1428);
  }
  const pieces: Uint8Array[] = [];
  let verified = false;
  for await (const event of core.files.openStream(arrive())) {
    if ("provisional" in event) {
      assert.equal(verified, false);
      pieces.push(event.provisional);
    } else verified = event.verified;
  }
  assert.equal(verified, true);
  assert.ok(pieces.length > 10, "plaintext came out while the file streamed");
  assert.ok(Buffer.concat(pieces).equals(peerFile("plain/big.cnf.xml")));
});

test("config mode refuses a trust list and trust-list modes refuse a config", () => {
  const core = coreWith(vectors.find((v) => v.kind === "sgn")!.itl);
  assert.equal(core.files.run(FileMode.config, peerFile("itl/ITLFile-sha512.tlv")).verdict.status, "E_NOT_SIGNED_FILE");
  assert.equal(core.files.run(FileMode.trustCheck, peerFile("sgn/SoftKeys.xml.sgn")).verdict.status, "E_NOT_TRUST_LIST");
  assert.equal(core.files.installTrustList(peerFile("sgn/SoftKeys.xml.sgn")).installed, false);
});

test("a second session on the same core ends the first one", () => {
  const core = coreWith();
  const first = core.files.session(FileMode.inspect);
  first.push(peerFile("sgn/SoftKeys.xml.sgn").subarray(0, 100));
  const second = core.files.session(FileMode.inspect);
  assert.throws(() => first.push(peerFile("sgn/SoftKeys.xml.sgn").subarray(100)), /another session/);
  second.push(peerFile("sgn/SoftKeys.xml.sgn"));
  assert.ok(second.finish());
  assert.equal(second.header?.filename, "SoftKeys.xml.sgn");
});
