// Device names of every class (deviceNames.ts): what each class accepts and refuses, MAC
// spellings, the ATA's second port, the files each class fetches — and on a running server,
// that every class is served by its exact names only, with today's refusals (traversal,
// name variants, a clear-text config for an encrypted profile) holding for each.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { newCore } from "../host/core.js";
import { databasePath, openDatabase } from "../host/server/database.js";
import { addDevice, findDevice, setDeviceProfile } from "../host/server/deviceStore.js";
import { MIGRATIONS } from "../host/server/schema.js";
import { parseServedName } from "../host/server/servedFileName.js";
import {
  ataPortDeviceName,
  canonicalDeviceName,
  checkDeviceName,
  DEVICE_CLASSES,
  deviceClassOf,
  deviceFileNames,
  isDeviceName,
  macDeviceName,
  normalizeMac,
} from "../host/shared/deviceNames.js";
import { UsageError } from "../host/shared/errors.js";
import { enrol, httpFile, type LabServer, labServer, rawHttp, tftpFile } from "./helpers/serverFixtures.js";

/** One valid name per class, and names each class must refuse. */
const CASES: Record<string, { good: string[]; bad: string[] }> = {
  sep: { good: ["SEPA45630BBFA40", "SEP000000000000"], bad: ["SEPA45630BBFA4", "SEPA45630BBFA400", "SEPA45630BBFA4G", "sepa45630bbfa40", "SEPa45630bbfa40"] },
  ata: { good: ["ATA00778DA1C439", "ATA778DA1C43901"], bad: ["ATA00778DA1C43", "ATA00778DA1C4390", "ATA00778DA1C43Z", "ata00778da1c439"] },
  csf: { good: ["CSFJSMITH", "CSF1", "CSFABCDEFGHIJKL"], bad: ["CSF", "CSFABCDEFGHIJKLM", "CSFJ.SMITH", "CSFJ_SMITH", "csfjsmith", "CSF../X"] },
  bot: { good: ["BOTJSMITH"], bad: ["BOT", "BOTJSMITH/", "botjsmith"] },
  tct: { good: ["TCTJSMITH"], bad: ["TCT", "TCTJ SMITH", "TCT\u0130"] },
  tab: { good: ["TABJSMITH"], bad: ["TAB", "TABJSMITH.cnf"] },
};

test("each class accepts its canonical names and refuses wrong length, alphabet and case", () => {
  for (const c of DEVICE_CLASSES) {
    const { good, bad } = CASES[c.id];
    assert.equal(deviceClassOf(c.example)?.id, c.id, `${c.example} is a ${c.id}`);
    for (const name of good) {
      assert.equal(isDeviceName(name), true, name);
      assert.equal(deviceClassOf(name)?.id, c.id, name);
      assert.equal(checkDeviceName(name), name);
    }
    for (const name of bad) {
      assert.equal(isDeviceName(name), false, name);
      assert.throws(() => checkDeviceName(name), UsageError, name);
    }
  }
  for (const other of ["", "XYZ123", "MACA45630BBFA40", "../SEPA45630BBFA40", "SEPA45630BBFA40\0"])
    assert.equal(isDeviceName(other), false, JSON.stringify(other));
});

