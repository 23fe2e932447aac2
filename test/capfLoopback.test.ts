// Our CAPF client against our CAPF server over real TLS on 127.0.0.1, every path of capf.md,
// plus scripted phones and servers that misbehave, and 20 enrolments at once.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { once } from "node:events";
import { test } from "node:test";
import tls from "node:tls";
import { type CapfClientError, type CapfClientOptions, type CapfClientResult, runCapfSession } from "../host/phone/capfClient.js";
import type { CapfDevice, CapfServiceOptions } from "../host/server/capfService.js";
import { CapfChannel } from "../host/shared/capf/capfChannel.js";
import { CapfTag, stringValue, u8Value } from "../host/shared/capf/capfElements.js";
import { type CapfMessage, encodeCapfMessage } from "../host/shared/capf/capfMessage.js";
import { capfLab, MemoryCapfStore, makeCa, makePhoneCertificate, md5Hex, readPemFile, recordedMd5Hashes, withCapfService } from "./helpers/capfFixtures.js";

const lab = capfLab();
const labCertificate = new crypto.X509Certificate(lab.certificateDer);

function device(name: string, more: Partial<CapfDevice> = {}): CapfDevice {
  return { name, operation: "install", authMode: "null", keyType: "rsa", keySize: 1024, ...more };
}

/** Run `body` against a CAPF service on a free port; the service is closed afterwards. */
function withService(store: MemoryCapfStore, body: (port: number, log: string[]) => Promise<void>, extra: Partial<CapfServiceOptions> = {}): Promise<void> {
  return withCapfService(store, body, extra);
}

function enrol(port: number, deviceName: string, more: Partial<CapfClientOptions> = {}): Promise<CapfClientResult> {
  return runCapfSession({ host: "127.0.0.1", port, pinnedCertificateDer: lab.certificateDer, deviceName, authMode: "null", timeoutMs: 5000, ...more });
}

/** An installed result: an LSC from the CAPF key for the returned private key, recorded with its MD5. */
function assertInstalled(result: CapfClientResult, store: MemoryCapfStore, name: string): Buffer {
  assert.equal(result.outcome, "installed", result.log.join(" | "));
  assert.equal(result.reason, 1);
  const certificate = new crypto.X509Certificate(result.newCertificateDer!);
  assert.ok(certificate.verify(labCertificate.publicKey), "issued by the CAPF key");
  assert.ok(certificate.checkIssued(labCertificate));
  assert.match(certificate.subject, new RegExp(`^CN=${name}$`, "m"));
  const spki = (k: crypto.KeyObject) => (k.type === "public" ? k : crypto.createPublicKey(k)).export({ type: "spki", format: "der" });
  assert.ok(spki(certificate.publicKey).equals(spki(result.newPrivateKey!)), "the LSC certifies the phone's new key");
  const last = store.completions.filter((c) => c.name === name).at(-1)!.completion;
  assert.ok("md5hash" in last);
  assert.equal(last.md5hash, crypto.createHash("md5").update(result.newCertificateDer!).digest("hex"));
  assert.ok(last.publicKeyDer.equals(spki(certificate.publicKey)));
  assert.equal(store.devices.get(name)!.operation, "none");
  return result.newCertificateDer!;
}

function assertUnchanged(store: MemoryCapfStore, name: string, operation: CapfDevice["operation"]): void {
  assert.equal(store.completions.length, 0, "nothing recorded");
  assert.equal(store.devices.get(name)!.operation, operation);
}

test("install RSA 2048 (null string)", async () => {
  const store = new MemoryCapfStore().add(device("SEP000000000001", { keySize: 2048 }));
  await withService(store, async (port) => {
    const result = await enrol(port, "SEP000000000001");
    assertInstalled(result, store, "SEP000000000001");
    assert.equal(result.newPrivateKey!.asymmetricKeyDetails!.modulusLength, 2048);
  });
});

test("install EC P-256, the server pinned by the SHA-1 of its certificate", async () => {
  const store = new MemoryCapfStore().add(device("SEP000000000002", { keyType: "ec", curve: "secp256r1", keySize: undefined }));
  await withService(store, async (port) => {
    const sha1 = crypto
      .createHash("sha1")
      .update(lab.certificateDer)
      .digest("hex")
      .replace(/(..)(?!$)/g, "$1:");
    const result = await enrol(port, "SEP000000000002", { pinnedCertificateDer: undefined, pinnedCertificateSha1: sha1 });
    assertInstalled(result, store, "SEP000000000002");
    assert.equal(result.newPrivateKey!.asymmetricKeyDetails!.namedCurve, "prime256v1");
  });
});

