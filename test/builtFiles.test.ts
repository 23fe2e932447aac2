// The build layer on a running server: trust lists identical across requests and restarts,
// a change made by another process served within 1 s with no rebuild per request, a profile
// edit rebuilding every device of that profile, a new certificate rebuilding that device's
// encrypted config. Oracles: the core opening the files, node:crypto keys, the byte counts.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { newCore } from "../host/core.js";
import { addDevice } from "../host/server/deviceStore.js";
import { startServer } from "../host/server/startServer.js";
import { runCli } from "./helpers/cliRun.js";
import { enrol, httpFile, type LabServer, labServer, signedBody, tftpFile } from "./helpers/serverFixtures.js";

const A = "SEPB00000000001";
const B = "SEPB00000000002";
const MANY = Array.from({ length: 30 }, (_, i) => `SEPC000000000${i.toString(16).toUpperCase().padStart(2, "0")}`);

let lab: LabServer;

before(async () => {
  lab = await labServer({ Encrypted: { tftpencryptedconfig: true }, Fleet: { tftpencryptedconfig: true }, Other: {} }, { [A]: "Encrypted", [B]: "Other" });
  for (const name of MANY) addDevice(lab.db, name, { profile: "Fleet" });
});
after(async () => lab.close());

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** Runs bin/cnfguard in another process on the lab's folder; resolves when it has exited 0. */
async function cli(...args: string[]): Promise<void> {
  const r = await runCli([...args, "--data", lab.dir], 20_000);
  if (r.code !== 0) throw new Error(`cnfguard ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
}

test("trust lists: the same bytes on every request, over HTTP and TFTP, and after a restart", async () => {
  const names = ["ITLFile.tlv", `ITL${A}.tlv`];
  const first = await Promise.all(names.map((n) => httpFile(lab, n)));
  for (const [i, name] of names.entries()) {
    assert.ok(first[i]);
    assert.equal(newCore().files.installTrustList(first[i]!).installed, true, name);
    for (let round = 0; round < 3; round++) {
      assert.equal(md5((await httpFile(lab, name))!), md5(first[i]!), `${name} over HTTP, round ${round}`);
      assert.equal(md5((await tftpFile(lab, name)) as Buffer), md5(first[i]!), `${name} over TFTP, round ${round}`);
    }
  }
  const again = await startServer({ data: lab.dir, httpPort: 0, tftpPort: 0, capfPort: 0 });
  try {
    for (const [i, name] of names.entries()) {
      const r = await fetch(`http://127.0.0.1:${again.ports.http}/${name}`);
      assert.equal(r.status, 200);
      assert.equal(md5(new Uint8Array(await r.arrayBuffer())), md5(first[i]!), `${name} after a restart`);
    }
  } finally {
    await again.close();
  }
});

test("nothing is rebuilt per request while nothing changes", async () => {
  await httpFile(lab, `${A}.cnf.xml.sgn`);
  await lab.server.whenBuilt();
  const before = lab.server.buildStats().builds;
  const one = await httpFile(lab, `${A}.cnf.xml.sgn`);
  for (let i = 0; i < 20; i++) assert.deepEqual(await httpFile(lab, `${A}.cnf.xml.sgn`), one);
  assert.deepEqual(await tftpFile(lab, `${A}.cnf.xml.sgn`), one);
  assert.equal(lab.server.buildStats().builds, before, "served from memory");
});

test("a change made by another process is served within 1 s", async () => {
  assert.match(signedBody((await httpFile(lab, `${A}.cnf.xml.sgn`))!), /<capfAuthMode>2<\/capfAuthMode>/);
  await cli("device", "capf", A, "install", "--auth-string", "97531");
  const done = Date.now();
  let xml = "";
  while (Date.now() - done < 1000) {
    xml = signedBody((await tftpFile(lab, `${A}.cnf.xml.sgn`)) as Buffer);
    if (xml.includes("<capfAuthMode>1</capfAuthMode>")) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.match(xml, /<capfAuthMode>1<\/capfAuthMode>/, "by authentication string within 1 s of the command's exit");
});

test("a profile edit rebuilds every device of that profile and no other", async () => {
  const fleet = new Map<string, Buffer>();
  for (const name of MANY) fleet.set(name, (await httpFile(lab, `${name}.cnf.xml.sgn`))!);
  const other = await httpFile(lab, `${B}.cnf.xml.sgn`);
  for (const body of fleet.values()) assert.match(signedBody(body), /<capfAuthMode>2<\/capfAuthMode>/);
  await cli("profile", "edit", "Fleet", "--capf-auth", "lsc");
  for (const [name, old] of fleet) {
    const now = (await httpFile(lab, `${name}.cnf.xml.sgn`))!;
    assert.notDeepEqual(now, old, name);
    assert.match(signedBody(now), /<capfAuthMode>3<\/capfAuthMode>/, `${name} rebuilt with the profile's new mode`);
  }
  assert.deepEqual(await httpFile(lab, `${B}.cnf.xml.sgn`), other, "a device of another profile keeps its bytes");
});

test("a new certificate rebuilds that device's encrypted config", async () => {
  const itl = (await httpFile(lab, `ITL${A}.tlv`))!;
  const first = enrol(lab, A, { rsa: 1024 });
  const e1 = (await httpFile(lab, `${A}.cnf.xml.enc.sgn`))!;
  assert.deepEqual(await httpFile(lab, `${A}.cnf.xml.enc.sgn`), e1, "the same bytes until something changes");
  const second = enrol(lab, A, { rsa: 1024 });
  const e2 = (await tftpFile(lab, `${A}.cnf.xml.enc.sgn`)) as Buffer;
  assert.ok(Buffer.isBuffer(e2));
  const open = (file: Uint8Array, key: typeof first.privateKey) => {
    const core = newCore();
    core.files.installTrustList(itl);
    core.files.loadDeviceKey(new Uint8Array(key.export({ type: "pkcs8", format: "der" })));
    return core.files.open(file).toString("utf8");
  };
  assert.match(open(e1, first.privateKey), /<fullConfig>true<\/fullConfig>/);
  assert.match(open(e2, second.privateKey), /<fullConfig>true<\/fullConfig>/);
  assert.throws(() => open(e2, first.privateKey), "the old key cannot open the rebuilt file");
  assert.match(signedBody((await httpFile(lab, `${A}.cnf.xml.sgn`))!), new RegExp(`<certHash>${second.md5hash}</certHash>`));
});
