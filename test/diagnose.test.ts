// diagnose against our server: all healthy, a stale hash, CAPF down, a CAPF certificate that is
// not the trust list's record. The CAPF address is changed by re-signing the partial config with
// the lab's own TFTP key (a file the phone must accept), served through an HTTP front.

import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CHECK_NAMES, type Check, diagnose } from "../host/phone/diagnose.js";
import { signFile } from "../host/shared/signed/signedFileWriter.js";
import { addPhone, alteringFront, bodyOf, boot, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { enrol, type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

async function enrolledPhone(t: Parameters<typeof scratchDir>[0]) {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  assert.equal((await boot(lab, mac, state)).ok, true);
  return { mac, device, state };
}

function run(mac: string, state: string, httpPort = lab.server.ports.http) {
  return diagnose({ server: "127.0.0.1", mac, state, httpPort, transport: "http", fetchTimeoutMs: 3000 });
}

function assertShape(checks: Check[]): void {
  assert.deepEqual(
    checks.map((c) => c.name),
    [...CHECK_NAMES],
  );
  for (const c of checks) {
    assert.ok(c.evidence.length > 0, `${c.name} has evidence`);
    if (!c.ok && !c.evidence.startsWith("skipped")) assert.ok(c.expected && c.seen && c.fix, `${c.name} says expected, seen and fix`);
  }
}

/** An HTTP front whose partial config names CAPF at `port`, re-signed with the lab's TFTP key. */
async function capfMovedTo(t: Parameters<typeof scratchDir>[0], port: number) {
  const front = await alteringFront(lab, (name, bytes) => {
    if (!bytes || !name.endsWith(".cnf.xml.sgn")) return bytes;
    const body = bodyOf(bytes)
      .toString("utf8")
      .replace(/<phonePort>\d+<\/phonePort>/, `<phonePort>${port}</phonePort>`);
    return Buffer.from(signFile(Buffer.from(body), { signer: lab.pki.tftp, filename: name }));
  });
  t.after(front.close);
  return front.port;
}

test("all healthy: every check passes", async (t) => {
  const phone = await enrolledPhone(t);
  const r = await run(phone.mac, phone.state);
  assertShape(r.checks);
  assert.equal(r.ok, true, JSON.stringify(r.checks));
  assert.match(r.checks[0].evidence, new RegExp(`CAPF 127\\.0\\.0\\.1:${lab.server.ports.capf}`));
});

test("stale hash: cert-hash fails with both hashes and the fix; encrypted-config skipped", async (t) => {
  const phone = await enrolledPhone(t);
  const stale = enrol(lab, phone.device, { rsa: 1024 });
  const r = await run(phone.mac, phone.state);
  assertShape(r.checks);
  assert.equal(r.ok, false);
  const [, , , hash, encrypted] = r.checks;
  assert.equal(hash.ok, false);
  assert.equal(hash.seen, stale.md5hash);
  assert.match(hash.fix!, new RegExp(`fetch or install for ${phone.device}`));
  assert.match(encrypted.evidence, /skipped: the cert-hash check failed/);
  assert.ok(r.checks.slice(0, 3).every((c) => c.ok));
});

test("CAPF down: capf-service fails, later checks are skipped with evidence", async (t) => {
  const phone = await enrolledPhone(t);
  const net = await import("node:net");
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const dead = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  const r = await run(phone.mac, phone.state, await capfMovedTo(t, dead));
  assertShape(r.checks);
  assert.equal(r.checks[0].ok, true);
  assert.equal(r.checks[1].ok, false);
  assert.match(r.checks[1].seen!, /ECONNREFUSED/);
  assert.ok(r.checks.slice(2).every((c) => !c.ok && c.evidence.startsWith("skipped")));
});

test("wrong CAPF certificate: capf-tls shows the presented and the pinned SHA-1", async (t) => {
  const phone = await enrolledPhone(t);
  const other = await labServer({ enc: { tftpencryptedconfig: true } }, {});
  t.after(() => other.close());
  const r = await run(phone.mac, phone.state, await capfMovedTo(t, other.server.ports.capf));
  assertShape(r.checks);
  assert.deepEqual(
    r.checks.map((c) => c.ok),
    [true, true, false, false, false],
  );
  const { createHash } = await import("node:crypto");
  const presented = createHash("sha1").update(other.pki.capf.certificateDer).digest("hex");
  const pinned = createHash("sha1").update(lab.pki.capf.certificateDer).digest("hex");
  assert.ok(r.checks[2].seen!.includes(presented));
  assert.ok(r.checks[2].expected!.includes(pinned));
});

test("a missing state folder is created (with a MIC) and the checks still run", async (t) => {
  const mac = nextMac();
  addPhone(lab, mac, "enc");
  const state = join(scratchDir(t), "new-phone");
  const r = await run(mac, state);
  assertShape(r.checks);
  assert.ok(existsSync(join(state, "mic.pem")));
  assert.equal(r.checks[3].ok, false, "the server has no certificate for a new phone");
  assert.match(r.checks[3].fix!, /install/);
});

test("a server re-initialised with a new PKI: the trust list is refused, and the printed fix (erase the phone's ITL.tlv) works", async (t) => {
  const phone = await enrolledPhone(t);
  const fresh = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
  t.after(() => fresh.close());
  addPhone(fresh, phone.mac, "enc");
  const stale = await run(phone.mac, phone.state, fresh.server.ports.http);
  assertShape(stale.checks);
  const first = stale.checks[0];
  assert.equal(first.ok, false);
  // The new list is not signed by the SAST the phone holds, so the phone keeps its old list and
  // then refuses the new server's config (or the list itself): either way the same fix.
  assert.ok(first.failure === "trust-list-refused" || first.failure === "config-refused", first.failure);
  assert.equal(stale.unreachable, false, "the server answered: a refusal, not a network failure");
  const itl = join(phone.state, "ITL.tlv");
  assert.ok(first.fix?.includes(`rm ${itl}`), first.fix);
  assert.ok(stale.checks.slice(1).every((c) => c.skipped === true));
  rmSync(itl);
  const after = await run(phone.mac, phone.state, fresh.server.ports.http);
  assert.equal(after.checks[0].ok, true, JSON.stringify(after.checks[0]));
});