test("fetch records the phone's LSC with the peer's md5hash; a phone with none is refused", async () => {
  const name = "SEPA45630BBFA40";
  const lsc = readPemFile("keys/SEPA45630BBFA40.pem");
  const store = new MemoryCapfStore().add(device(name, { operation: "fetch" }));
  await withService(store, async (port) => {
    const empty = await enrol(port, name);
    assert.equal(empty.outcome, "refused");
    assert.equal(empty.reason, 7);
    assertUnchanged(store, name, "fetch");
    const result = await enrol(port, name, { currentCertificate: { certDer: lsc.certificateDer, privateKey: lsc.privateKey! } });
    assert.equal(result.outcome, "fetched");
    const c = store.completions[0].completion;
    assert.ok("md5hash" in c && c.certificateDer.equals(lsc.certificateDer));
    assert.equal(c.md5hash, recordedMd5Hashes().get(name));
  });
});

test("delete clears the certificate once the phone confirms; a phone with none is refused", async () => {
  const name = "SEP001122334455";
  const lsc = readPemFile("keys/SEP001122334455.pem");
  const store = new MemoryCapfStore().add(device(name, { operation: "delete", certificateDer: lsc.certificateDer }));
  await withService(store, async (port) => {
    const empty = await enrol(port, name);
    assert.deepEqual([empty.outcome, empty.reason], ["refused", 7]);
    assertUnchanged(store, name, "delete");
    const result = await enrol(port, name, { currentCertificate: { certDer: lsc.certificateDer, privateKey: lsc.privateKey! } });
    assert.deepEqual([result.outcome, result.reason], ["deleted", 1]);
    assert.deepEqual(store.completions, [{ name, completion: { deleted: true } }]);
    assert.equal(store.devices.get(name)!.certificateDer, undefined);
  });
});

test("none: reason 0 and nothing recorded; unknown device: reason 9", async () => {
  const store = new MemoryCapfStore().add(device("SEP000000000003", { operation: "none" }));
  await withService(store, async (port) => {
    const none = await enrol(port, "SEP000000000003");
    assert.deepEqual([none.outcome, none.reason], ["none", 0]);
    const unknown = await enrol(port, "SEPFFFFFFFFFFFF");
    assert.deepEqual([unknown.outcome, unknown.reason], ["refused", 9]);
    assertUnchanged(store, "SEP000000000003", "none");
  });
});

test("authentication string: a wrong one is refused with nothing changed, the right one installs", async () => {
  const name = "SEP0000000A0711";
  const store = new MemoryCapfStore().add(device(name, { authMode: "string", authString: "123456" }));
  await withService(store, async (port, log) => {
    for (const wrong of ["123457", "12345", "1234567"]) {
      const refused = await enrol(port, name, { authMode: "string", authString: wrong });
      assert.deepEqual([refused.outcome, refused.reason], ["refused", 7]);
      assert.equal(refused.newCertificateDer, undefined);
    }
    assertUnchanged(store, name, "install");
    assert.ok(log.some((l) => /authentication string does not match/.test(l)));
    // A phone configured for null string sends an empty string: refused too.
    assert.equal((await enrol(port, name)).reason, 7);
    assertInstalled(await enrol(port, name, { authMode: "string", authString: "123456" }), store, name);
  });
});

test("the client will not start string authentication without the string", async () => {
  await assert.rejects(
    runCapfSession({ host: "127.0.0.1", port: 1, pinnedCertificateDer: lab.certificateDer, deviceName: "SEP000000000004", authMode: "string" }),
    (e: CapfClientError) => e.kind === "credentials" && /authentication string/.test(e.message),
  );
});