test("a name in another case is not canonical; canonicalDeviceName gives the stored spelling", () => {
  assert.equal(canonicalDeviceName("sepa45630bbfa40"), "SEPA45630BBFA40");
  assert.equal(canonicalDeviceName("csfJSmith"), "CSFJSMITH");
  assert.equal(canonicalDeviceName("ata778da1c43901"), "ATA778DA1C43901");
  assert.equal(canonicalDeviceName("csf"), undefined);
  assert.equal(canonicalDeviceName("CSF../../etc"), undefined);
  assert.match(
    (() => {
      try {
        checkDeviceName("csfjsmith");
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })(),
    /did you mean CSFJSMITH\?/,
  );
});

test("MAC spellings normalise to 12 upper-case hex digits; malformed ones are refused", () => {
  for (const spelling of ["a4:56:30:bb:fa:40", "A4-56-30-BB-FA-40", "a456.30bb.fa40", "A45630BBFA40", "SEPA45630BBFA40", "sepa45630bbfa40", " a45630bbfa40 "]) {
    assert.equal(normalizeMac(spelling), "A45630BBFA40", spelling);
  }
  for (const bad of ["a4:56:30:bb:fa", "a4:56:30:bb:fa:4g", "a45:630:bbf:a40", "a4:56-30:bb:fa:40x", "CSFA45630BBFA40", ""])
    assert.equal(normalizeMac(bad), undefined, bad);
  assert.equal(macDeviceName("a4:56:30:bb:fa:40"), "SEPA45630BBFA40");
  assert.equal(macDeviceName("00:77:8d:a1:c4:39", "ata"), "ATA00778DA1C439");
  assert.throws(() => macDeviceName("nope"), UsageError);
});

test("ATA 191/192: port 1 is ATA + MAC, port 2 is the MAC shifted left one octet with 01 appended", () => {
  assert.equal(ataPortDeviceName("00:77:8D:A1:C4:39", 1), "ATA00778DA1C439");
  assert.equal(ataPortDeviceName("00:77:8D:A1:C4:39", 2), "ATA778DA1C43901");
  const port2 = ataPortDeviceName("a4:56:30:bb:fa:40", 2);
  assert.equal(port2, `ATA${"A45630BBFA40".slice(2)}01`);
  assert.equal(deviceClassOf(port2)?.id, "ata");
});

test("the files each class fetches", () => {
  for (const c of DEVICE_CLASSES) {
    const f = deviceFileNames(c.example);
    assert.deepEqual(f, {
      trustList: `ITL${c.example}.tlv`,
      config: `${c.example}.cnf.xml`,
      signedConfig: `${c.example}.cnf.xml.sgn`,
      encryptedConfig: `${c.example}.cnf.xml.enc.sgn`,
    });
    assert.deepEqual(parseServedName(f.trustList), { kind: "deviceTrustList", device: c.example });
    assert.deepEqual(parseServedName(f.signedConfig), { kind: "signedConfig", device: c.example });
    assert.deepEqual(parseServedName(f.encryptedConfig), { kind: "encryptedConfig", device: c.example });
    assert.deepEqual(parseServedName(f.config), { kind: "plainConfig", device: c.example });
    // variants of the same names are no file here
    for (const variant of [
      f.signedConfig.toLowerCase(),
      `./${f.signedConfig}`,
      `../${f.signedConfig}`,
      `${f.signedConfig}.`,
      `${f.encryptedConfig.replace(".enc", ".ENC")}`,
      `${c.example}%2Ecnf.xml`,
    ]) {
      assert.equal(parseServedName(variant), null, variant);
    }
  }
});

// On a running server: one device per class on an encrypted profile, and one per class on a
// non-secure profile; a profile may be assigned to a device of any class.
const ENCRYPTED = DEVICE_CLASSES.map((c) => c.example);
const PLAIN = ["SEP00112233AA01", "ATA778DA1C43901", "CSFPLAIN", "BOTPLAIN", "TCTPLAIN", "TABPLAIN"];
let lab: LabServer;

before(async () => {
  lab = await labServer(
    { Encrypted: { tftpencryptedconfig: true }, Plain: {} },
    Object.fromEntries([...ENCRYPTED.map((n) => [n, "Encrypted"]), ...PLAIN.map((n) => [n, "Plain"])]),
  );
});
after(async () => lab.close());

test("every class: its trust list verifies, and its encrypted config decrypts with its key (HTTP and TFTP)", async () => {
  for (const name of ENCRYPTED) {
    const phone = enrol(lab, name, { rsa: 1024 });
    const files = deviceFileNames(name);
    for (const fetch of [(n: string) => httpFile(lab, n), async (n: string) => tftpFile(lab, n, 512)]) {
      const itl = await fetch(files.trustList);
      const enc = await fetch(files.encryptedConfig);
      assert.ok(Buffer.isBuffer(itl) && Buffer.isBuffer(enc), `${name}: files served`);
      const core = newCore();
      assert.equal(core.files.installTrustList(itl).installed, true);
      core.files.loadDeviceKey(new Uint8Array(phone.privateKey.export({ type: "pkcs8", format: "der" })));
      assert.match(core.files.open(enc).toString("utf8"), /<fullConfig>true/, `${name}: the verified, decrypted full config`);
    }
  }
});

test("every class on an encrypted profile: no clear-text config; on a non-secure profile: the clear config", async () => {
  for (const name of ENCRYPTED) {
    assert.equal(await httpFile(lab, deviceFileNames(name).config), null, `${name}.cnf.xml must not be served in clear`);
    assert.equal(await tftpFile(lab, deviceFileNames(name).config), 1);
  }
  for (const name of PLAIN) {
    const body = await httpFile(lab, deviceFileNames(name).config);
    assert.ok(body, `${name}.cnf.xml is served for a non-secure profile`);
    assert.match(body.toString("utf8"), /<device/);
  }
});

test("every class: traversal and name variants are refused over HTTP and TFTP", async () => {
  for (const name of [...ENCRYPTED, ...PLAIN]) {
    const signed = deviceFileNames(name).signedConfig;
    assert.ok(await httpFile(lab, signed), `${signed} served`);
    for (const variant of [
      signed.toLowerCase(),
      `../${signed}`,
      `x/../${signed}`,
      `${signed}%00`,
      `%2e%2e/${signed}`,
      signed.replace(name, name.toLowerCase()),
    ]) {
      assert.notEqual((await rawHttp(lab.server.ports.http, `/${variant}`)).status, 200, variant);
      assert.equal(typeof (await tftpFile(lab, variant)), "number", variant);
    }
  }
});

test("device add refuses a name of no class and says how names look; accepts a profile for any class", () => {
  assert.throws(() => addDevice(lab.db, "PHONE1", { profile: "Plain" }), /SEP followed by.*ATA followed by.*CSF.*BOT.*TCT.*TAB/s);
  assert.throws(() => addDevice(lab.db, "ATA12", { profile: "Plain" }), /use ATA followed by the adapter.s MAC/);
  assert.throws(() => addDevice(lab.db, "csfsomeone", { profile: "Plain" }), /did you mean CSFSOMEONE/);
  const added = addDevice(lab.db, "TCTSOMEONE", { profile: "Encrypted" });
  assert.equal(added.profile.name, "Encrypted");
  assert.equal(findDevice(lab.db, "TCTSOMEONE")?.name, "TCTSOMEONE");
  // an existing device is found by the name typed in any case, as CUCM's Find and List Phones does
  assert.equal(setDeviceProfile(lab.db, "tctsomeone", "Plain").profile.name, "Plain");
});

test("the device-name schema step: a version-1 database keeps its SEP devices and then takes every class; the table refuses other names", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-names-"));
  try {
    const v1 = new Database(databasePath(dir));
    v1.exec(MIGRATIONS[0]);
    v1.exec("INSERT INTO phonesecurityprofile (name, keysize) VALUES ('P', 2048)");
    v1.exec(
      "INSERT INTO device (name, fkphonesecurityprofile, directorynumber, sipauthname, sippassword, sshpassword) VALUES ('SEPA45630BBFA40', 1, '1001', '1001', 'x', 'y')",
    );
    v1.pragma("user_version = 1");
    v1.close();
    const db = openDatabase(dir);
    try {
      assert.equal(findDevice(db, "SEPA45630BBFA40")?.directorynumber, "1001");
      assert.equal(addDevice(db, "ATA778DA1C43901", { profile: "P" }).name, "ATA778DA1C43901");
      assert.equal(addDevice(db, "CSFJSMITH", { profile: "P" }).name, "CSFJSMITH");
      // the rebuilt table keeps logging its changes for the build layer (changelog triggers)
      const logged = db.prepare("SELECT count(*) AS n FROM changelog WHERE subject = 'device' AND key = 'CSFJSMITH'").get() as { n: number };
      assert.equal(logged.n, 1);
      const raw = db.prepare(
        "INSERT INTO device (name, fkphonesecurityprofile, directorynumber, sipauthname, sippassword, sshpassword) VALUES (?, 1, '1', '1', 'x', 'y')",
      );
      for (const bad of ["XYZABC", "csfjsmith", "CSF../X", "CSFABCDEFGHIJKLM"]) assert.throws(() => raw.run(bad), /CHECK constraint failed/, bad);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
