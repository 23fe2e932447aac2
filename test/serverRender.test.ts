// Files the server renders, fetched over HTTP and TFTP from a running server and opened
// with our core (verify with the served trust list, decrypt with the phone's key); the
// partial config's certHash before and after a certificate is recorded; admin changes
// taking effect on the running server; a real CAPF enrolment through `startServer`.

import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { after, before, test } from "node:test";
import { newCore } from "../host/core.js";
import { runCapfSession } from "../host/phone/capfClient.js";
import { findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { editProfile } from "../host/server/profileStore.js";
import { runReadOnlyQuery } from "../host/server/sqlQuery.js";
import { createCertificate } from "../host/shared/pki/certificateBuilder.js";
import { enrol, httpFile, type LabServer, labServer, rawHttp, signedBody, tftpFile } from "./helpers/serverFixtures.js";

const ENC = "SEPA45630BBFA40";
const ENC512 = "SEP0A1B2C3D4E5F";
const EC = "SEPEC0000000256";
const PLAIN = "SEP001122334455";
const LATE = "SEP58971ECC97C1";
const CAPF = "SEP0000000A0711";
const MIC = "SEP00000000B0B0";
const AUTH = "SEP0000000A0A0A";

let lab: LabServer;

before(async () => {
  lab = await labServer(
    {
      Encrypted: { tftpencryptedconfig: true },
      "Encrypted SHA-512": { tftpencryptedconfig: true, signinghash: "sha512" },
      Plain: {},
      "Plain later": {},
      Authenticated: { devicesecuritymode: 2 },
    },
    {
      [ENC]: "Encrypted",
      [ENC512]: "Encrypted SHA-512",
      [EC]: "Encrypted",
      [PLAIN]: "Plain",
      [LATE]: "Plain later",
      [CAPF]: "Encrypted",
      [MIC]: "Encrypted",
      [AUTH]: "Authenticated",
    },
  );
});
after(async () => lab.close());

const sha1 = (der: Uint8Array) => createHash("sha1").update(der).digest("hex");

/** A core that trusts what the server's ITL says, as a phone on first boot. */
async function phoneCore(device: string) {
  const core = newCore();
  const itl = await httpFile(lab, `ITL${device}.tlv`);
  assert.ok(itl, "ITLSEP<MAC>.tlv is served");
  const installed = core.files.installTrustList(itl);
  assert.equal(installed.installed, true, JSON.stringify(installed));
  return core;
}

test("ITLFile.tlv and ITLSEP<MAC>.tlv: SAST, ITLRecovery as a second SAST, TFTP as CCM+TFTP and CAPF, signed by the SAST, same over HTTP and TFTP", async () => {
  for (const name of ["ITLFile.tlv", `ITL${ENC}.tlv`]) {
    const viaHttp = await httpFile(lab, name);
    const viaTftp = await tftpFile(lab, name, 512);
    assert.ok(viaHttp && Buffer.isBuffer(viaTftp));
    const core = newCore();
    assert.equal(core.files.installTrustList(viaHttp).installed, true);
    const roles = core.files
      .trustRecords()
      .map((r) => `${r.role}:${r.certificateSha1}`)
      .sort();
    const expected = [
      `SAST:${sha1(lab.pki.sast.certificateDer)}`,
      `SAST:${sha1(lab.pki.itlRecovery!.certificateDer)}`,
      `CCM+TFTP:${sha1(lab.pki.tftp.certificateDer)}`,
      `CAPF:${sha1(lab.pki.capf.certificateDer)}`,
    ].sort();
    assert.deepEqual(roles, expected);
    const inspected = core.files.inspect(viaTftp as Buffer);
    assert.equal(inspected.signature, "valid");
    assert.equal(inspected.hashAlgorithm, "sha1");
    assert.equal(inspected.signer.serial, new X509Certificate(lab.pki.sast.certificateDer).serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ""));
  }
});