test("LSC authentication: re-key with the LSC the server issued; a foreign or another device's LSC is refused", async () => {
  const name = "SEP000000000005";
  const store = new MemoryCapfStore().add(device(name)).add(device("SEP000000000006", { authMode: "lsc" }));
  await withService(store, async (port) => {
    const first = await enrol(port, name);
    const lsc = assertInstalled(first, store, name);
    const foreignCapf = makeCa("CAPF-lab");
    const foreign = makePhoneCertificate(name, foreignCapf);
    store.devices.set(name, { ...store.devices.get(name)!, authMode: "lsc", operation: "install" });
    const before = store.completions.length;
    const refused = await enrol(port, name, { authMode: "lsc", currentCertificate: foreign });
    assert.deepEqual([refused.outcome, refused.reason], ["refused", 7]);
    const stolen = await enrol(port, "SEP000000000006", { authMode: "lsc", currentCertificate: { certDer: lsc, privateKey: first.newPrivateKey! } });
    assert.deepEqual([stolen.outcome, stolen.reason], ["refused", 7], "an LSC naming another device");
    assert.equal(store.completions.length, before);
    const again = await enrol(port, name, { authMode: "lsc", currentCertificate: { certDer: lsc, privateKey: first.newPrivateKey! } });
    const renewed = assertInstalled(again, store, name);
    assert.ok(!renewed.equals(lsc));
  });
});

test("MIC authentication (RSA with SUDI data, and EC): trusted manufacturer CA only", async () => {
  const micCa = makeCa("Lab Manufacturing CA");
  const rsaName = "SEP000000000007";
  const ecName = "SEP000000000008";
  const store = new MemoryCapfStore().add(device(rsaName, { authMode: "mic" })).add(device(ecName, { authMode: "mic", keyType: "ec", curve: "secp256r1" }));
  await withService(
    store,
    async (port, log) => {
      const untrusted = makePhoneCertificate(`CP-7942G-${rsaName}`, makeCa("Lab Manufacturing CA"));
      const refused = await enrol(port, rsaName, { authMode: "mic", currentCertificate: untrusted });
      assert.deepEqual([refused.outcome, refused.reason], ["refused", 7]);
      assert.equal(store.completions.length, 0);
      const rsaMic = makePhoneCertificate(`CP-7942G-${rsaName}`, micCa, "rsa");
      assertInstalled(await enrol(port, rsaName, { authMode: "mic", currentCertificate: rsaMic }), store, rsaName);
      const ecMic = makePhoneCertificate(`CP-8865-${ecName}`, micCa, "ec");
      assertInstalled(await enrol(port, ecName, { authMode: "mic", currentCertificate: ecMic }), store, ecName);
      assert.ok(log.some((l) => l.includes(`CN=CP-7942G-${rsaName}`)));
    },
    { micIssuers: [micCa.certificateDer] },
  );
});

