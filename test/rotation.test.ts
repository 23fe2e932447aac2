// `server rotate sast|tftp|capf` against phones that enrolled before it (issue 12): each phone
// boots after the rotation, on a running server, to a verified encrypted config with its trust
// list replaced — never refused — also after two rotations in a row; a list signed by a key the
// phone does not hold is still refused; LSCs from the previous CAPF certificate authenticate and
// `report lsc` lists them. Oracles: the core (the phone's trust rules), node:crypto (serials,
// issuer signatures), the database, and the CLI's exit codes.
import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { newCore } from "../host/core.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { itlRecoveryPath, type LabPki, readLabPki } from "../host/server/labPki.js";
import { rotatePki } from "../host/server/pkiRotation.js";
import { lscReport } from "../host/server/reports.js";
import { CheckFailedError } from "../host/shared/errors.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { writeTrustList } from "../host/shared/signed/trustListWriter.js";
import { runCli } from "./helpers/cliRun.js";
import { addPhone, alteringFront, boot, dbRow, md5, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { enrol, httpFile, type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 1024 } }, {});
});
after(() => lab.close());

/** A phone enrolled (CAPF install) and booted to its encrypted config before any rotation below. */
async function enrolledPhone(t: { after: (fn: () => void) => void }): Promise<{ mac: string; device: string; state: string }> {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  return { mac, device, state };
}

/** Boots again: the list is replaced (not refused), the config verified and decrypted. */
async function bootsAfterRotation(phone: { mac: string; device: string; state: string }, pki: LabPki): Promise<void> {
  const before = readFileSync(join(phone.state, "ITL.tlv"));
  const r = await boot(lab, phone.mac, phone.state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  const list = r.steps.find((s) => s.step === "trust-list");
  assert.match(list?.outcome ?? "", /^replaced/, `trust list: ${JSON.stringify(list)}`);
  assert.ok(
    r.steps.every((s) => s.ok || s.step === "cert-hash"),
    JSON.stringify(r.steps.filter((s) => !s.ok)),
  );
  const stored = readFileSync(join(phone.state, "ITL.tlv"));
  assert.notDeepEqual(stored, before);
  assert.deepEqual(stored, await httpFile(lab, "ITLFile.tlv"), "the phone keeps the list the server serves now");
  for (const role of ["sast", "tftp", "capf"] as const)
    assert.ok(stored.includes(Buffer.from(pki[role].certificateDer)), `the new list carries the current ${role}`);
  assert.ok(
    r.steps.some((s) => s.step === "encrypted-config" && s.ok),
    "encrypted config verified and decrypted",
  );
  const xml = readFileSync(join(phone.state, `${phone.device}.cnf.xml`), "utf8");
  assert.ok(xml.includes(`<sshPassword>${findDevice(lab.db, phone.device)!.sshpassword}</sshPassword>`));
}

/** The serial (node:crypto's hex) of the certificate that signed `list`, as the core reads it. */
function signerSerial(list: Uint8Array): string {
  const header = newCore().files.offerTrustList(list).header;
  return (header?.signer.serial ?? "").toUpperCase();
}

const serialOf = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).serialNumber.replace(/^0+/, "");

test("init makes the ITLRecovery key and lists it as a second SAST; the SAST signs while it is the first one", async () => {
  const pki = readLabPki(lab.dir);
  assert.ok(pki.itlRecovery, "DIR/pki/itlrecovery.pem");
  const recovery = new X509Certificate(Buffer.from(pki.itlRecovery.certificateDer));
  assert.ok(recovery.checkPrivateKey(pki.itlRecovery.privateKey));
  const list = (await httpFile(lab, "ITLFile.tlv"))!;
  const offer = newCore().files.offerTrustList(list);
  assert.equal(offer.installed, true);
  assert.equal(offer.records, 4);
  assert.ok(list.includes(Buffer.from(pki.itlRecovery.certificateDer)));
  assert.equal(signerSerial(list).replace(/^0+/, ""), serialOf(pki.sast.certificateDer));
});

test("tftp, then capf, then sast rotated (twice each): a phone enrolled before boots after each and after all", async (t) => {
  const early = await enrolledPhone(t); // boots only once, at the end: it skips every intermediate list
  for (const role of ["tftp", "capf", "sast"] as const) {
    const phone = await enrolledPhone(t);
    const before = readLabPki(lab.dir)[role].certificateDer;
    const r = rotatePki(lab.dir, role);
    const pki = readLabPki(lab.dir);
    assert.notDeepEqual(pki[role].certificateDer, before);
    assert.equal(r.previous.serial, new X509Certificate(Buffer.from(before)).serialNumber);
    assert.deepEqual(new X509Certificate(readFileSync(r.retiredFile)).raw, Buffer.from(before), "the replaced certificate is kept");
    await bootsAfterRotation(phone, pki);
    // a second rotation in a row, the phone holding the list of the first
    rotatePki(lab.dir, role);
    await bootsAfterRotation(phone, readLabPki(lab.dir));
  }
  await bootsAfterRotation(early, readLabPki(lab.dir));
  const pki = readLabPki(lab.dir);
  assert.equal(
    signerSerial((await httpFile(lab, "ITLFile.tlv"))!).replace(/^0+/, ""),
    serialOf(pki.itlRecovery!.certificateDer),
    "after a SAST rotation the ITLRecovery key signs",
  );
  assert.equal(pki.retired?.filter((c) => c.role === "sast").length, 2);
});

