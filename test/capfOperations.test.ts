// CAPF operations as CUCM runs them, on a running lab server: every Certificate Operation
// Status (host/shared/capfStatus.ts) reached by a real session (our phone client, or a raw one
// that misbehaves on purpose) and recorded with its time; a deadline in the past refuses the
// session by name; a generated authentication string; the LSC's validity from the profile,
// recorded, and renewed by scheduling install again. Oracles: node:crypto's X509Certificate
// (validity, MD5 of the DER) and the database as `sql` reads it.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { after, before, test } from "node:test";
import { type CapfClientOptions, runCapfSession } from "../host/phone/capfClient.js";
import { findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { runReadOnlyQuery } from "../host/server/sqlQuery.js";
import { CapfCommand, CapfReason, CapfTag, readStringValue, readU8Value } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, findElement } from "../host/shared/capf/capfMessage.js";
import { CERTIFICATE_OPERATION_STATUS_IDS, type CertificateOperationStatus } from "../host/shared/capfStatus.js";
import { makeCa, makePhoneCertificate } from "./helpers/capfFixtures.js";
import { rawAuthResponse, rawCapfSession, rawMessage, rawReason } from "./helpers/capfRawClient.js";
import { addNamedDevice } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;
const reached = new Set<CertificateOperationStatus>();

before(async () => {
  lab = await labServer(
    {
      enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 },
      short: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048, lscvaliditydays: 30 },
      lsc: { tftpencryptedconfig: true, capfauthmode: "lsc", keysize: 2048 },
      mic: { tftpencryptedconfig: true, capfauthmode: "mic", keysize: 2048 },
    },
    {},
  );
});
after(async () => {
  await lab.close();
});

let counter = 0;
function newDevice(profile = "enc", operation = "install"): string {
  const name = `CSFSTATUS${String(counter++).padStart(3, "0")}`;
  addNamedDevice(lab, name, profile, { operation });
  return name;
}

function client(name: string, extra: Partial<CapfClientOptions> = {}): Promise<Awaited<ReturnType<typeof runCapfSession>>> {
  return runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
    deviceName: name,
    authMode: "null",
    timeoutMs: 8000,
    ...extra,
  });
}

/** The status as `sql` shows it, and as `device show` shows it; both recorded with a time. */
function statusOf(name: string): CertificateOperationStatus {
  const row = runReadOnlyQuery(lab.dir, `select certificateoperationstatus, certificateoperationstatusat from device where name='${name}'`).rows[0];
  const shown = findDevice(lab.db, name)!.certificateOperationStatus;
  assert.equal(typeof row[1], "string", `${name}: the status carries its time`);
  assert.ok(Math.abs(Date.parse(row[1] as string) - Date.now()) < 120_000, `${name}: recorded just now (${row[1]})`);
  if (row[0] !== "operationPending") assert.equal(shown, row[0]);
  reached.add(shown);
  return shown;
}

function rsaSpki(bits: number): Buffer {
  return generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "der" });
}

test("none until something is scheduled; operationPending once it is, with a default deadline 7 days out", () => {
  const name = newDevice("enc", "none");
  assert.equal(findDevice(lab.db, name)!.certificateOperationStatus, "none");
  reached.add("none");
  const d = setCapfOperation(lab.db, name, { operation: "install" });
  assert.equal(statusOf(name), "operationPending");
  const days = (Date.parse(d.capfoperationdeadline!) - Date.now()) / 86_400_000;
  assert.ok(days > 6.99 && days <= 7, `default deadline ${d.capfoperationdeadline}`);
});

test("upgradeSuccess: install records the LSC, its validity from the profile (30 days), and renewal replaces it", async () => {
  const name = newDevice("short");
  const first = await client(name);
  assert.equal(first.outcome, "installed");
  assert.equal(statusOf(name), "upgradeSuccess");
  const cert = new X509Certificate(first.newCertificateDer!);
  const d = findDevice(lab.db, name)!;
  assert.equal(d.lscnotbefore, new Date(cert.validFrom).toISOString());
  assert.equal(d.lscnotafter, new Date(cert.validTo).toISOString());
  const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
  assert.ok(Math.abs(days - 30) < 1.01, `the profile's 30 days, got ${days}`);
  assert.equal(d.capfoperation, "none");
  assert.equal(d.capfoperationdeadline, null);
  // renewal: schedule install again
  setCapfOperation(lab.db, name, { operation: "install" });
  const second = await client(name);
  assert.equal(second.outcome, "installed");
  assert.notDeepEqual(second.newCertificateDer, first.newCertificateDer);
  assert.equal(findDevice(lab.db, name)!.md5hash, createHash("md5").update(second.newCertificateDer!).digest("hex"));
  assert.equal(statusOf(name), "upgradeSuccess");
});

test("fetchSuccess and deleteSuccess", async () => {
  const name = newDevice("enc");
  const installed = await client(name);
  setCapfOperation(lab.db, name, { operation: "fetch" });
  const held = { certDer: installed.newCertificateDer!, privateKey: installed.newPrivateKey! };
  assert.equal((await client(name, { currentCertificate: held })).outcome, "fetched");
  assert.equal(statusOf(name), "fetchSuccess");
  setCapfOperation(lab.db, name, { operation: "delete" });
  assert.equal((await client(name, { currentCertificate: held })).outcome, "deleted");
  assert.equal(statusOf(name), "deleteSuccess");
  assert.equal(findDevice(lab.db, name)!.lscnotafter, null);
});

