// Both sides of every recorded peer session, over real TLS on 127.0.0.1:
// - our server, fed the recorded phone messages, answers with the recorded commands and elements
//   (byte for byte, except the freshly issued certificate of command 9, checked for what it must be);
// - our client, fed the recorded server messages, sends the recorded messages byte for byte
//   (its key generation replaced by the key the peer's client generated).

import assert from "node:assert/strict";
import crypto, { type KeyObject } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import tls from "node:tls";
import { type CapfClientOptions, runCapfSession } from "../host/phone/capfClient.js";
import type { CapfDevice } from "../host/server/capfService.js";
import { CapfChannel } from "../host/shared/capf/capfChannel.js";
import { readCertificateValue } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, encodeCapfMessage } from "../host/shared/capf/capfMessage.js";
import {
  capfLab,
  capfVectorsDir,
  elementTags,
  MemoryCapfStore,
  md5Hex,
  readPemFile,
  readRecording,
  recordedMd5Hashes,
  withCapfService,
} from "./helpers/capfFixtures.js";

interface RecordedSession {
  /** the device as the peer's server had it configured (absent: unknown device) */
  device?: CapfDevice;
  deviceName: string;
  client: Pick<CapfClientOptions, "authMode" | "authString"> & { currentCertificateFile?: string };
  /** the key the peer's client generated (its issued certificate's key) */
  generatedKeyFile?: string;
  outcome: string;
}

const nullAuth = { authMode: "null" as const };
const install = (name: string, keySize: number, keyFile: string): RecordedSession => ({
  device: { name, operation: "install", authMode: "null", keyType: "rsa", keySize },
  deviceName: name,
  client: nullAuth,
  generatedKeyFile: keyFile,
  outcome: "installed",
});

const sessions: Record<string, RecordedSession> = {
  "install-rsa1024": install("SEP001122334455", 1024, "keys/SEP001122334455.pem"),
  "install-rsa2048": install("SEPA45630BBFA40", 2048, "keys/SEPA45630BBFA40.pem"),
  "install-rsa3072": install("SEP0A1B2C3D4E5F", 3072, "keys/SEP0A1B2C3D4E5F.pem"),
  "install-rsa4096": install("SEP58971ECC97C1", 4096, "keys/SEP58971ECC97C1.pem"),
  "install-ec-p256": {
    device: { name: "SEPEC0000000256", operation: "install", authMode: "null", keyType: "ec", curve: "secp256r1" },
    deviceName: "SEPEC0000000256",
    client: nullAuth,
    generatedKeyFile: "keys/SEPEC0000000256.pem",
    outcome: "installed",
  },
  "install-password": {
    device: { name: "SEP0000000A0711", operation: "install", authMode: "string", authString: "123456", keyType: "rsa", keySize: 2048 },
    deviceName: "SEP0000000A0711",
    client: { authMode: "string", authString: "123456" },
    generatedKeyFile: "keys/SEP0000000A0711.pem",
    outcome: "installed",
  },
  "reinstall-auth-by-lsc": {
    device: { name: "SEP58971ECC97C1", operation: "install", authMode: "lsc", keyType: "rsa", keySize: 2048 },
    deviceName: "SEP58971ECC97C1",
    client: { authMode: "lsc", currentCertificateFile: "old-SEP58971ECC97C1.pem" },
    generatedKeyFile: "new-SEP58971ECC97C1.pem",
    outcome: "installed",
  },
  "none-after-install": {
    device: { name: "SEPA45630BBFA40", operation: "none", authMode: "null", keyType: "rsa", keySize: 2048 },
    deviceName: "SEPA45630BBFA40",
    client: nullAuth,
    outcome: "none",
  },
  "unknown-device": { deviceName: "SEPFFFFFFFFFFFF", client: nullAuth, outcome: "refused" },
  fetch: {
    device: { name: "SEPA45630BBFA40", operation: "fetch", authMode: "null", keyType: "rsa", keySize: 2048 },
    deviceName: "SEPA45630BBFA40",
    client: { ...nullAuth, currentCertificateFile: "keys/SEPA45630BBFA40.pem" },
    outcome: "fetched",
  },
  delete: {
    device: { name: "SEP001122334455", operation: "delete", authMode: "null", keyType: "rsa", keySize: 1024 },
    deviceName: "SEP001122334455",
    client: { ...nullAuth, currentCertificateFile: "keys/SEP001122334455.pem" },
    outcome: "deleted",
  },
};

/** The recorded certificates were issued on 2026-11-27; LSC authentication is checked on that day. */
const recordingDay = () => new Date("2026-11-27T12:00:00Z");
const lab = capfLab();

test("the peer's client output agrees with the outcome each replay expects", () => {
  const words: Record<string, RegExp> = { installed: /^Wrote /, fetched: /^Stored /, deleted: /^Deleted /, none: /^No scheduled/, refused: /^Unknown device/ };
  for (const [name, session] of Object.entries(sessions)) {
    assert.match(readFileSync(resolve(capfVectorsDir, `${name}.out`), "utf8"), words[session.outcome], name);
  }
});

