// Devices beyond SEP phones, end to end on loopback: an ATA 191/192 (both ports' names) and
// Jabber-class softphones enrol through CAPF and boot to a verified encrypted config, over HTTP
// and over TFTP; a softphone that sends its device name first, without waiting for the auth
// request, is served as a phone is; every server message arrives as one whole message per read.
// Oracles: node:crypto (the LSC's issuer signature, MD5 of its DER) and the server's database.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setCapfOperation } from "../host/server/deviceStore.js";
import { CapfCommand, CapfReason, CapfTag, readU8Value } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, findElement } from "../host/shared/capf/capfMessage.js";
import { ataPortDeviceName, deviceFileNames } from "../host/shared/deviceNames.js";
import { rawAuthResponse, rawCapfSession, rawReason } from "./helpers/capfRawClient.js";
import { addNamedDevice, boot, dbRow, md5, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

/** Adds `name` on the encrypted profile with an install scheduled. */
function addDevice(name: string): void {
  addNamedDevice(lab, name, "enc");
}

async function assertBootsEncrypted(t: Parameters<typeof scratchDir>[0], name: string, transport: "http" | "tftp", nameFirst = false) {
  addDevice(name);
  const state = scratchDir(t);
  const r = await boot(lab, "", state, { mac: undefined, name, transport, capfSendsNameFirst: nameFirst });
  assert.equal(r.ok, true, `${name}: ${JSON.stringify(r.failure)}`);
  const lsc = new X509Certificate(readFileSync(join(state, "lsc.pem")));
  assert.ok(lsc.verify(new X509Certificate(Buffer.from(lab.pki.capf.certificateDer)).publicKey), "the LSC is signed by the lab CAPF key");
  assert.match(lsc.subject, new RegExp(`CN=${name}`));
  assert.equal(dbRow(lab, name).md5hash, md5(lsc.raw), "the database's md5hash is the MD5 of the LSC the device holds");
  const xml = readFileSync(join(state, deviceFileNames(name).config), "utf8");
  assert.match(xml, /<fullConfig>true<\/fullConfig>/);
  const steps = r.steps.map((s) => s.file);
  assert.ok(steps.includes(deviceFileNames(name).encryptedConfig), `${name} fetched its own encrypted config: ${steps.join(", ")}`);
}

const ATA_MAC = { http: "00:77:8d:a1:c4:39", tftp: "00:77:8d:a1:c4:3a" };
for (const transport of ["http", "tftp"] as const) {
  test(`ATA 191/192 port 1 and port 2 enrol and boot to a verified encrypted config over ${transport}`, async (t) => {
    await assertBootsEncrypted(t, ataPortDeviceName(ATA_MAC[transport], 1), transport);
    await assertBootsEncrypted(t, ataPortDeviceName(ATA_MAC[transport], 2), transport);
  });

  test(`Jabber-class softphones (CSF, BOT, TCT, TAB) enrol by name and boot over ${transport}`, async (t) => {
    for (const prefix of ["CSF", "BOT", "TCT", "TAB"]) await assertBootsEncrypted(t, `${prefix}${transport.toUpperCase()}USER`, transport);
  });

  test(`a softphone that sends its device name first (no wait for the auth request) is served over ${transport}`, async (t) => {
    await assertBootsEncrypted(t, `CSFFIRST${transport.toUpperCase()}`, transport, true);
  });
}

test("a client that sends its name first and reads each message with one read: every server message is one whole read", async () => {
  const name = "CSFONEREAD";
  addDevice(name);
  setCapfOperation(lab.db, name, { operation: "delete" });
  const chunks = await rawCapfSession(
    lab.server.ports.capf,
    (command, sessionId) =>
      command === CapfCommand.deleteCertRequest ? rawReason(CapfCommand.deleteCertResponse, sessionId, CapfReason.updateCertificate) : undefined,
    rawAuthResponse(name, 0),
  );
  const messages = chunks.map((c) => decodeCapfMessage(c)); // throws unless each chunk is exactly one message
  assert.deepEqual(
    messages.map((m) => m.command),
    [CapfCommand.authRequest, CapfCommand.deleteCertRequest, CapfCommand.endSession],
  );
  assert.equal(readU8Value(findElement(messages[2], CapfTag.reason)!, "reason"), CapfReason.updateCertificate);
  assert.equal(dbRow(lab, name).md5hash, null);
});

test("an early auth response with a session id other than 0 is still refused", async () => {
  const name = "CSFWRONGID";
  addDevice(name);
  const chunks = await rawCapfSession(lab.server.ports.capf, () => undefined, rawAuthResponse(name, 0x1234567));
  const messages = chunks.map((c) => decodeCapfMessage(c));
  const end = messages.at(-1)!;
  assert.equal(end.command, CapfCommand.endSession);
  assert.equal(readU8Value(findElement(end, CapfTag.reason)!, "reason"), CapfReason.invalidElement);
});