test("partial config: verifies with the core, CAPF list names the advertised host and bound CAPF port, certHash empty until a certificate is recorded", async () => {
  const core = await phoneCore(ENC);
  const before = await httpFile(lab, `${ENC}.cnf.xml.sgn`);
  assert.ok(before);
  const xml = core.files.open(before).toString("utf8");
  assert.match(xml, /<fullConfig>false<\/fullConfig>/);
  assert.match(xml, /<certHash><\/certHash>/);
  assert.match(xml, new RegExp(`<phonePort>${lab.server.ports.capf}</phonePort>\\s*<processNodeName>127\\.0\\.0\\.1</processNodeName>`));
  assert.match(xml, /<capfAuthMode>2<\/capfAuthMode>/, "null string = 2 (formats.md §4)");
  assert.doesNotMatch(xml, /authPassword|sshPassword/);
  assert.equal(await httpFile(lab, `${ENC}.cnf.xml.enc.sgn`), null);
  assert.equal(await tftpFile(lab, `${ENC}.cnf.xml.enc.sgn`), 1);
  assert.ok(
    lab.logs.some((l) => l.includes(`${ENC}.cnf.xml.enc.sgn`) && l.includes("no certificate recorded")),
    "the log says why",
  );

  const lsc = enrol(lab, ENC, { rsa: 1024 });
  const after = await tftpFile(lab, `${ENC}.cnf.xml.sgn`);
  assert.ok(Buffer.isBuffer(after));
  assert.match(core.files.open(after).toString("utf8"), new RegExp(`<certHash>${lsc.md5hash}</certHash>`));
  const sql = runReadOnlyQuery(lab.dir, `select md5hash,name from device where name='${ENC}'`);
  assert.deepEqual(sql, { columns: ["md5hash", "name"], rows: [[lsc.md5hash, ENC]] });
});

test("encrypted config: only once a certificate is known, opens with the phone's key, holds the secrets", async () => {
  const lsc = enrol(lab, ENC, { rsa: 1024 });
  const core = await phoneCore(ENC);
  core.files.loadDeviceKey(new Uint8Array(lsc.privateKey.export({ type: "pkcs8", format: "der" })));
  const device = findDevice(lab.db, ENC)!;
  for (const file of [await httpFile(lab, `${ENC}.cnf.xml.enc.sgn`), await tftpFile(lab, `${ENC}.cnf.xml.enc.sgn`, 512)]) {
    assert.ok(Buffer.isBuffer(file));
    assert.equal(file.includes(Buffer.from(device.sippassword)), false, "the secret is not in clear");
    const xml = core.files.open(file).toString("utf8");
    assert.match(xml, /<fullConfig>true<\/fullConfig>/);
    assert.ok(xml.includes(`<authPassword>${device.sippassword}</authPassword>`));
    assert.ok(xml.includes(`<sshPassword>${device.sshpassword}</sshPassword>`));
    assert.match(xml, new RegExp(`<phonePort>${lab.server.ports.capf}</phonePort>`));
  }
  // Another phone's key cannot open it.
  const other = newCore();
  other.files.installTrustList((await httpFile(lab, "ITLFile.tlv"))!);
  const stranger = enrol(lab, PLAIN, { rsa: 1024 });
  other.files.loadDeviceKey(new Uint8Array(stranger.privateKey.export({ type: "pkcs8", format: "der" })));
  const forEnc = (await httpFile(lab, `${ENC}.cnf.xml.enc.sgn`))!;
  assert.throws(() => other.files.open(forEnc));
});