test("after a SAST rotation a list signed by the new SAST, or by an unknown key, is refused by a phone holding the previous list", async (t) => {
  const phone = await enrolledPhone(t);
  const held = readFileSync(join(phone.state, "ITL.tlv"));
  const pki = readLabPki(lab.dir);
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const stranger = {
    certificateDer: createCertificate({ subject: [["CN", "SAST-stranger"]], publicKey, selfSigningKey: privateKey, ca: true, keyUsage: ["keyCertSign"] }),
    privateKey,
  };
  rotatePki(lab.dir, "sast");
  const rotated = readLabPki(lab.dir);
  for (const signer of [stranger, rotated.sast]) {
    const forged = writeTrustList({
      signer,
      hash: "sha1",
      records: [
        { role: "SAST", certificateDer: signer.certificateDer },
        { role: "CCM+TFTP", certificateDer: pki.tftp.certificateDer },
        { role: "CAPF", certificateDer: pki.capf.certificateDer },
      ],
    });
    const front = await alteringFront(lab, (name, bytes) => (name.startsWith("ITL") ? Buffer.from(forged) : bytes));
    try {
      const r = await boot(lab, phone.mac, phone.state, { httpPort: front.port });
      const list = r.steps.find((s) => s.step === "trust-list");
      assert.match(list?.outcome ?? "", /^refused \(.*SAST.*\); keeping the stored trust list/, JSON.stringify(list));
      assert.deepEqual(readFileSync(join(phone.state, "ITL.tlv")), held, "the stored list is untouched");
    } finally {
      await front.close();
    }
  }
  await bootsAfterRotation(phone, rotated); // the list the server really serves (ITLRecovery-signed) is taken
});

test("after a CAPF rotation an LSC of the previous CAPF certificate authenticates a re-enrolment, and report lsc lists it", async (t) => {
  const phone = await enrolledPhone(t);
  const oldLsc = new X509Certificate(readFileSync(join(phone.state, "lsc.pem")));
  rotatePki(lab.dir, "capf");
  const pki = readLabPki(lab.dir);
  const previousCapf = (pki.retired ?? []).filter((c) => c.role === "capf").map((c) => c.certificateDer);
  const row = () => lscReport(lab.db, pki.capf.certificateDer, { days: 30, previousCapf }).find((x) => x.name === phone.device)!;
  assert.equal(row().issuerCurrent, false);
  assert.equal(row().issuerPrevious, true);
  const cli = await runCli(["report", "lsc", "--data", lab.dir, "--json"]);
  assert.equal(cli.code, 0, cli.stderr);
  const listed = (JSON.parse(cli.stdout) as Array<{ name: string; issuerCurrent: boolean; issuerPrevious: boolean }>).find((x) => x.name === phone.device);
  assert.deepEqual([listed?.issuerCurrent, listed?.issuerPrevious], [false, true]);
  // Re-enrol By Existing Certificate: CAPF (running since before the rotation) now presents the new
  // certificate — the phone pins it from its new list — and accepts the LSC the old one issued.
  // The phone goes to CAPF when certHash differs from its certificate's MD5 (as the phone tests do
  // it: the server records another certificate), then proves itself with the LSC it holds.
  enrol(lab, phone.device);
  setCapfOperation(lab.db, phone.device, { operation: "install", authMode: "lsc" });
  const r = await boot(lab, phone.mac, phone.state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  assert.ok(r.steps.some((s) => s.step === "capf-session" && s.ok));
  const newLsc = new X509Certificate(readFileSync(join(phone.state, "lsc.pem")));
  assert.notEqual(newLsc.serialNumber, oldLsc.serialNumber);
  assert.ok(newLsc.verify(new X509Certificate(Buffer.from(pki.capf.certificateDer)).publicKey), "the new LSC is issued by the new CAPF key");
  assert.equal(dbRow(lab, phone.device).md5hash, md5(newLsc.raw));
  assert.deepEqual([row().issuerCurrent, row().issuerPrevious], [true, false]);
  assert.ok(
    lab.logs.some((l) => /authenticated \(lsc\)/.test(l)),
    "CAPF authenticated the old-CAPF LSC",
  );
});

test("server rotate on the command line; a folder made before ITLRecovery: sast refused with a fix that runs, tftp makes it", async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), "cnfguard-rotate-"));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const data = join(tmp, "data");
  initDataFolder(data, "127.0.0.1");
  unlinkSync(itlRecoveryPath(data)); // as a folder from before this feature
  assert.throws(() => rotatePki(data, "sast"), CheckFailedError);
  const refused = await runCli(["server", "rotate", "sast", "--data", data]);
  assert.equal(refused.code, 1, refused.stderr);
  const fix = /'(cnfguard server init-recovery [^']+)'/.exec(refused.stderr)?.[1];
  assert.ok(fix, refused.stderr);
  const made = await runCli(fix.split(" ").slice(1));
  assert.equal(made.code, 0, made.stderr);
  assert.ok(readLabPki(data).itlRecovery);
  const again = await runCli(["server", "init-recovery", "--data", data, "--json"]);
  assert.equal(JSON.parse(again.stdout).created, false);
  const rotated = await runCli(["server", "rotate", "sast", "--data", data, "--json"]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const result = JSON.parse(rotated.stdout);
  assert.equal(result.trustListSigner.serial, new X509Certificate(Buffer.from(readLabPki(data).itlRecovery!.certificateDer)).serialNumber);
  assert.equal((await runCli(["server", "rotate", "tomcat", "--data", data])).code, 2);
  assert.equal((await runCli(["server", "rotate", "--data", data])).code, 2);
  // an older folder again: rotating tftp makes the ITLRecovery key on the way
  unlinkSync(itlRecoveryPath(data));
  assert.equal(rotatePki(data, "tftp").createdItlRecovery, true);
  assert.ok(readLabPki(data).itlRecovery);
});
