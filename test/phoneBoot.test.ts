// The phone against our server on loopback (flow.md): a new phone through CAPF to its encrypted
// config over HTTP and over TFTP, a phone whose LSC matches, stale hashes (install and fetch),
// delete, EC keys, authentication strings, a second CAPF entry. Oracles: node:crypto (MD5 of the
// certificate DER, the LSC's issuer signature, key/certificate pairing) and the server's database.

import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BootFlow } from "../host/phone/bootFlow.js";
import { findDevice } from "../host/server/deviceStore.js";
import { addPhone, boot, dbRow, md5, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { enrol, type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer(
    {
      enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 },
      ec: { tftpencryptedconfig: true, capfauthmode: "null", keycurve: "secp256r1" },
      lsc: { tftpencryptedconfig: true, capfauthmode: "lsc", keysize: 2048 },
      clear: { tftpencryptedconfig: false },
    },
    {},
  );
});
after(() => lab.close());

function lscOf(state: string): { cert: X509Certificate; keyPem: Buffer } {
  return { cert: new X509Certificate(readFileSync(join(state, "lsc.pem"))), keyPem: readFileSync(join(state, "lsc.key")) };
}

/** The phone's LSC is issued by the lab CAPF, pairs with its key, and its MD5 is the database's md5hash. */
function assertEnrolled(state: string, device: string): string {
  const { cert, keyPem } = lscOf(state);
  assert.ok(cert.verify(new X509Certificate(Buffer.from(lab.pki.capf.certificateDer)).publicKey), "LSC signed by the lab CAPF key");
  assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)), "lsc.key belongs to lsc.pem");
  assert.equal(statSync(join(state, "lsc.key")).mode & 0o777, 0o600);
  const hash = md5(cert.raw);
  assert.equal(dbRow(lab, device).md5hash, hash);
  return hash;
}

/** The stored config is the device's full config: it carries the secrets the database holds. */
function assertFullConfig(state: string, device: string): void {
  const xml = readFileSync(join(state, `${device}.cnf.xml`), "utf8");
  const row = findDevice(lab.db, device)!;
  assert.match(xml, /<fullConfig>true<\/fullConfig>/i);
  assert.ok(xml.includes(`<sshPassword>${row.sshpassword}</sshPassword>`), "the decrypted config holds the device's SSH password");
}

for (const transport of ["http", "tftp"] as const) {
  test(`a new phone (MIC only) over ${transport}: ITL, partial, CAPF install, reset, encrypted config`, async (t) => {
    const mac = nextMac();
    const device = addPhone(lab, mac, "enc");
    const state = scratchDir(t);
    const r = await boot(lab, mac, state, { transport });
    assert.equal(r.ok, true, JSON.stringify(r.failure));
    assert.deepEqual(
      r.steps.map((s) => s.step),
      ["state", "trust-list", "config", "cert-hash", "capf-tls", "capf-session", "reset", "trust-list", "config", "cert-hash", "encrypted-config", "apply"],
    );
    assert.ok(r.steps.filter((s) => s.via).every((s) => s.via === transport));
    assertEnrolled(state, device);
    assertFullConfig(state, device);
  });
}

test("a phone whose LSC matches boots without CAPF", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  const hash = assertEnrolled(state, device);
  const again = await boot(lab, mac, state);
  assert.equal(again.ok, true);
  assert.ok(!again.steps.some((s) => s.step.startsWith("capf")), "no CAPF step");
  assert.equal(assertEnrolled(state, device), hash, "same LSC");
});

test("a stale hash with an install scheduled: CAPF issues a new LSC", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  const first = assertEnrolled(state, device);
  enrol(lab, device, { rsa: 1024 }); // the server now records another certificate
  setInstall(device);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  const second = assertEnrolled(state, device);
  assert.notEqual(second, first);
  assertFullConfig(state, device);
});