test("SHA-512 profile: signed and encrypted files name SHA-512 and verify", async () => {
  const lsc = enrol(lab, ENC512, { rsa: 1024 });
  const core = await phoneCore(ENC512);
  core.files.loadDeviceKey(new Uint8Array(lsc.privateKey.export({ type: "pkcs8", format: "der" })));
  for (const name of [`ITL${ENC512}.tlv`, `${ENC512}.cnf.xml.sgn`, `${ENC512}.cnf.xml.enc.sgn`]) {
    const file = (await httpFile(lab, name))!;
    assert.equal(core.files.inspect(file).hashAlgorithm, "sha512", name);
  }
  assert.match(core.files.open((await httpFile(lab, `${ENC512}.cnf.xml.enc.sgn`))!).toString("utf8"), /<fullConfig>true/);
  // ITLFile.tlv stays SHA-1 for every phone.
  assert.equal(core.files.inspect((await httpFile(lab, "ITLFile.tlv"))!).hashAlgorithm, "sha1");
});

test("an EC certificate cannot receive an encrypted config: 404 / TFTP error 1 and a log line saying why", async () => {
  const lsc = enrol(lab, EC, { curve: "prime256v1" });
  const core = await phoneCore(EC);
  assert.match(core.files.open((await httpFile(lab, `${EC}.cnf.xml.sgn`))!).toString("utf8"), new RegExp(`<certHash>${lsc.md5hash}</certHash>`));
  assert.equal((await rawHttp(lab.server.ports.http, `/${EC}.cnf.xml.enc.sgn`)).status, 404);
  assert.equal(await tftpFile(lab, `${EC}.cnf.xml.enc.sgn`), 1);
  assert.ok(lab.logs.some((l) => l.includes(`${EC}.cnf.xml.enc.sgn`) && /EC key/.test(l) && /RSA/.test(l)));
});

test("non-secure profile: full config in clear and signed, never encrypted", async () => {
  const device = findDevice(lab.db, LATE)!;
  const clear = (await httpFile(lab, `${LATE}.cnf.xml`))!.toString("utf8");
  assert.match(clear, /<fullConfig>true<\/fullConfig>/);
  assert.ok(clear.includes(device.sippassword));
  const core = await phoneCore(LATE);
  assert.equal(core.files.open((await httpFile(lab, `${LATE}.cnf.xml.sgn`))!).toString("utf8"), clear);
  assert.equal(await httpFile(lab, `${LATE}.cnf.xml.enc.sgn`), null);
});

test("authenticated profile without TFTP Encrypted Config: the full config only signed, never in clear", async () => {
  const core = await phoneCore(AUTH);
  const xml = core.files.open((await httpFile(lab, `${AUTH}.cnf.xml.sgn`))!).toString("utf8");
  assert.match(xml, /<fullConfig>true<\/fullConfig>/);
  assert.match(xml, /<deviceSecurityMode>2<\/deviceSecurityMode>/);
  assert.equal(await httpFile(lab, `${AUTH}.cnf.xml`), null);
  assert.equal(await tftpFile(lab, `${AUTH}.cnf.xml`), 1);
  assert.equal(await httpFile(lab, `${AUTH}.cnf.xml.enc.sgn`), null);
});

test("an admin change takes effect on the running server at once", async () => {
  const device = findDevice(lab.db, LATE)!;
  editProfile(lab.db, "Plain later", { tftpencryptedconfig: true });
  try {
    assert.equal(await httpFile(lab, `${LATE}.cnf.xml`), null);
    assert.equal(await tftpFile(lab, `${LATE}.cnf.xml`), 1);
    const partial = signedBody((await httpFile(lab, `${LATE}.cnf.xml.sgn`))!);
    assert.match(partial, /<fullConfig>false<\/fullConfig>/);
    assert.equal(partial.includes(device.sippassword), false);
    setCapfOperation(lab.db, LATE, { operation: "install", authString: "135790" });
    assert.match(signedBody((await httpFile(lab, `${LATE}.cnf.xml.sgn`))!), /<capfAuthMode>1<\/capfAuthMode>/);
  } finally {
    editProfile(lab.db, "Plain later", { tftpencryptedconfig: false });
  }
});

