// `device import --from-capfd FILE --profile NAME` from a capfd database this test builds with
// better-sqlite3 (the table as capfd creates it): devices, operations, authentication modes, keys
// and certificates (PEM as a BLOB, and as text) arrive with md5hash = MD5 of the certificate DER
// (node:crypto); an unreadable row is named and nothing is imported.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { findDevice, listDevices } from "../host/server/deviceStore.js";
import { addProfile } from "../host/server/profileStore.js";
import { certificatePem, createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { makeCa } from "./helpers/capfFixtures.js";
import { cnfguardCli as cnfguard } from "./helpers/cliRun.js";

let tmp: string;
let data: string;
const capfdCa = makeCa("capfd CAPF");

const CAPFD_TABLE = `CREATE TABLE devices (device_name TEXT PRIMARY KEY, operation TEXT NOT NULL, authentication TEXT, password TEXT,
  key_size INTEGER, curve_name TEXT, certificate TEXT, serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT)`;

function lsc(name: string): Buffer {
  const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
  return Buffer.from(createCertificate({ subject: [["CN", name]], publicKey: pair.publicKey, issuer: capfdCa, days: 365 }));
}

type CapfdRow = [string, string, string | null, string | null, number | null, string | null, Buffer | string | null];

function capfdDb(rows: CapfdRow[]): string {
  const file = join(mkdtempSync(join(tmp, "capfd-")), "capfd.db");
  const db = new Database(file);
  db.exec(CAPFD_TABLE);
  const insert = db.prepare(
    "INSERT INTO devices (device_name, operation, authentication, password, key_size, curve_name, certificate) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  for (const r of rows) insert.run(...r);
  db.close();
  return file;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-capfd-"));
  data = join(tmp, "data");
  initDataFolder(data, "127.0.0.1");
  const db = openDatabase(data);
  addProfile(db, "Imported", { tftpencryptedconfig: true });
  db.close();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("a capfd database imports whole: operations, modes, keys, certificates (BLOB and text) with the phones' md5hash", async () => {
  const blobCert = lsc("SEP001122334455");
  const textCert = lsc("CSFJDOE");
  const file = capfdDb([
    ["SEP001122334455", "none", "certificate", null, 2048, null, Buffer.from(certificatePem(blobCert), "latin1")],
    ["CSFJDOE", "fetch", "no password", null, null, null, certificatePem(textCert)],
    ["ATA00778DA1C439", "install", "password", "13579", 2048, null, null],
    ["SEPAABBCCDDEEFF", "install", "no password", null, null, "secp384r1", null],
  ]);
  const r = await cnfguard("device", "import", "--from-capfd", file, "--profile", "Imported", "--data", data, "--json");
  assert.equal(r.code, 0, r.stderr);
  const db = openDatabase(data);
  try {
    const sep = findDevice(db, "SEP001122334455")!;
    assert.equal(sep.md5hash, createHash("md5").update(blobCert).digest("hex"));
    assert.deepEqual(Buffer.from(sep.certificate!), blobCert);
    assert.deepEqual([sep.capfoperation, sep.capfauthmode, sep.keysize], ["none", "lsc", 2048]);
    assert.equal(sep.lscnotafter, new Date(new X509Certificate(blobCert).validTo).toISOString());
    const csf = findDevice(db, "CSFJDOE")!;
    assert.equal(csf.md5hash, createHash("md5").update(textCert).digest("hex"));
    assert.deepEqual([csf.capfoperation, csf.capfauthmode, csf.certificateOperationStatus], ["fetch", "null", "operationPending"]);
    const ata = findDevice(db, "ATA00778DA1C439")!;
    assert.deepEqual([ata.capfoperation, ata.capfauthmode, ata.authenticationstring, ata.md5hash], ["install", "string", "13579", null]);
    assert.equal(findDevice(db, "SEPAABBCCDDEEFF")!.keycurve, "secp384r1");
    assert.equal(sep.profile.name, "Imported");
  } finally {
    db.close();
  }
});

test("an unreadable row is named and nothing is imported", async () => {
  const before = (() => {
    const db = openDatabase(data);
    try {
      return listDevices(db).length;
    } finally {
      db.close();
    }
  })();
  const cases: Array<[CapfdRow, RegExp]> = [
    [
      ["SEP0A0A0A0A0A0A", "install", "no password", null, null, null, Buffer.from("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")],
      /row 2 \(SEP0A0A0A0A0A0A\): certificate is not a PEM certificate/,
    ],
    [["PHONE-1", "install", "no password", null, null, null, null], /row 2 \(PHONE-1\): device name 'PHONE-1'/],
    [["SEP0B0B0B0B0B0B", "reinstall", "no password", null, null, null, null], /row 2 \(SEP0B0B0B0B0B0B\): operation 'reinstall'/],
    [["SEP0C0C0C0C0C0C", "install", "password", "12ab", null, null, null], /row 2 \(SEP0C0C0C0C0C0C\): password is not 4–16 digits/],
    [["SEP0D0D0D0D0D0D", "install", "no password", null, 1000, null, null], /row 2 \(SEP0D0D0D0D0D0D\): --key-size 1000/],
  ];
  for (const [bad, message] of cases) {
    const file = capfdDb([["SEP0F0F0F0F0F0F", "none", "no password", null, null, null, null], bad]);
    const r = await cnfguard("device", "import", "--from-capfd", file, "--profile", "Imported", "--data", data);
    assert.equal(r.code, 1, `${message}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /nothing was imported/);
  }
  const db = openDatabase(data);
  try {
    assert.equal(listDevices(db).length, before, "no device was added");
    assert.equal(findDevice(db, "SEP0F0F0F0F0F0F"), undefined);
  } finally {
    db.close();
  }
  const notCapfd = join(tmp, "data", "cnfguard.db");
  const r = await cnfguard("device", "import", "--from-capfd", notCapfd, "--profile", "Imported", "--data", data);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /no capfd devices table/);
});