test("a stale hash with a fetch scheduled: the server learns the phone's LSC, which stays", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  const lsc = readFileSync(join(state, "lsc.pem"));
  enrol(lab, device, { rsa: 1024 });
  lab.db.prepare("UPDATE device SET capfoperation = 'fetch' WHERE name = ?").run(device);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  assert.ok(r.steps.some((s) => s.step === "capf-session" && /fetched/.test(s.outcome)));
  assert.deepEqual(readFileSync(join(state, "lsc.pem")), lsc);
  assertEnrolled(state, device);
});

test("delete: the phone drops its LSC, the server forgets the hash, and the boot fails by name", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  enrol(lab, device, { rsa: 1024 });
  lab.db.prepare("UPDATE device SET capfoperation = 'delete' WHERE name = ?").run(device);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "capf-no-action");
  assert.ok(r.steps.some((s) => s.step === "capf-session" && /deleted/.test(s.outcome)));
  assert.throws(() => readFileSync(join(state, "lsc.pem")), /ENOENT/);
  assert.equal(dbRow(lab, device).md5hash, null);
});

test("an EC key: the LSC is installed, and no encrypted config can follow (named failure)", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "ec");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, false);
  assert.match(r.failure!.name, /^(encrypted-config-unavailable|ec-key)$/);
  const { cert } = lscOf(state);
  assert.equal(cert.publicKey.asymmetricKeyType, "ec");
  assert.equal(dbRow(lab, device).md5hash, md5(cert.raw));
});

test("by authentication string: without it the phone stops before CAPF and says where to give it", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc", { operation: "install", authString: "123456" });
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "auth-string-needed");
  assert.match(r.failure!.message, /authentication string/i);
  assert.match(r.failure!.message, /--auth-string/);
  assert.ok(!r.steps.some((s) => s.step === "capf-tls"), "CAPF was not contacted");
  assert.equal(dbRow(lab, device).md5hash, null);
});

test("by authentication string: a wrong string is refused, the right one enrols", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc", { operation: "install", authString: "4242" });
  const state = scratchDir(t);
  const wrong = await boot(lab, mac, state, { authString: "9999" });
  assert.equal(wrong.failure?.name, "capf-refused");
  assert.throws(() => readFileSync(join(state, "lsc.pem")), /ENOENT/);
  const asked = await boot(lab, mac, state, { askAuthString: async () => "4242" });
  assert.equal(asked.ok, true, JSON.stringify(asked.failure));
  assertEnrolled(state, device);
});

test("by existing LSC: re-keying proves the current LSC", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  const first = assertEnrolled(state, device);
  lab.db
    .prepare(
      "UPDATE device SET fkphonesecurityprofile = (SELECT pkid FROM phonesecurityprofile WHERE name = 'lsc'), capfoperation = 'install', md5hash = NULL WHERE name = ?",
    )
    .run(device);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  assert.ok(r.steps.some((s) => s.step === "capf-session" && /by lsc/.test(s.check)));
  assert.notEqual(assertEnrolled(state, device), first);
});

test("a full config (no TFTP Encrypted Config) is applied directly", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "clear", { operation: "none" });
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  assert.ok(!r.steps.some((s) => s.step.startsWith("capf")));
  assertFullConfig(state, device);
});

test("a second CAPF entry is used when the first is down", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const flow = new BootFlow({ server: "127.0.0.1", mac, state, httpPort: lab.server.ports.http, transport: "http", capfTimeoutMs: 5000 });
  flow.prepare();
  await flow.loadTrustList();
  const { view } = await flow.fetchSignedConfig();
  const dead = { host: "127.0.0.1", port: await closedPort() };
  const result = await flow.enrol({ ...view, capfList: [dead, ...view.capfList] });
  assert.equal(result.outcome, "installed");
  const tls = flow.steps.filter((s) => s.step === "capf-tls");
  assert.equal(tls.length, 2);
  assert.equal(tls[0].ok, false);
  assert.equal(tls[1].file, `${view.capfList[0].host}:${view.capfList[0].port}`);
  assertEnrolled(state, device);
});

function setInstall(device: string): void {
  lab.db.prepare("UPDATE device SET capfoperation = 'install' WHERE name = ?").run(device);
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const net = await import("node:net");
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
