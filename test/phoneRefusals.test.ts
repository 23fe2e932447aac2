// Refusals that leave the phone's flash untouched: a tampered encrypted config, a partial config
// signed by a certificate without the TFTP role, a trust list signed by an unknown SAST, a CAPF
// server whose certificate is not the trust list's CAPF record, and one that falls silent.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BootFlow } from "../host/phone/bootFlow.js";
import { PhoneFailure } from "../host/phone/trace.js";
import { addDevice } from "../host/server/deviceStore.js";
import { signFile } from "../host/shared/signed/signedFileWriter.js";
import { addPhone, alteringFront, bodyOf, boot, nextMac, scratchDir, silentCapf, snapshot } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

/** A phone that booted once: trust list, LSC and config on flash. */
async function bootedPhone(t: Parameters<typeof scratchDir>[0]): Promise<{ mac: string; device: string; state: string; before: Record<string, string> }> {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  const before = snapshot(state);
  assert.ok(["ITL.tlv", "lsc.pem", "lsc.key", `${device}.cnf.xml`].every((f) => f in before));
  return { mac, device, state, before };
}

test("a tampered encrypted config is refused; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const front = await alteringFront(lab, (name, bytes) => {
    if (!bytes || !name.endsWith(".enc.sgn")) return bytes;
    const copy = Buffer.from(bytes);
    copy[copy.length - 20] ^= 0x01; // one bit of the ciphertext
    return copy;
  });
  t.after(front.close);
  const r = await boot(lab, phone.mac, phone.state, { httpPort: front.port });
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "encrypted-config-refused");
  assert.deepEqual(snapshot(phone.state), phone.before);
});

test("a partial config signed by the CAPF certificate (no TFTP role) is refused; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const front = await alteringFront(lab, (name, bytes) => {
    if (!bytes || !name.endsWith(".cnf.xml.sgn")) return bytes;
    return Buffer.from(signFile(bodyOf(bytes), { signer: lab.pki.capf, filename: name }));
  });
  t.after(front.close);
  const r = await boot(lab, phone.mac, phone.state, { httpPort: front.port });
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "config-refused");
  assert.deepEqual(snapshot(phone.state), phone.before);
});

test("a trust list signed by an unknown SAST is refused and the stored one kept; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const other = await labServer({ enc: { tftpencryptedconfig: true } }, {});
  t.after(() => other.close());
  addDevice(other.db, phone.device, { profile: "enc" });
  const r = await boot(other, phone.mac, phone.state);
  assert.equal(r.ok, false);
  const itl = r.steps.find((s) => s.step === "trust-list" && s.size !== undefined)!;
  assert.equal(itl.ok, false);
  assert.match(itl.outcome, /refused .*keeping the stored trust list/);
  assert.equal(r.failure!.name, "config-refused", "the other server's config is not signed by a trusted TFTP record");
  assert.deepEqual(snapshot(phone.state), phone.before);
});

/** A boot flow that has the lab's trust list and partial config, ready for a CAPF session. */
async function readyForCapf(state: string, mac: string, capfTimeoutMs = 5000) {
  const flow = new BootFlow({ server: "127.0.0.1", mac, state, httpPort: lab.server.ports.http, transport: "http", capfTimeoutMs });
  flow.prepare();
  await flow.loadTrustList();
  const { view } = await flow.fetchSignedConfig();
  return { flow, view };
}

test("a CAPF server whose certificate is not the trust list's CAPF record is refused; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  lab.db.prepare("UPDATE device SET capfoperation = 'install' WHERE name = ?").run(phone.device);
  const other = await labServer({ enc: { tftpencryptedconfig: true } }, {});
  t.after(() => other.close());
  addPhone(other, phone.mac, "enc");
  const { flow, view } = await readyForCapf(phone.state, phone.mac);
  await assert.rejects(
    flow.enrol({ ...view, capfList: [{ host: "127.0.0.1", port: other.server.ports.capf }] }),
    (e: unknown) => e instanceof PhoneFailure && e.failure === "capf-untrusted",
  );
  assert.deepEqual(snapshot(phone.state), phone.before);
  assert.equal((other.db.prepare("SELECT md5hash FROM device").get() as { md5hash: string | null }).md5hash, null, "the other CAPF recorded nothing");
});

test("a CAPF server that stops answering mid-session ends the boot by name; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const silent = await silentCapf(lab);
  t.after(silent.close);
  const { flow, view } = await readyForCapf(phone.state, phone.mac, 800);
  const started = Date.now();
  await assert.rejects(
    flow.enrol({ ...view, capfList: [{ host: "127.0.0.1", port: silent.port }] }),
    (e: unknown) => e instanceof PhoneFailure && e.failure === "capf-timeout",
  );
  assert.ok(Date.now() - started < 5000, "bounded by the CAPF timeout");
  assert.deepEqual(snapshot(phone.state), phone.before);
});
