// The trust store in the core: trust on first use, replacement only by a SAST already
// installed (the old list kept otherwise, with the reason), roles and serial lookup,
// CAPF records for pinning, EC records, and the store's capacity. Lists made here are
// written with host/shared/signed (the writer) from the peer's test PKI.

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { test } from "node:test";
import { FileMode } from "../host/core/fileFacet.js";
import { newCore } from "../host/core.js";
import { type Signer, signerFromPem, signFile } from "../host/shared/signed/signedFileWriter.js";
import { type TrustRecord, writeTrustList } from "../host/shared/signed/trustListWriter.js";
import { coreWith, ITL_RESIGNED, ITL_SHA1, ITL_SHA512, peerFile } from "./fuzz/signedCorpus.js";

const pki = (name: string): Signer => signerFromPem(peerFile(`pki/${name}.pem`), name);
const sha1Hex = (der: Uint8Array) => createHash("sha1").update(der).digest("hex");
const FIXED_TIME = 1_795_753_074;

test("an empty store trusts the first self-signed list and says how many records it holds", () => {
  const core = newCore();
  assert.deepEqual(core.files.trustRecords(), []);
  assert.deepEqual(core.files.installTrustList(peerFile(ITL_SHA1)), { installed: true, records: 5 });
  assert.deepEqual(
    core.files.trustRecords().map((r) => r.role),
    ["SAST", "CCM", "TFTP", "CAPF", "TVS"],
  );
});

test("a replacement signed by a SAST the installed list lacks is refused and the old list kept", () => {
  const core = coreWith(ITL_SHA1);
  const before = core.files.trustRecords();
  const r = core.files.installTrustList(peerFile(ITL_RESIGNED));
  assert.equal(r.installed, false);
  assert.equal(!r.installed && r.reason, "E_TRUST_LIST_NOT_KNOWN_SAST");
  assert.deepEqual(core.files.trustRecords(), before);
  // ... although on its own (first use) the same list is fine.
  assert.equal(newCore().files.installTrustList(peerFile(ITL_RESIGNED)).installed, true);
});

test("a replacement signed by an installed SAST replaces the list", () => {
  const core = coreWith(ITL_SHA1);
  assert.deepEqual(core.files.installTrustList(peerFile(ITL_SHA512)), { installed: true, records: 6 });
  assert.deepEqual(
    core.files.trustRecords().map((r) => r.role),
    ["SAST", "SAST", "CCM+TFTP", "CAPF", "APP-SERVER", "TFTP"],
  );
  // The 4096-bit CCM+TFTP key now signs configs; the old TFTP signer no longer does.
  assert.equal(core.files.verify(peerFile("sgn/sha512-rsa4096/SEP001122334455.cnf.xml.sgn"), "config").status, "OK");
  assert.equal(core.files.verify(peerFile("sgn/sha1-rsa2048/SEP001122334455.cnf.xml.sgn"), "config").status, "E_UNKNOWN_SIGNER");
});

test("checking a list leaves the store as it was", () => {
  const core = coreWith(ITL_SHA1);
  const before = core.files.trustRecords();
  assert.equal(core.files.verify(peerFile(ITL_SHA512), "trust-list").status, "OK");
  assert.equal(core.files.verify(peerFile(ITL_RESIGNED), "trust-list").status, "E_TRUST_LIST_NOT_KNOWN_SAST");
  assert.deepEqual(core.files.trustRecords(), before);
});

test("CAPF records are exposed with the SHA-1 of their certificate for pinning", () => {
  const capf = new X509Certificate(peerFile("pki/capf.pem"));
  for (const list of [ITL_SHA1, ITL_SHA512]) {
    const records = coreWith(list).files.capfRecords();
    assert.equal(records.length, 1);
    assert.equal(records[0].certificateSha1, sha1Hex(capf.raw));
    assert.equal(records[0].serial, capf.serialNumber.toLowerCase().replace(/^(00)+/, ""));
    assert.equal(records[0].modulusBytes, 256);
  }
});

test("EC records keep their raw point and are never used to verify a file", () => {
  const records = coreWith(ITL_SHA512)
    .files.trustRecords()
    .filter((r) => r.keyType === "EC");
  assert.deepEqual(
    records.map((r) => r.role),
    ["APP-SERVER", "TFTP"],
  );
  const jwk = new X509Certificate(peerFile("pki/app-ec.pem")).publicKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  for (const r of records) assert.equal(r.ecPoint, point.toString("hex"));
});

function config(signer: Signer): Uint8Array {
  return signFile(Buffer.from("<device/>\n"), { signer, filename: "SEP001122334455.cnf.xml.sgn", timestamp: FIXED_TIME });
}

test("a config signed by a listed certificate without the TFTP role is refused for its role", () => {
  const core = coreWith(ITL_SHA1);
  assert.equal(core.files.verify(config(pki("capf")), "config").status, "E_SIGNER_ROLE");
  assert.equal(core.files.verify(config(pki("sast")), "config").status, "E_SIGNER_ROLE");
  assert.equal(core.files.verify(config(pki("tftp")), "config").status, "OK");
  assert.equal(core.files.verify(config(pki("sast2")), "config").status, "E_UNKNOWN_SIGNER");
});