test("HTTP: HEAD answers like GET without a body; other methods are refused", async () => {
  const head = await rawHttp(lab.server.ports.http, "/ITLFile.tlv", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal((await rawHttp(lab.server.ports.http, "/ITLFile.tlv", "POST")).status, 405);
  assert.equal((await rawHttp(lab.server.ports.http, "/ITLFile.tlv", "PUT")).status, 405);
});

test("CAPF through the running server: install by string, then the database, the partial config and the encrypted config agree", async () => {
  setCapfOperation(lab.db, CAPF, { operation: "install", authString: "24680", keySize: 1024 });
  const capfRecord = lab.pki.capf.certificateDer;
  const wrong = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(capfRecord),
    deviceName: CAPF,
    authMode: "string",
    authString: "11111",
    timeoutMs: 5000,
  });
  assert.equal(wrong.outcome, "refused");
  assert.equal(findDevice(lab.db, CAPF)!.md5hash, null, "nothing recorded after a failed session");

  const result = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(capfRecord),
    deviceName: CAPF,
    authMode: "string",
    authString: "24680",
    timeoutMs: 10000,
  });
  assert.equal(result.outcome, "installed", result.log.join("\n"));
  const md5 = createHash("md5").update(result.newCertificateDer!).digest("hex");
  const sql = runReadOnlyQuery(lab.dir, `select md5hash,name,capfoperation from device where name='${CAPF}'`);
  assert.deepEqual(sql.rows, [[md5, CAPF, "none"]]);
  const core = await phoneCore(CAPF);
  assert.match(core.files.open((await httpFile(lab, `${CAPF}.cnf.xml.sgn`))!).toString("utf8"), new RegExp(`<certHash>${md5}</certHash>`));
  core.files.loadDeviceKey(new Uint8Array(result.newPrivateKey!.export({ type: "pkcs8", format: "der" })));
  assert.match(core.files.open((await httpFile(lab, `${CAPF}.cnf.xml.enc.sgn`))!).toString("utf8"), /<authPassword>/);
});

test("CAPF through the running server: a MIC from the folder's manufacturing CA authenticates a fetch, and its md5hash is recorded", async () => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const micDer = Buffer.from(createCertificate({ subject: [["CN", `CP-7942G-${MIC}`]], publicKey: pair.publicKey, issuer: lab.pki.micCa }));
  setCapfOperation(lab.db, MIC, { operation: "fetch", authMode: "mic" });
  const result = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
    deviceName: MIC,
    authMode: "mic",
    currentCertificate: { certDer: micDer, privateKey: pair.privateKey, kind: "mic" },
    timeoutMs: 10000,
  });
  assert.equal(result.outcome, "fetched", result.log.join("\n"));
  const md5 = createHash("md5").update(micDer).digest("hex");
  assert.deepEqual(runReadOnlyQuery(lab.dir, `select md5hash,capfoperation from device where name='${MIC}'`).rows, [[md5, "none"]]);
  // A MIC from a manufacturer the server does not trust changes nothing.
  const stranger = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const strangeCa = createCertificate({ subject: [["CN", "Other CA"]], publicKey: stranger.publicKey, selfSigningKey: stranger.privateKey, ca: true });
  const strangeMic = Buffer.from(
    createCertificate({ subject: [["CN", MIC]], publicKey: pair.publicKey, issuer: { certificateDer: strangeCa, privateKey: stranger.privateKey } }),
  );
  setCapfOperation(lab.db, MIC, { operation: "fetch", authMode: "mic" });
  const refused = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
    deviceName: MIC,
    authMode: "mic",
    currentCertificate: { certDer: strangeMic, privateKey: pair.privateKey, kind: "mic" },
    timeoutMs: 10000,
  });
  assert.equal(refused.outcome, "refused");
  assert.deepEqual(runReadOnlyQuery(lab.dir, `select md5hash,capfoperation from device where name='${MIC}'`).rows, [[md5, "fetch"]]);
});