test("invalidAuthenticationString; a generated string (8 digits) then authenticates", async () => {
  const name = newDevice("enc");
  const d = setCapfOperation(lab.db, name, { operation: "install", authString: "generate" });
  assert.match(d.authenticationstring!, /^[0-9]{8}$/);
  const wrong = d.authenticationstring === "12345678" ? "87654321" : "12345678";
  assert.equal((await client(name, { authMode: "string", authString: wrong })).outcome, "refused");
  assert.equal(statusOf(name), "invalidAuthenticationString");
  assert.equal(findDevice(lab.db, name)!.capfoperation, "install", "a failed session leaves the operation scheduled");
  assert.equal((await client(name, { authMode: "string", authString: d.authenticationstring! })).outcome, "installed");
  assert.equal(statusOf(name), "upgradeSuccess");
});

test("invalidLsc and invalidMic: certificates from issuers the server does not trust", async () => {
  const stranger = makeCa("Stranger CA");
  const lscName = newDevice("lsc");
  const fakeLsc = makePhoneCertificate(lscName, stranger);
  assert.equal((await client(lscName, { authMode: "lsc", currentCertificate: { ...fakeLsc, kind: "lsc" } })).outcome, "refused");
  assert.equal(statusOf(lscName), "invalidLsc");
  const micName = newDevice("mic");
  const fakeMic = makePhoneCertificate(micName, stranger);
  assert.equal((await client(micName, { authMode: "mic", currentCertificate: { ...fakeMic, kind: "mic" } })).outcome, "refused");
  assert.equal(statusOf(micName), "invalidMic");
});

test("keyGenerationFailure: the device sends a key of another size", async () => {
  const name = newDevice("enc");
  const r = await client(name, { generateKey: async () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey });
  assert.equal(r.outcome, "refused");
  assert.equal(statusOf(name), "keyGenerationFailure");
});

test("phoneCommunicationFailure: the device hangs up after its auth response", async () => {
  const name = newDevice("enc");
  await rawCapfSession(lab.server.ports.capf, (command, id) => (command === CapfCommand.authRequest ? rawAuthResponse(name, id) : "close"));
  // The server notices the hang-up after this side has closed: wait (bounded) for the record.
  for (let i = 0; i < 50 && findDevice(lab.db, name)!.certificateOperationStatus === "operationPending"; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(statusOf(name), "phoneCommunicationFailure");
});

test("upgradeFailed, fetchFailed, deleteFailed: the device answers with a failure reason", async () => {
  const cases: Array<[string, number, number, CertificateOperationStatus]> = [
    ["install", CapfCommand.storeCertRequest, CapfCommand.storeCertResponse, "upgradeFailed"],
    ["fetch", CapfCommand.fetchCertRequest, CapfCommand.fetchCertResponse, "fetchFailed"],
    ["delete", CapfCommand.deleteCertRequest, CapfCommand.deleteCertResponse, "deleteFailed"],
  ];
  for (const [operation, request, response, status] of cases) {
    const name = newDevice("enc", operation);
    await rawCapfSession(lab.server.ports.capf, (command, id) => {
      if (command === CapfCommand.authRequest) return rawAuthResponse(name, id);
      if (command === CapfCommand.keyGenRequest) return rawMessage(CapfCommand.keyGenResponse, id, [{ tag: CapfTag.publicKey, value: rsaSpki(2048) }]);
      if (command === request) return rawReason(response, id, CapfReason.invalidElement);
      return undefined;
    });
    assert.equal(statusOf(name), status, operation);
  }
});

test("operationTimedOut: a deadline in the past refuses the session by name, even with the right string", async () => {
  const name = newDevice("enc");
  const past = new Date(Date.now() - 60_000).toISOString();
  const d = setCapfOperation(lab.db, name, { operation: "install", authString: "24681357", until: past });
  assert.equal(d.certificateOperationStatus, "operationTimedOut", "shown as timed out before any session");
  const chunks = await rawCapfSession(lab.server.ports.capf, (command, id) =>
    command === CapfCommand.authRequest ? rawAuthResponse(name, id, "24681357") : undefined,
  );
  const end = decodeCapfMessage(chunks.at(-1)!);
  assert.equal(end.command, CapfCommand.endSession);
  assert.equal(readU8Value(findElement(end, CapfTag.reason)!, "reason"), CapfReason.invalidElement);
  assert.equal(readStringValue(findElement(end, CapfTag.reasonInfo)!), "operationTimedOut");
  const row = runReadOnlyQuery(lab.dir, `select certificateoperationstatus, capfoperation, md5hash from device where name='${name}'`).rows[0];
  assert.deepEqual(row, ["operationTimedOut", "install", null], "recorded; the operation stays visible; nothing issued");
  reached.add("operationTimedOut");
  assert.equal((await client(name, { authMode: "string", authString: "24681357" })).outcome, "refused");
});

test("unknownDevice: the name is kept apart (no device row to hold it)", async () => {
  const r = await client("CSFNOBODYHERE");
  assert.equal(r.outcome, "refused");
  assert.equal(r.reason, CapfReason.unknownDevice);
  const row = runReadOnlyQuery(lab.dir, "select name, sessions from capfunknowndevice where name='CSFNOBODYHERE'").rows[0];
  assert.deepEqual(row, ["CSFNOBODYHERE", 1]);
  reached.add("unknownDevice");
});

test("every status in capfStatus.ts was reached by a test above", () => {
  assert.deepEqual([...reached].sort(), [...CERTIFICATE_OPERATION_STATUS_IDS].sort());
});
