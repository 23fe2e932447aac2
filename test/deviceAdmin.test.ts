// Device administration through the CLI on a fixture data folder: show, list, edit every field
// add sets, capf --until and --auth-string generate (printed once), export --certificate (PEM
// equal to the recorded DER), delete (its files stop being served at once), `sql` seeing the
// status column; exit codes 0/1/2.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { capfDeviceStore } from "../host/server/capfDeviceStore.js";
import { openDatabase } from "../host/server/database.js";
import { renderFile } from "../host/server/fileRenderer.js";
import { readLabPki } from "../host/server/labPki.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { cnfguardCli as cnfguard } from "./helpers/cliRun.js";
import { ENGINES } from "./helpers/engines.js";

let tmp: string;
let data: string;

/** Records a certificate for `name` as a finished CAPF install would. */
function recordCertificate(name: string): Buffer {
  const pki = readLabPki(data);
  const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const der = Buffer.from(createCertificate({ subject: [["CN", name]], publicKey: pair.publicKey, issuer: pki.capf, days: 30 }));
  const db = openDatabase(data);
  try {
    const md5hash = createHash("md5").update(der).digest("hex");
    capfDeviceStore(db).completeOperation(name, { certificateDer: der, publicKeyDer: pair.publicKey.export({ type: "spki", format: "der" }), md5hash });
  } finally {
    db.close();
  }
  return der;
}

// The whole suite once per engine: a SQLite folder, then one pointing at a PostgreSQL database.
for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), "cnfguard-devadmin-"));
      data = join(tmp, "data");
      const url = await engine.newDatabaseUrl();
      const database = url === undefined ? [] : ["--database", url];
      const init = await cnfguard("server", "init", "--data", data, ...database);
      assert.equal(init.code, 0, init.stderr);
      assert.equal((await cnfguard("profile", "add", "Enc", "--tftp-encrypted-config", "--data", data)).code, 0);
      assert.equal((await cnfguard("profile", "add", "Plain", "--data", data)).code, 0);
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    test("add, edit every field add sets, show (any case), list --json with certificateOperationStatus", async () => {
      let r = await cnfguard("device", "add", "CSFJSMITH", "--profile", "Plain", "--line", "2001", "--description", "Jabber desk", "--data", data, "--json");
      assert.equal(r.code, 0, r.stderr);
      r = await cnfguard("device", "edit", "csfjsmith", "--profile", "Enc", "--line", "2002", "--description", "Jabber, moved", "--data", data, "--json");
      assert.equal(r.code, 0, r.stderr);
      const [edited] = JSON.parse(r.stdout);
      assert.deepEqual([edited.name, edited.profile, edited.directorynumber, edited.description], ["CSFJSMITH", "Enc", "2002", "Jabber, moved"]);
      r = await cnfguard("device", "edit", "CSFJSMITH", "--data", data);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /say what to change/);
      r = await cnfguard("device", "show", "CSFJSMITH", "--data", data);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^certificateOperationStatus +none$/m);
      r = await cnfguard("device", "list", "--data", data, "--json");
      const listed = JSON.parse(r.stdout).find((d: { name: string }) => d.name === "CSFJSMITH");
      assert.equal(listed.certificateOperationStatus, "none");
      r = await cnfguard("device", "show", "CSFNOSUCH", "--data", data);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no device named CSFNOSUCH/);
    });

    test("capf --auth-string generate: 8 digits printed once; --until sets the deadline; a past --until is refused", async () => {
      await cnfguard("device", "add", "ATA00778DA1C439", "--profile", "Enc", "--data", data);
      let r = await cnfguard(
        "device",
        "capf",
        "ATA00778DA1C439",
        "install",
        "--auth-string",
        "generate",
        "--until",
        "2099-12-24T18:00:00Z",
        "--data",
        data,
        "--json",
      );
      assert.equal(r.code, 0, r.stderr);
      const [scheduled] = JSON.parse(r.stdout);
      assert.match(scheduled.authenticationstring, /^[0-9]{8}$/);
      assert.equal(scheduled.capfoperationdeadline, "2099-12-24T18:00:00.000Z");
      assert.equal(scheduled.certificateOperationStatus, "operationPending");
      r = await cnfguard("device", "show", "ATA00778DA1C439", "--data", data, "--json");
      const [shown] = JSON.parse(r.stdout);
      assert.equal(shown.authenticationstring, "(set)");
      assert.equal(r.stdout.includes(scheduled.authenticationstring), false, "the string is shown once only");
      r = await cnfguard("device", "capf", "ATA00778DA1C439", "install", "--until", "2001-01-01T00:00:00Z", "--data", data);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--until 2001-01-01T00:00:00Z: that time has passed/);
      r = await cnfguard("device", "capf", "ATA00778DA1C439", "install", "--until", "next tuesday", "--data", data);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /ISO 8601/);
      r = await cnfguard("sql", "select certificateoperationstatus, capfoperationdeadline from device where name='ATA00778DA1C439'", "--data", data, "--json");
      assert.deepEqual(JSON.parse(r.stdout), [{ certificateoperationstatus: "operationPending", capfoperationdeadline: "2099-12-24T18:00:00.000Z" }]);
    });

    test("export --certificate: the recorded certificate as PEM (stdout and -o FILE); none recorded exits 1", async () => {
      await cnfguard("device", "add", "TABEXPORT", "--profile", "Enc", "--data", data);
      let r = await cnfguard("device", "export", "TABEXPORT", "--certificate", "--data", data);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no certificate recorded for TABEXPORT: schedule one with 'cnfguard device capf TABEXPORT install'/);
      const der = recordCertificate("TABEXPORT");
      r = await cnfguard("device", "export", "TABEXPORT", "--certificate", "--data", data);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(new X509Certificate(r.stdout).raw, der);
      const file = join(tmp, "tab.pem");
      r = await cnfguard("device", "export", "TABEXPORT", "--certificate", "-o", file, "--data", data);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(new X509Certificate(readFileSync(file)).raw, der);
      r = await cnfguard("device", "show", "TABEXPORT", "--data", data, "--json");
      const [shown] = JSON.parse(r.stdout);
      const cert = new X509Certificate(der);
      assert.deepEqual([shown.lscNotBefore, shown.lscNotAfter], [new Date(cert.validFrom).toISOString(), new Date(cert.validTo).toISOString()]);
      r = await cnfguard("device", "export", "TABEXPORT", "--data", data);
      assert.equal(r.code, 2);
    });

    test("delete: the device's files stop being served at once", async () => {
      await cnfguard("device", "add", "BOTDELETEME", "--profile", "Plain", "--data", data);
      const db = openDatabase(data);
      try {
        const context = { db, pki: readLabPki(data), address: () => ({ host: "127.0.0.1", capfPort: 3804 }) };
        assert.ok(renderFile(context, "BOTDELETEME.cnf.xml").body, "served before");
        const r = await cnfguard("device", "delete", "botdeleteme", "--data", data, "--json");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout)[0].name, "BOTDELETEME");
        for (const file of ["BOTDELETEME.cnf.xml", "BOTDELETEME.cnf.xml.sgn", "ITLBOTDELETEME.tlv"]) assert.equal(renderFile(context, file).body, null, file);
      } finally {
        db.close();
      }
      assert.equal((await cnfguard("device", "delete", "BOTDELETEME", "--data", data)).code, 2);
    });
  });
}