test("the client refuses a CAPF server whose certificate is not the pinned one", async () => {
  const store = new MemoryCapfStore().add(device("SEP000000000009"));
  await withService(store, async (port) => {
    await assert.rejects(enrol(port, "SEP000000000009", { pinnedCertificateDer: makeCa("CAPF-lab").certificateDer }), (e: CapfClientError) => {
      assert.equal(e.kind, "untrusted-server");
      assert.match(e.message, /not the trust list's CAPF record/);
      return true;
    });
    await assert.rejects(
      enrol(port, "SEP000000000009", { pinnedCertificateDer: undefined, pinnedCertificateSha1: "00".repeat(20) }),
      /not the trust list's CAPF record/,
    );
    assertUnchanged(store, "SEP000000000009", "install");
  });
});

/** A TLS server with the CAPF certificate that plays `script` to each connection. */
async function scriptedServer(script: (socket: tls.TLSSocket) => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: lab.privateKey.export({ type: "pkcs8", format: "pem" }), cert: labCertificate.toString() }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    script(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const authRequest = (sessionId: number) =>
  encodeCapfMessage({
    command: 1,
    sessionId,
    elements: [
      { tag: CapfTag.version, value: u8Value(3) },
      { tag: CapfTag.authType, value: u8Value(0) },
    ],
  });

test("a server that stops answering mid-session: the client times out cleanly", async () => {
  const server = await scriptedServer((socket) => socket.write(authRequest(42)));
  try {
    const started = Date.now();
    await assert.rejects(enrol(server.port, "SEP00000000000A", { timeoutMs: 300 }), (e: CapfClientError) => {
      assert.equal(e.kind, "timeout");
      assert.ok(e.log.some((l) => /session 42/.test(l)));
      return true;
    });
    assert.ok(Date.now() - started < 3000);
  } finally {
    server.close();
  }
});

test("a server that is not there: the client reports a connection failure", async () => {
  const server = await scriptedServer(() => {});
  const port = server.port;
  server.close();
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(enrol(port, "SEP00000000000A", { timeoutMs: 1000 }), (e: CapfClientError) => e.kind === "connect");
});

/** A phone scripted message by message over a raw channel; returns the server's messages. */
async function scriptedPhone(port: number, steps: (channel: CapfChannel, sessionId: number, socket: tls.TLSSocket) => Promise<void>): Promise<CapfMessage[]> {
  const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
  await once(socket, "secureConnect");
  const channel = new CapfChannel(socket);
  const first = await channel.receive(2000);
  const received = [first];
  await steps(channel, first.sessionId, socket);
  try {
    for (;;) received.push(await channel.receive(2000));
  } catch {
    // the server closed after its end session
  }
  channel.destroy();
  return received;
}

function authResponse(sessionId: number, name: string): CapfMessage {
  return {
    command: 2,
    sessionId,
    elements: [
      { tag: CapfTag.reason, value: u8Value(1) },
      { tag: CapfTag.version, value: u8Value(3) },
      { tag: CapfTag.password, value: stringValue("") },
      { tag: CapfTag.deviceName, value: stringValue(name) },
    ],
  };
}

const endReason = (messages: CapfMessage[]) => {
  const end = messages.at(-1)!;
  assert.equal(end.command, 15);
  return end.elements.find((e) => e.tag === CapfTag.reason)!.value[0];
};

test("server: a silent phone is ended with reason 7 after the session timeout", async () => {
  const store = new MemoryCapfStore().add(device("SEP00000000000B"));
  await withService(
    store,
    async (port) => {
      const started = Date.now();
      const messages = await scriptedPhone(port, async () => {});
      assert.deepEqual(
        messages.map((m) => m.command),
        [1, 15],
      );
      assert.equal(endReason(messages), 7);
      assert.ok(Date.now() - started >= 250);
      assertUnchanged(store, "SEP00000000000B", "install");
    },
    { sessionTimeoutMs: 300 },
  );
});

test("server: one 17 at most, a key response needs a public key of the asked size, session ids must match", async () => {
  const name = "SEP00000000000C";
  const store = new MemoryCapfStore().add(device(name));
  const key2048 = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });
  const cases: Array<[string, (id: number) => CapfMessage[]]> = [
    [
      "two 17s",
      (id) => [
        { command: 17, sessionId: id, elements: [] },
        { command: 17, sessionId: id, elements: [] },
      ],
    ],
    ["no public key", (id) => [{ command: 4, sessionId: id, elements: [] }]],
    ["wrong key size", (id) => [{ command: 4, sessionId: id, elements: [{ tag: CapfTag.publicKey, value: key2048 }] }]],
    ["not a key", (id) => [{ command: 4, sessionId: id, elements: [{ tag: CapfTag.publicKey, value: Buffer.from("3003020100", "hex") }] }]],
    ["wrong session id", (id) => [{ command: 17, sessionId: id + 1, elements: [] }]],
  ];
  await withService(store, async (port, log) => {
    for (const [what, replies] of cases) {
      const messages = await scriptedPhone(port, async (channel, id) => {
        channel.send(authResponse(id, name));
        assert.equal((await channel.receive(2000)).command, 3, what);
        for (const reply of replies(id)) channel.send(reply);
      });
      assert.equal(endReason(messages), 7, what);
    }
    assertUnchanged(store, name, "install");
    assert.ok(log.some((l) => /without a public key/.test(l)));
    assert.ok(log.some((l) => /at most one request in progress/.test(l)));
    assert.ok(log.some((l) => /RSA 2048 key, RSA 1024 was asked for/.test(l)));
  });
});

