// By existing MIC: a new phone proves its lab MIC (issued by the manufacturing CA kept in its state
// folder); a server that trusts that CA enrols it, one that does not refuses and nothing is stored.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PhoneState } from "../host/phone/phoneState.js";
import { startServer } from "../host/server/startServer.js";
import { addPhone, boot, dbRow, md5, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ mic: { tftpencryptedconfig: true, capfauthmode: "mic", keysize: 2048 } }, {});
});
after(() => lab.close());

test("by MIC: a server trusting the phone's manufacturing CA enrols it", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "mic");
  const state = scratchDir(t);
  const phone = new PhoneState(state, device);
  phone.prepare();
  const trusting = await startServer({ data: lab.dir, httpPort: 0, tftpPort: 0, capfPort: 0, micIssuers: [phone.micIssuer()!] });
  t.after(() => trusting.close());
  const r = await boot({ ...lab, server: trusting }, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  assert.ok(r.steps.some((s) => s.step === "capf-session" && /by mic/.test(s.check)));
  const lsc = new X509Certificate(readFileSync(join(state, "lsc.pem")));
  assert.equal(dbRow(lab, device).md5hash, md5(lsc.raw));
});

test("by MIC: a server that does not know the manufacturing CA refuses; no LSC stored", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "mic");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "capf-refused");
  assert.ok(!existsSync(join(state, "lsc.pem")));
  assert.equal(dbRow(lab, device).md5hash, null);
});