test("the signer is chosen among all records with its serial: the one holding the needed role", () => {
  const cert = (name: string) => pki(name).certificateDer;
  const records: TrustRecord[] = [
    { role: "CCM", certificateDer: cert("tftp") },
    { role: "CAPF", certificateDer: cert("tftp") },
    { role: "SAST", certificateDer: cert("sast") },
    { role: "SAST", certificateDer: cert("sast2") },
    { role: "CCM+TFTP", certificateDer: cert("tftp") },
  ];
  const list = writeTrustList({ signer: pki("sast2"), records, hash: "sha256", timestamp: FIXED_TIME });
  const core = newCore();
  assert.equal(core.files.installTrustList(list).installed, true);
  assert.equal(core.files.verify(config(pki("tftp")), "config").status, "OK");
  // The second SAST may sign a replacement too.
  const next = writeTrustList({ signer: pki("sast"), records: records.slice(2), timestamp: FIXED_TIME });
  assert.equal(core.files.installTrustList(next).installed, true);
});

test("a trust list not signed by a SAST record of its own is refused", () => {
  // The writer refuses to make such a list, so splice: sast2's header over a body that lists only sast.
  const records: TrustRecord[] = [{ role: "SAST", certificateDer: pki("sast").certificateDer }];
  const good = writeTrustList({ signer: pki("sast"), records, timestamp: FIXED_TIME });
  const lonely = writeTrustList({ signer: pki("sast2"), records: [{ role: "SAST", certificateDer: pki("sast2").certificateDer }], timestamp: FIXED_TIME });
  // Header of a list signed by sast2 with the body of one that only holds sast.
  const header = lonely.subarray(0, (lonely[8] << 8) | lonely[9]);
  const mixed = Buffer.concat([header, good.subarray((good[8] << 8) | good[9])]);
  assert.equal(newCore().files.installTrustList(good).installed, true);
  const r = newCore().files.installTrustList(mixed);
  assert.equal(!r.installed && r.reason, "E_TRUST_LIST_SELF");
});

test("the store holds 32 records of 4096-bit keys and refuses a 33rd", () => {
  const big = pki("tftp4096").certificateDer;
  const make = (n: number) =>
    writeTrustList({
      signer: pki("sast"),
      records: [
        { role: "SAST", certificateDer: pki("sast").certificateDer },
        ...Array.from({ length: n - 1 }, (_, i): TrustRecord => ({ role: i % 2 ? "TFTP" : "CCM", certificateDer: big })),
      ],
      timestamp: FIXED_TIME,
    });
  const core = newCore();
  assert.deepEqual(core.files.installTrustList(make(32)), { installed: true, records: 32 });
  assert.ok(
    core.files
      .trustRecords()
      .slice(1)
      .every((r) => r.modulusBytes === 512),
  );
  const r = core.files.installTrustList(make(33));
  assert.equal(!r.installed && r.reason, "E_TOO_MANY_RECORDS");
  assert.equal(core.files.trustRecords().length, 32);
});

test("clearing the store returns the phone to first use", () => {
  const core = coreWith(ITL_SHA1);
  core.files.clearTrust();
  assert.deepEqual(core.files.trustRecords(), []);
  assert.equal(core.files.verify(peerFile("sgn/SoftKeys.xml.sgn"), "config").status, "E_NO_TRUST_LIST");
  assert.equal(core.files.installTrustList(peerFile(ITL_RESIGNED)).installed, true);
});

test("inspect shows a list's records without installing it", () => {
  const core = coreWith(ITL_SHA1);
  const seen = core.files.inspect(peerFile(ITL_RESIGNED));
  assert.equal(seen.signature, "valid");
  assert.equal(core.files.trustRecords().length, 5);
  assert.equal(core.files.run(FileMode.inspect, peerFile(ITL_RESIGNED)).recordCount, seen.records!.length);
});

test("a signer whose TFTP record holds an EC key cannot sign files", () => {
  // SoftKeys.xml.sgn with its signer serial replaced by app-lab's (EC, TFTP in ITLFile-sha512).
  const bytes = Buffer.from(peerFile("sgn/SoftKeys.xml.sgn"));
  const from = Buffer.from("f6f86bba53c3d75f3bad2f07144e2726", "hex");
  const at = bytes.indexOf(from);
  assert.ok(at > 0 && at < 200, "the serial sits in the signer info");
  Buffer.from("7e5ab69050941e7d33f5bdf8ae092b55", "hex").copy(bytes, at);
  assert.equal(coreWith(ITL_SHA512).files.verify(bytes, "config").status, "E_SIGNER_KEY");
});

test("offerTrustList gives verdict, header and the list's own signing SAST in one session, first use and replacement", () => {
  const sast = new X509Certificate(peerFile("pki/sast.pem"));
  const core = newCore();
  for (const file of [ITL_SHA1, ITL_SHA512]) {
    const sessions = core.files.counters.sessions;
    const r = core.files.offerTrustList(peerFile(file));
    assert.equal(core.files.counters.sessions, sessions + 1, `${file}: one session`);
    assert.equal(r.ok && r.installed, true, `${file}: ${r.status}`);
    assert.equal(r.header?.version, "1.2");
    assert.equal(BigInt(`0x${r.header?.signer.serial}`), BigInt(`0x${sast.serialNumber}`), `${file}: header names the lab SAST`);
    // The signer is a record of the list now installed (not of the list it replaced).
    assert.equal(r.signer?.role, "SAST");
    assert.equal(r.signer?.certificateSha1, sha1Hex(sast.raw));
    assert.ok(core.files.trustRecords().some((rec) => JSON.stringify(rec) === JSON.stringify(r.signer)));
  }
  const refused = newCore().files.offerTrustList(peerFile(ITL_SHA1).subarray(0, 100));
  assert.equal(refused.installed, false);
  assert.equal(refused.signer, undefined);
});