test("server: the LSC is recorded only after the phone confirms the store with reason 1", async () => {
  const name = "SEP00000000000E";
  const store = new MemoryCapfStore().add(device(name));
  const key = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" });
  const upToStore = async (channel: CapfChannel, id: number) => {
    channel.send(authResponse(id, name));
    assert.equal((await channel.receive(2000)).command, 3);
    channel.send({ command: 4, sessionId: id, elements: [{ tag: CapfTag.publicKey, value: key }] });
    assert.equal((await channel.receive(2000)).command, 9);
  };
  await withService(
    store,
    async (port) => {
      const declined = await scriptedPhone(port, async (channel, id) => {
        await upToStore(channel, id);
        channel.send({ command: 10, sessionId: id, elements: [{ tag: CapfTag.reason, value: u8Value(7) }] });
      });
      assert.equal(endReason(declined), 7);
      await scriptedPhone(port, async (channel, id, socket) => {
        await upToStore(channel, id);
        socket.destroy(); // gone before confirming
      });
      await new Promise((r) => setTimeout(r, 100));
      assertUnchanged(store, name, "install");
      const confirmed = await scriptedPhone(port, async (channel, id) => {
        await upToStore(channel, id);
        channel.send({ command: 10, sessionId: id, elements: [{ tag: CapfTag.reason, value: u8Value(1) }] });
      });
      assert.equal(endReason(confirmed), 1);
      assert.equal(store.completions.length, 1);
    },
    { sessionTimeoutMs: 1000 },
  );
});

test("a store that cannot record ends the install with reason 7, and the phone keeps no LSC", async () => {
  const store = new MemoryCapfStore().add(device("SEP000000000010"));
  store.completeOperation = () => {
    throw new Error("database is locked");
  };
  await withService(store, async (port, log) => {
    const result = await enrol(port, "SEP000000000010");
    assert.deepEqual([result.outcome, result.reason], ["refused", 7]);
    assert.equal(result.newCertificateDer, undefined);
    assert.equal(result.newPrivateKey, undefined);
    assert.ok(log.some((l) => /database is locked/.test(l)));
  });
});

test("server: a message trickling in byte by byte is read whole; an unknown tag ends the session with 7", async () => {
  const store = new MemoryCapfStore().add(device("SEP00000000000D", { operation: "none" }));
  await withService(store, async (port) => {
    const ok = await scriptedPhone(port, async (_channel, id, socket) => {
      const bytes = encodeCapfMessage(authResponse(id, "SEP00000000000D"));
      for (const byte of bytes) {
        socket.write(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
    });
    assert.equal(endReason(ok), 0);
    const bad = await scriptedPhone(port, async (_channel, id, socket) => {
      const bytes = encodeCapfMessage(authResponse(id, "SEP00000000000D"));
      bytes[8] = 14; // reason → unknown tag 14
      socket.write(bytes);
    });
    assert.equal(endReason(bad), 7);
  });
});

test("server: garbage, oversized and foreign streams end their own sessions and the service keeps serving", async () => {
  const name = "SEP00000000000F";
  const store = new MemoryCapfStore().add(device(name, { operation: "none" }));
  await withService(store, async (port) => {
    const oversized = Buffer.from("5502000000000000", "hex");
    oversized.writeUInt16BE(0xffff, 6);
    const streams = [crypto.randomBytes(64), Buffer.from("GET / HTTP/1.1\r\n\r\n"), oversized, Buffer.alloc(70000, 0x55)];
    for (const garbage of streams) {
      const messages = await scriptedPhone(port, async (_channel, _id, socket) => void socket.write(garbage));
      assert.equal(endReason(messages), 7);
    }
    assert.equal((await enrol(port, name)).outcome, "none");
  });
});

test("20 concurrent enrolments, every md5hash recorded", async () => {
  const store = new MemoryCapfStore();
  const names = Array.from({ length: 20 }, (_, i) => `SEP1000000000${i.toString(16).toUpperCase().padStart(2, "0")}`);
  names.forEach((name, i) => store.add(i % 2 ? device(name) : device(name, { keyType: "ec", curve: "secp256r1" })));
  await withService(store, async (port) => {
    // 20 TLS handshakes and key generations at once: a loaded 2-core machine needs more than 5 s.
    const results = await Promise.all(names.map((name) => enrol(port, name, { timeoutMs: 30_000 })));
    results.forEach((result, i) => assertInstalled(result, store, names[i]));
    assert.equal(store.completions.length, 20);
    const hashes = new Set(store.completions.map((c) => ("md5hash" in c.completion ? c.completion.md5hash : "")));
    assert.equal(hashes.size, 20);
    for (const [i, result] of results.entries()) {
      const recorded = store.completions.find((c) => c.name === names[i])!.completion;
      assert.ok("md5hash" in recorded && recorded.md5hash === md5Hex(result.newCertificateDer!));
    }
  });
});