for (const [name, session] of Object.entries(sessions)) {
  test(`server replay: ${name}`, async () => {
    const recording = readRecording(name);
    const sessionId = Buffer.from(recording[0].hex, "hex").readUInt32BE(2);
    const store = new MemoryCapfStore();
    if (session.device) store.add(session.device);
    const replay = async (port: number, logLines: string[]) => {
      const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
      await once(socket, "secureConnect");
      const channel = new CapfChannel(socket);
      let issued: Buffer | undefined;
      let phoneKey: Buffer | undefined;
      for (const m of recording) {
        const recorded = Buffer.from(m.hex, "hex");
        if (m.from === "phone") {
          if (m.command === 4) phoneKey = decodeCapfMessage(recorded).elements[0].value;
          socket.write(recorded);
          continue;
        }
        const ours = encodeCapfMessage(await channel.receive(5000));
        assert.equal(ours[1], m.command, `${name}: command`);
        assert.deepEqual(elementTags(ours), elementTags(recorded), `${name} command ${m.command}: elements`);
        if (m.command === 9) issued = checkIssuedCertificate(ours, session.deviceName, phoneKey!);
        else assert.equal(ours.toString("hex"), m.hex, `${name} command ${m.command}: bytes (log: ${logLines.join(" | ")})`);
      }
      channel.destroy();
      checkRecorded(name, store, issued);
    };
    await withCapfService(store, replay, { nextSessionId: () => sessionId, now: recordingDay });
  });
}

/** Command 9 from our server: an LSC for the phone's key, named after the device, signed by CAPF-lab. */
function checkIssuedCertificate(message: Buffer, deviceName: string, phoneSpki: Buffer): Buffer {
  const { type, der } = readCertificateValue(decodeCapfMessage(message).elements[1].value);
  assert.equal(type, 1);
  const certificate = new crypto.X509Certificate(der);
  assert.ok(certificate.publicKey.export({ type: "spki", format: "der" }).equals(phoneSpki), "the LSC certifies the phone's key");
  assert.match(certificate.subject, new RegExp(`^CN=${deviceName}$`, "m"));
  assert.ok(certificate.verify(new crypto.X509Certificate(lab.certificateDer).publicKey), "signed by the CAPF key");
  assert.equal(certificate.ca, false);
  return der;
}

/** What the store holds after the replay, against the peer's own records. */
function checkRecorded(name: string, store: MemoryCapfStore, issued: Buffer | undefined): void {
  const session = sessions[name];
  const completions = store.completions;
  if (session.outcome === "installed") {
    assert.equal(completions.length, 1);
    const c = completions[0].completion;
    assert.ok("md5hash" in c && c.certificateDer.equals(issued!));
    assert.equal(c.md5hash, md5Hex(issued!));
  } else if (session.outcome === "fetched") {
    const c = completions[0].completion;
    assert.ok("md5hash" in c);
    assert.equal(c.md5hash, recordedMd5Hashes().get(session.deviceName), "md5hash equals the peer's certHash");
  } else if (session.outcome === "deleted") {
    assert.deepEqual(
      completions.map((x) => x.completion),
      [{ deleted: true }],
    );
  } else {
    assert.equal(completions.length, 0);
  }
  if (session.device) assert.equal(store.devices.get(session.deviceName)!.operation, "none");
}

for (const [name, session] of Object.entries(sessions)) {
  test(`client replay: ${name}`, async () => {
    const recording = readRecording(name);
    const sent: Buffer[] = [];
    const server = tls.createServer(
      { key: lab.privateKey.export({ type: "pkcs8", format: "pem" }), cert: new crypto.X509Certificate(lab.certificateDer).toString() },
      async (socket) => {
        const channel = new CapfChannel(socket);
        try {
          for (const m of recording) {
            if (m.from === "capf") socket.write(Buffer.from(m.hex, "hex"));
            else sent.push(encodeCapfMessage(await channel.receive(5000)));
          }
        } catch {
          // the comparison below reports what is missing
        }
        socket.end();
      },
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const current = session.client.currentCertificateFile ? readPemFile(session.client.currentCertificateFile) : undefined;
      const generatedKey = session.generatedKeyFile ? readPemFile(session.generatedKeyFile).privateKey : undefined;
      const result = await runCapfSession({
        host: "127.0.0.1",
        port: (server.address() as { port: number }).port,
        pinnedCertificateDer: lab.certificateDer,
        deviceName: session.deviceName,
        ...session.client,
        currentCertificate: current && { certDer: current.certificateDer, privateKey: current.privateKey! },
        timeoutMs: 5000,
        generateKey: async () => generatedKey as KeyObject,
      });
      const recordedPhone = recording.filter((m) => m.from === "phone");
      assert.deepEqual(
        sent.map((b) => b[1]),
        recordedPhone.map((m) => m.command),
        `${name}: commands`,
      );
      sent.forEach((b, i) => assert.equal(b.toString("hex"), recordedPhone[i].hex, `${name} command ${b[1]}: bytes`));
      assert.equal(result.outcome, session.outcome);
      if (result.outcome === "installed") {
        const stored = recording.find((m) => m.command === 9)!;
        assert.ok(result.newCertificateDer!.equals(readCertificateValue(decodeCapfMessage(Buffer.from(stored.hex, "hex")).elements[1].value).der));
        const expectedHash =
          name === "reinstall-auth-by-lsc" ? md5Hex(readPemFile("new-SEP58971ECC97C1.pem").certificateDer) : recordedMd5Hashes().get(session.deviceName);
        assert.equal(md5Hex(result.newCertificateDer!), expectedHash);
      }
      if (name === "unknown-device") assert.equal(result.reason, 9);
    } finally {
      server.close();
    }
  });
}
