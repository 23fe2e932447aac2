// `device import FILE.csv`: rows recorded with their certificates as CAPF would (md5hash,
// certificate, public key — checked with node:crypto), shared certificate files, scheduled
// CAPF operations; every bad file (column, profile, duplicate, PEM, CAPF operation) refused
// with its line and column and nothing changed; `device list --name --limit --json`.

import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Db, openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { devicesFromCsv } from "../host/server/deviceCsv.js";
import { importDevices } from "../host/server/deviceImport.js";
import { addDevice, findDevice } from "../host/server/deviceStore.js";
import { addProfile } from "../host/server/profileStore.js";
import { certificatePem, createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { cnfguardSync } from "./helpers/cliRun.js";

let dir: string;
let data: string;
let db: Db;
let certDer: Uint8Array;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "cnfguard-import-"));
  data = join(dir, "data");
  initDataFolder(data);
  db = openDatabase(data);
  addProfile(db, "Encrypted", { tftpencryptedconfig: true });
  addDevice(db, "SEP000000000001", { profile: "Encrypted" });
  const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
  certDer = createCertificate({ subject: [["CN", "lab test certificate"]], publicKey: pair.publicKey, selfSigningKey: pair.privateKey });
  writeFileSync(join(dir, "shared.pem"), certificatePem(certDer));
  writeFileSync(join(dir, "broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const count = () => (db.prepare("SELECT count(*) AS n FROM device").get() as { n: number }).n;

function cnfguard(...args: string[]) {
  const r = cnfguardSync([...args, "--data", data], { timeoutMs: 30_000 });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

test("a CSV imports every row: certificates recorded as CAPF would, one file shared, CAPF operations scheduled", () => {
  const file = csv(
    "good.csv",
    [
      "name,profile,line,description,certificate,capf",
      "SEPA00000000001,Encrypted,2001,Reception,shared.pem,none",
      'SEPA00000000002,encrypted,,"Desk, 2nd floor",shared.pem,fetch',
      "SEPA00000000003,Encrypted,,,,install",
      "",
    ].join("\r\n"),
  );
  const summary = importDevices(db, devicesFromCsv(file));
  assert.deepEqual(summary, { imported: 3, withCertificate: 2, capf: { none: 1, install: 1, fetch: 1, delete: 0 } });
  const x509 = new X509Certificate(certDer);
  for (const name of ["SEPA00000000001", "SEPA00000000002"]) {
    const d = findDevice(db, name)!;
    assert.equal(d.md5hash, createHash("md5").update(certDer).digest("hex"));
    assert.deepEqual(Buffer.from(d.certificate!), Buffer.from(certDer));
    assert.deepEqual(Buffer.from(d.publickey!), x509.publicKey.export({ type: "spki", format: "der" }));
  }
  const [one, two, three] = ["SEPA00000000001", "SEPA00000000002", "SEPA00000000003"].map((n) => findDevice(db, n)!);
  assert.equal(one.directorynumber, "2001");
  assert.equal(two.directorynumber, "2002", "the next free number after the file's own");
  assert.equal(two.description, "Desk, 2nd floor");
  assert.equal(two.capfoperation, "fetch");
  assert.equal(three.md5hash, null);
  assert.equal(three.capfoperation, "install");
});

const BAD: Array<[string, string, RegExp]> = [
  ["bad column", "name,profile,lines\nSEPB00000000001,Encrypted,1\n", /line 1, column 3 \('lines'\): unknown column — the columns are name,profile,line/],
  [
    "unknown profile",
    "name,profile\nSEPB00000000001,Encrypted\nSEPB00000000002,Nope\n",
    /line 3, column profile: no profile named 'Nope' — 'cnfguard profile list'/,
  ],
  [
    "duplicate in the file",
    "name,profile\nSEPB00000000001,Encrypted\nSEPB00000000001,Encrypted\n",
    /line 3, column name: SEPB00000000001 is also on .* line 2/,
  ],
  ["duplicate of a device", "name,profile\nSEPB00000000001,Encrypted\nSEP000000000001,Encrypted\n", /line 3, column name: SEP000000000001 already exists/],
  [
    "bad PEM",
    "name,profile,certificate\nSEPB00000000001,Encrypted,shared.pem\nSEPB00000000002,Encrypted,broken.pem\n",
    /line 3, column certificate: broken\.pem is not a PEM or DER certificate/,
  ],
  ["missing PEM", "name,profile,certificate\nSEPB00000000001,Encrypted,none.pem\n", /line 2, column certificate: none\.pem: cannot read \(ENOENT\)/],
  ["bad name", "name,profile\nsepb00000000001,Encrypted\n", /line 2, column name: .*did you mean SEPB00000000001/],
  ["bad CAPF operation", "name,profile,capf\nSEPB00000000001,Encrypted,renew\n", /line 2, column capf: 'renew': use one of none, install, fetch, delete/],
  ["bad line", "name,profile,line\nSEPB00000000001,Encrypted,12a\n", /line 2, column line: '12a': a directory number is 1–24 digits/],
  ["short row", "name,profile,line\nSEPB00000000001,Encrypted\n", /line 2, column 3: 2 fields for 3 columns/],
];

for (const [what, text, message] of BAD) {
  test(`import refuses a ${what}, naming the line and the column, and changes nothing`, () => {
    const before = count();
    const changes = (db.prepare("SELECT max(id) AS id FROM changelog").get() as { id: number }).id;
    const file = csv(`${what.replace(/ /g, "-")}.csv`, text);
    assert.throws(() => importDevices(db, devicesFromCsv(file)), message);
    assert.equal(count(), before);
    assert.equal((db.prepare("SELECT max(id) AS id FROM changelog").get() as { id: number }).id, changes, "no change logged");
  });
}

test("the CLI: exit 2 with the line and column on a bad file; list --name --limit --json", () => {
  const bad = cnfguard("device", "import", csv("cli-bad.csv", "name,profile\nSEPC00000000001,Missing\n"));
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /cli-bad\.csv line 2, column profile: no profile named 'Missing'/);
  const rows = ["name,profile", ...Array.from({ length: 12 }, (_, i) => `SEPD000000000${i.toString(16).toUpperCase().padStart(2, "0")},Encrypted`)];
  const ok = cnfguard("device", "import", csv("cli-good.csv", rows.join("\n")), "--json");
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).imported, 12);
  const listed = cnfguard("device", "list", "--name", "SEPD", "--limit", "5", "--json");
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).map((d: { name: string }) => d.name),
    ["SEPD00000000000", "SEPD00000000001", "SEPD00000000002", "SEPD00000000003", "SEPD00000000004"],
  );
  const glob = cnfguard("device", "list", "--name", "SEPD*0B", "--json");
  assert.deepEqual(
    JSON.parse(glob.stdout).map((d: { name: string }) => d.name),
    ["SEPD0000000000B"],
  );
  assert.equal(cnfguard("device", "list", "--limit", "0").status, 2);
});
