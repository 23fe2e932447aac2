// The no-leak rule: for a device whose profile has TFTP Encrypted Config, no spelling of
// any name — case, paths, encodings, double slashes, backslashes, trailing dots or spaces,
// suffix variants — returns its full config in clear, over HTTP or TFTP. Only the exact
// served names answer at all; everything else is 404 / TFTP error 1 (or a refusal).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { findDevice } from "../host/server/deviceStore.js";
import { encodeRequest } from "../host/shared/tftp/tftpPacket.js";
import { enrol, type LabServer, labServer, rawHttp, tftpFile } from "./helpers/serverFixtures.js";
import { UdpPeer } from "./helpers/udpPeer.js";

const MAC = "A45630BBFA40";
const DEVICE = `SEP${MAC}`;
let lab: LabServer;
let secrets: string[];

before(async () => {
  lab = await labServer({ Encrypted: { tftpencryptedconfig: true } }, { [DEVICE]: "Encrypted" });
  enrol(lab, DEVICE, { rsa: 1024 }); // so that the .enc.sgn exists and variants of it are worth trying
  const d = findDevice(lab.db, DEVICE)!;
  secrets = [d.sippassword, d.sshpassword, "<fullConfig>true", "authPassword", "sshPassword"];
});
after(async () => lab.close());

/** The names this device is served under; every other spelling must be refused. */
const CANONICAL = new Set([`${DEVICE}.cnf.xml.sgn`, `${DEVICE}.cnf.xml.enc.sgn`, `ITL${DEVICE}.tlv`, "ITLFile.tlv"]);

function variants(): string[] {
  const bases = [`${DEVICE}.cnf.xml`, `${DEVICE}.cnf.xml.sgn`, `${DEVICE}.cnf.xml.enc.sgn`];
  const names = new Set<string>();
  for (const base of bases) {
    const suffix = base.slice(DEVICE.length);
    // case
    for (const v of [
      base.toLowerCase(),
      base.toUpperCase(),
      `sep${MAC}${suffix}`,
      `SEP${MAC.toLowerCase()}${suffix}`,
      `Sep${MAC}${suffix}`,
      `${DEVICE}${suffix.toUpperCase()}`,
      `${DEVICE}.Cnf.Xml${suffix.slice(8)}`,
    ])
      names.add(v);
    // paths and traversal
    for (const p of ["./", "/", "//", ".//", "././", "../", "a/../", "tftpboot/", ".\\", "\\", "..\\", "%2e/", "%2E%2E/", "%2f", "%5c"]) names.add(p + base);
    // trailing characters Windows or a lax matcher would drop
    for (const t of [".", "..", " ", "  ", ". ", " .", "/", "\\", "/.", "%20", "%00", "%2e", "::$DATA", ";", "~", ".bak", "#", "\t"]) names.add(base + t);
    // percent-encodings of the name itself
    names.add(base.replace(/\./g, "%2e"));
    names.add(base.replace(/\./g, "%2E"));
    names.add(base.replace("S", "%53"));
    names.add(base.replace(/\./g, "%252e"));
    // look-alikes
    names.add(base.replace("SEP", "ＳEP"));
    names.add(`${base}\u200b`);
    names.add(base.replace(".cnf", ".cnf."));
    names.add(base.replace(".cnf.xml", ".cnf..xml"));
    names.add(base.replace(".cnf.xml", ".xml"));
    names.add(base.replace(".cnf.xml", ".cnf"));
  }
  // suffix variants of the full config
  for (const s of [
    ".cnf.xml.enc",
    ".cnf.xml.sgn.enc",
    ".cnf.xml.enc.sgn.sgn",
    ".cnf.xml.sgn.xml",
    ".cnf.xml.xml",
    ".cnf.xml.sgn.sgn",
    ".cnfxml",
    ".cnf.xml.enc.",
    ".cnf.xml.tmp",
    ".cnf.xml.gz",
    ".cnf.xml.txt",
    ".enc.sgn",
    ".sgn",
    ".xml.sgn",
    ".cnf.sgn",
    "",
  ]) {
    names.add(DEVICE + s);
  }
  for (const c of CANONICAL) names.delete(c);
  return [...names];
}

function assertNoSecret(body: Buffer, where: string): void {
  for (const s of secrets) assert.equal(body.includes(Buffer.from(s)), false, `${where}: leaked '${s}'`);
}

test("HTTP: every variant is refused and none carries the config in clear", async () => {
  const names = variants();
  assert.ok(names.length > 100, `${names.length} variants`);
  for (const name of names) {
    for (const path of [`/${name}`, `//${name}`, `/./${name}`, `/x/../${name}`, `/${name}?download=1`]) {
      let r;
      try {
        r = await rawHttp(lab.server.ports.http, path);
      } catch {
        continue; // the server closed on a request it could not parse: nothing served
      }
      // Whitespace ends an HTTP request target, so "/NAME " asks for NAME itself: only the secret rule applies.
      if (!/\s/.test(path)) assert.notEqual(r.status, 200, `HTTP ${JSON.stringify(path)} was served`);
      assertNoSecret(r.body, `HTTP ${JSON.stringify(path)}`);
    }
  }
});

test("HTTP: the served names carry no secret in clear; query strings change nothing", async () => {
  for (const name of CANONICAL) {
    for (const path of [`/${name}`, `/${name}?x=1`]) {
      const r = await rawHttp(lab.server.ports.http, path);
      assert.equal(r.status, 200, path);
      assertNoSecret(r.body, path);
    }
  }
  // An absolute-form request target and a request with no leading slash are not file names.
  for (const target of [`http://127.0.0.1/${DEVICE}.cnf.xml`, `${DEVICE}.cnf.xml`, `*`]) {
    const r = await rawHttp(lab.server.ports.http, target);
    assert.notEqual(r.status, 200, target);
    assertNoSecret(r.body, target);
  }
});

test("TFTP: every variant is refused (error 1 for names, 2 for paths) and none carries the config in clear", async () => {
  for (const name of variants()) {
    const r = await tftpFile(lab, name);
    assert.equal(typeof r, "number", `TFTP ${JSON.stringify(name)} was served`);
    assert.ok(r === 1 || r === 2, `TFTP ${JSON.stringify(name)} → error ${r}`);
  }
  for (const name of CANONICAL) {
    const r = await tftpFile(lab, name, 512);
    assert.ok(Buffer.isBuffer(r), name);
    assertNoSecret(r, `TFTP ${name}`);
  }
});

test("TFTP: a write request for the device's config is refused", async () => {
  const peer = await UdpPeer.open();
  try {
    await peer.send(encodeRequest("WRQ", `${DEVICE}.cnf.xml`), lab.server.ports.tftp);
    const answer = await peer.expect("ERROR");
    assert.equal(answer.packet.code, 2, "access violation");
  } finally {
    await peer.close();
  }
});

test("unknown devices and unknown files: 404 / TFTP error 1", async () => {
  for (const name of [
    "SEP000000000001.cnf.xml.sgn",
    "SEP000000000001.cnf.xml",
    "ITLSEP000000000001.tlv",
    "CTLFile.tlv",
    "SoftKeys.xml",
    "cnfguard.db",
    "pki/capf.pem",
  ]) {
    assert.equal((await rawHttp(lab.server.ports.http, `/${name}`)).status, 404, name);
    const t = await tftpFile(lab, name);
    assert.ok(t === 1 || t === 2, `${name} → ${String(t)}`);
  }
});
