// CapfService.reload (a `server rotate capf` seen by a running server): TLS handshakes and
// sessions that start after it present and issue with the new CAPF certificate; a session that
// began before it finishes with the key it started with (test/rotation.test.ts covers LSCs of
// the previous certificate authenticating). Oracles: node:crypto (the TLS peer certificate, the
// issuer signature of each LSC) and the wire messages.
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { test } from "node:test";
import tls from "node:tls";
import { type CapfCompletion, type CapfDevice, startCapfService } from "../host/server/capfService.js";
import { createRoleCertificate } from "../host/server/labPki.js";
import { CapfCommand, CapfTag, readCertificateValue, readU8Value } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, findElement } from "../host/shared/capf/capfMessage.js";
import { rawAuthResponse, rawCapfSession, rawMessage, rawReason } from "./helpers/capfRawClient.js";

const DEVICE = "SEPA45630CAFE01";

/** The TLS certificate CAPF presents to a new connection. */
function presented(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(new X509Certificate(raw));
    });
    socket.on("error", reject);
  });
}

/** One install session; `onAuthRequest` runs when the auth request arrives (before the answer). Returns the issued LSC. */
async function install(port: number, key: KeyObject, onAuthRequest = () => {}): Promise<X509Certificate> {
  let lsc: Buffer | undefined;
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  const chunks = await rawCapfSession(port, (command, sessionId) => {
    if (command === CapfCommand.authRequest) {
      onAuthRequest();
      return rawAuthResponse(DEVICE, sessionId);
    }
    if (command === CapfCommand.keyGenRequest) return rawMessage(CapfCommand.keyGenResponse, sessionId, [{ tag: CapfTag.publicKey, value: spki }]);
    if (command === CapfCommand.storeCertRequest) return rawReason(CapfCommand.storeCertResponse, sessionId, 1);
    return undefined;
  });
  for (const chunk of chunks) {
    const m = decodeCapfMessage(chunk);
    if (m.command === CapfCommand.storeCertRequest) lsc = readCertificateValue(findElement(m, CapfTag.certificate)!).der;
    if (m.command === CapfCommand.endSession)
      assert.equal(readU8Value(findElement(m, CapfTag.reason)!, "reason"), 1, "the session ends with update certificate");
  }
  assert.ok(lsc, "an LSC was issued");
  return new X509Certificate(lsc);
}

test("reload: new handshakes and sessions use the new CAPF certificate, a session already running keeps its own", async () => {
  const before = createRoleCertificate("capf", "127.0.0.1");
  const after = createRoleCertificate("capf", "127.0.0.1");
  const device: CapfDevice = { name: DEVICE, operation: "install", authMode: "null", keyType: "rsa", keySize: 1024 };
  const completions: CapfCompletion[] = [];
  const capf = await startCapfService({
    bind: "127.0.0.1",
    port: 0,
    key: before.privateKey,
    cert: Buffer.from(before.certificateDer),
    store: { findDevice: (name) => (name === DEVICE ? { ...device } : undefined), completeOperation: (_, c) => void completions.push(c) },
    sessionTimeoutMs: 5000,
  });
  try {
    const beforeCert = new X509Certificate(Buffer.from(before.certificateDer));
    const afterCert = new X509Certificate(Buffer.from(after.certificateDer));
    assert.equal((await presented(capf.port)).serialNumber, beforeCert.serialNumber);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    // The rotation lands while this session waits for the phone's auth response.
    const oldLsc = await install(capf.port, privateKey, () =>
      capf.reload({ key: after.privateKey, cert: Buffer.from(after.certificateDer), previousCapf: [Buffer.from(before.certificateDer)] }),
    );
    assert.ok(oldLsc.verify(beforeCert.publicKey), "the session that began before the reload issues with the key it began with");
    assert.equal((await presented(capf.port)).serialNumber, afterCert.serialNumber, "a new handshake presents the new certificate");
    const newLsc = await install(capf.port, privateKey);
    assert.ok(newLsc.verify(afterCert.publicKey) && !newLsc.verify(beforeCert.publicKey), "a new session issues with the new key");
    assert.equal(completions.length, 2);
  } finally {
    await capf.close();
  }
});
