// A server slow to record the new certificate: after its CAPF session the phone re-fetches the
// partial config with back-off and succeeds once the hash appears; a server that never records it
// ends the boot by name within the bound, without looping.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { signFile } from "../host/shared/signed/signedFileWriter.js";
import { addPhone, alteringFront, bodyOf, boot, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

/** A front that serves partial configs with an empty certHash for the first `lagging` fetches after one names a hash. */
async function laggingFront(t: Parameters<typeof scratchDir>[0], lagging: number) {
  let hidden = 0;
  const front = await alteringFront(lab, (name, bytes) => {
    if (!bytes || !name.endsWith(".cnf.xml.sgn")) return bytes;
    const body = bodyOf(bytes).toString("utf8");
    if (/<certHash><\/certHash>/.test(body) || hidden >= lagging) return bytes;
    hidden++;
    const stale = body.replace(/<certHash>[0-9a-f]*<\/certHash>/, "<certHash></certHash>");
    return Buffer.from(signFile(Buffer.from(stale), { signer: lab.pki.tftp, filename: name }));
  });
  t.after(front.close);
  return front.port;
}

test("the server records the certificate late: the phone waits with back-off and succeeds", async (t) => {
  const mac = nextMac();
  addPhone(lab, mac, "enc");
  const r = await boot(lab, mac, scratchDir(t), { httpPort: await laggingFront(t, 2), hashWaitMs: 5000 });
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  const waits = r.steps.filter((s) => s.step === "wait");
  assert.equal(waits.length, 2);
  assert.equal(r.steps.filter((s) => s.step === "capf-session").length, 1, "no second enrolment");
});

test("the server never records it: bounded waits, one more CAPF session, then hash-mismatch", async (t) => {
  const mac = nextMac();
  addPhone(lab, mac, "enc");
  const started = Date.now();
  const r = await boot(lab, mac, scratchDir(t), { httpPort: await laggingFront(t, 1000), hashWaitMs: 600 });
  assert.equal(r.ok, false);
  assert.match(r.failure!.name, /^(hash-mismatch|capf-no-action)$/);
  assert.ok(r.steps.filter((s) => s.step === "capf-session").length <= 2);
  assert.ok(Date.now() - started < 20_000);
});
