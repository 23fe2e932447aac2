// The phone's trust decisions go through the core once per file: each downloaded file (and the
// stored trust list) is one core session fed its bytes once, and the certificate hashes come
// from the core. Oracles: the file sizes the boot reports, node:crypto's MD5 (certHash) and
// SHA-1 (the CAPF pin) of the DER, and the server's database.

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BootFlow, type PhoneOptions } from "../host/phone/bootFlow.js";
import { addPhone, dbRow, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

function flowFor(mac: string, state: string): BootFlow {
  const o: PhoneOptions = { server: "127.0.0.1", mac, state, httpPort: lab.server.ports.http, transport: "http", capfTimeoutMs: 5000, hashWaitMs: 2000 };
  return new BootFlow(o);
}

const nodeHash = (alg: string, bytes: Uint8Array) => createHash(alg).update(bytes).digest("hex");

/** The sizes of the files the boot downloaded (the steps that name a transport). */
function downloadedSizes(flow: BootFlow): number[] {
  return flow.steps.filter((s) => s.via !== undefined).map((s) => s.size ?? -1);
}

test("each file of a boot goes through the core in one session, fed once", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);

  const first = flowFor(mac, state);
  await first.run();
  const sizes = downloadedSizes(first);
  // ITL, partial config, (CAPF, reset), ITL, partial config, encrypted config.
  assert.deepEqual(
    first.steps.filter((s) => s.via !== undefined).map((s) => s.step),
    ["trust-list", "config", "trust-list", "config", "encrypted-config"],
  );
  assert.equal(first.core.files.counters.sessions, sizes.length, "one core session per downloaded file");
  assert.equal(
    first.core.files.counters.bytesFed,
    sizes.reduce((a, b) => a + b, 0),
    "each file's bytes fed to the core exactly once",
  );

  // A second boot also offers the stored trust list once, at start-up.
  const second = flowFor(mac, state);
  await second.run();
  const stored = readFileSync(join(state, "ITL.tlv"));
  const again = downloadedSizes(second);
  assert.equal(second.core.files.counters.sessions, again.length + 1);
  assert.equal(
    second.core.files.counters.bytesFed,
    again.reduce((a, b) => a + b, stored.length),
  );
  assert.equal(dbRow(lab, device).md5hash, second.state.current()!.md5);
});

test("certHash and the CAPF pin are the core's MD5 and SHA-1, equal to node:crypto's", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const flow = flowFor(mac, state);
  await flow.run();

  const lsc = flow.state.current()!;
  assert.equal(lsc.kind, "lsc");
  const der = new X509Certificate(readFileSync(join(state, "lsc.pem"))).raw;
  assert.equal(lsc.md5, nodeHash("md5", der), "certHash: MD5 of the LSC's DER");
  assert.equal(dbRow(lab, device).md5hash, lsc.md5, "the server recorded the same certHash");
  assert.ok(flow.steps.some((s) => s.step === "cert-hash" && s.check.includes(`MD5 of LSC ${lsc.md5}`)));

  const capfDer = Buffer.from(lab.pki.capf.certificateDer);
  assert.equal(flow.certificateSha1(capfDer), nodeHash("sha1", capfDer), "the CAPF pin: SHA-1 of the CAPF certificate");
  const tlsStep = flow.steps.find((s) => s.step === "capf-tls" && s.ok);
  assert.ok(tlsStep?.outcome.includes(nodeHash("sha1", capfDer)), tlsStep?.outcome);
});
