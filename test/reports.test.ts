// The reports on a fixture database: `report lsc` (none / valid / expiring / expired, and
// issuerCurrent false for a certificate from another CAPF), `report capf` (pending, overdue,
// last outcome, unknown names), `report cert-hash` (rows whose md5hash is not their
// certificate's MD5, exit 1) — as text, --json and --csv through the CLI. Oracle: node:crypto.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { capfDeviceStore } from "../host/server/capfDeviceStore.js";
import { openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { addDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { readLabPki } from "../host/server/labPki.js";
import { addProfile } from "../host/server/profileStore.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { makeCa } from "./helpers/capfFixtures.js";
import { cnfguardCli as cnfguard } from "./helpers/cliRun.js";

let tmp: string;
let data: string;
const DAY = 86_400_000;

/** Records a certificate valid from `from` for `days`, issued by `issuer`; returns its DER. */
function record(
  db: ReturnType<typeof openDatabase>,
  name: string,
  issuer: { certificateDer: Uint8Array; privateKey: import("node:crypto").KeyObject },
  from: Date,
  days: number,
): Buffer {
  const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = Buffer.from(createCertificate({ subject: [["CN", name]], publicKey: pair.publicKey, issuer, notBefore: from, days }));
  const md5hash = createHash("md5").update(der).digest("hex");
  capfDeviceStore(db).completeOperation(name, { certificateDer: der, publicKeyDer: pair.publicKey.export({ type: "spki", format: "der" }), md5hash });
  return der;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-reports-"));
  data = join(tmp, "data");
  initDataFolder(data, "127.0.0.1");
  const db = openDatabase(data);
  try {
    addProfile(db, "P", { tftpencryptedconfig: true });
    for (const n of ["SEP000000000001", "SEP000000000002", "SEP000000000003", "SEP000000000004", "CSFOTHERCAPF", "ATA00778DA1C439", "TABBROKEN"])
      addDevice(db, n, { profile: "P" });
    const capf = readLabPki(data).capf;
    const now = Date.now();
    record(db, "SEP000000000002", capf, new Date(now - DAY), 365); // valid
    record(db, "SEP000000000003", capf, new Date(now - DAY), 11); // expiring within 30 days (10 left)
    record(db, "SEP000000000004", capf, new Date(now - 40 * DAY), 30); // expired 10 days ago
    record(db, "CSFOTHERCAPF", makeCa("Previous CAPF"), new Date(now - DAY), 365); // valid, another issuer
    record(db, "TABBROKEN", capf, new Date(now - DAY), 365);
    db.prepare("UPDATE device SET md5hash = '00000000000000000000000000000000' WHERE name = 'TABBROKEN'").run();
    db.prepare("UPDATE device SET md5hash = 'ffffffffffffffffffffffffffffffff' WHERE name = 'SEP000000000001'").run(); // hash, no certificate
    setCapfOperation(db, "ATA00778DA1C439", { operation: "install", until: new Date(now + 3 * DAY).toISOString() });
    setCapfOperation(db, "SEP000000000001", { operation: "fetch", until: new Date(now - DAY).toISOString() });
    capfDeviceStore(db).recordStatus("CSFNOSUCHDEVICE", "unknownDevice");
  } finally {
    db.close();
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("report lsc --json: state and issuerCurrent per device", async () => {
  const r = await cnfguard("report", "lsc", "--days", "30", "--data", data, "--json");
  assert.equal(r.code, 0, r.stderr);
  const rows = Object.fromEntries(
    (JSON.parse(r.stdout) as Array<{ name: string; state: string; issuerCurrent: boolean; daysLeft: number | null }>).map((x) => [x.name, x]),
  );
  assert.deepEqual(Object.fromEntries(Object.entries(rows).map(([n, x]) => [n, [x.state, x.issuerCurrent]])), {
    ATA00778DA1C439: ["none", false],
    CSFOTHERCAPF: ["valid", false],
    SEP000000000001: ["none", false],
    SEP000000000002: ["valid", true],
    SEP000000000003: ["expiring", true],
    SEP000000000004: ["expired", true],
    TABBROKEN: ["valid", true],
  });
  assert.ok(rows.SEP000000000003.daysLeft! >= 9 && rows.SEP000000000003.daysLeft! <= 10);
  assert.ok(rows.SEP000000000004.daysLeft! < 0);
  // a narrower window: the 10-day one is valid
  const narrow = JSON.parse((await cnfguard("report", "lsc", "--days", "5", "--data", data, "--json")).stdout);
  assert.equal(narrow.find((x: { name: string }) => x.name === "SEP000000000003").state, "valid");
});

test("report lsc as text and CSV; bad --days is a usage error", async () => {
  let r = await cnfguard("report", "lsc", "--data", data);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^name +profile +state +notBefore/);
  assert.match(r.stdout, /SEP000000000004 +P +expired/);
  r = await cnfguard("report", "lsc", "--data", data, "--csv");
  const lines = r.stdout.trimEnd().split("\r\n");
  assert.equal(lines[0], "name,profile,state,notBefore,notAfter,daysLeft,issuerCurrent,issuerPrevious,issuer");
  assert.equal(lines.length, 8);
  assert.match(lines.find((l) => l.startsWith("CSFOTHERCAPF,"))!, /,valid,.*,false,"CN=Previous CAPF,O=Lab"$/);
  r = await cnfguard("report", "lsc", "--days", "soon", "--data", data);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--days 'soon'/);
});

test("report capf: pending with deadlines (overdue past it), last outcomes, unknown names", async () => {
  const r = await cnfguard("report", "capf", "--data", data, "--json");
  assert.equal(r.code, 0, r.stderr);
  const rows = Object.fromEntries((JSON.parse(r.stdout) as Array<Record<string, unknown>>).map((x) => [x.name as string, x]));
  assert.equal(rows.ATA00778DA1C439.capfoperation, "install");
  assert.equal(rows.ATA00778DA1C439.overdue, false);
  assert.equal(rows.ATA00778DA1C439.certificateOperationStatus, "operationPending");
  assert.equal(rows.SEP000000000001.overdue, true);
  assert.equal(rows.SEP000000000001.certificateOperationStatus, "operationTimedOut");
  assert.equal(rows.CSFNOSUCHDEVICE.certificateOperationStatus, "unknownDevice");
  assert.equal(rows.CSFNOSUCHDEVICE.sessions, 1);
  assert.equal(rows.SEP000000000002, undefined, "a device with no operation and no outcome is not listed");
  const csv = await cnfguard("report", "capf", "--data", data, "--csv");
  assert.equal(
    csv.stdout.split("\r\n")[0],
    "name,capfoperation,capfoperationdeadline,overdue,certificateOperationStatus,certificateOperationStatusAt,sessions",
  );
});

test("report cert-hash: rows whose md5hash is not their certificate's MD5; exit 1", async () => {
  let r = await cnfguard("report", "cert-hash", "--data", data, "--json");
  assert.equal(r.code, 1);
  assert.deepEqual(
    JSON.parse(r.stdout).map((x: { name: string; problem: string }) => [x.name, x.problem]),
    [
      ["SEP000000000001", "md5hash without certificate"],
      ["TABBROKEN", "mismatch"],
    ],
  );
  r = await cnfguard("report", "cert-hash", "--data", data);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /2 row\(s\) whose md5hash is not their certificate's MD5: schedule a CAPF fetch for each, e\.g\. 'cnfguard device capf SEP[0-9A-F]{12} fetch'/,
  );
  r = await cnfguard("report", "nonsense", "--data", data);
  assert.equal(r.code, 2);
});
