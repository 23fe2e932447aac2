// CAPF against the SQLite store through the running server: 20 phones enrolling at once
// (null string, RSA-1024 to keep key generation short) each end with their own md5hash
// recorded and their operation back to none, and each partial config then names it.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { runCapfSession } from "../host/phone/capfClient.js";
import { setCapfOperation } from "../host/server/deviceStore.js";
import { runReadOnlyQuery } from "../host/server/sqlQuery.js";
import { httpFile, type LabServer, labServer, signedBody } from "./helpers/serverFixtures.js";

const PHONES = Array.from({ length: 20 }, (_, i) => `SEP0000000010${i.toString(16).toUpperCase().padStart(2, "0")}`);
let lab: LabServer;

before(async () => {
  lab = await labServer({ Encrypted: { tftpencryptedconfig: true, keysize: 1024 } }, Object.fromEntries(PHONES.map((p) => [p, "Encrypted"])));
  for (const p of PHONES) setCapfOperation(lab.db, p, { operation: "install" });
});
after(async () => lab.close());

test("20 concurrent enrolments: every md5hash recorded, every operation back to none, every partial config names it", async () => {
  const results = await Promise.all(
    PHONES.map((deviceName) =>
      runCapfSession({
        host: "127.0.0.1",
        port: lab.server.ports.capf,
        pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
        deviceName,
        authMode: "null",
        timeoutMs: 20_000,
      }),
    ),
  );
  const expected = new Map<string, string>();
  results.forEach((r, i) => {
    assert.equal(r.outcome, "installed", `${PHONES[i]}: ${r.log.join(" | ")}`);
    expected.set(PHONES[i], createHash("md5").update(r.newCertificateDer!).digest("hex"));
  });
  const rows = runReadOnlyQuery(lab.dir, "select name, md5hash, capfoperation from device order by name").rows;
  assert.deepEqual(
    rows,
    PHONES.map((p) => [p, expected.get(p), "none"]),
  );
  assert.equal(new Set(expected.values()).size, PHONES.length, "each phone its own certificate");
  for (const p of PHONES.slice(0, 3)) {
    assert.match(signedBody((await httpFile(lab, `${p}.cnf.xml.sgn`))!), new RegExp(`<certHash>${expected.get(p)}</certHash>`));
  }
});

test("a session for a device with nothing scheduled changes nothing; an unknown device is refused", async () => {
  const before = runReadOnlyQuery(lab.dir, "select name, md5hash, capfoperation from device order by name").rows;
  const none = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
    deviceName: PHONES[0],
    authMode: "null",
    timeoutMs: 5000,
  });
  assert.equal(none.outcome, "none");
  const unknown = await runCapfSession({
    host: "127.0.0.1",
    port: lab.server.ports.capf,
    pinnedCertificateDer: Buffer.from(lab.pki.capf.certificateDer),
    deviceName: "SEPFFFFFFFFFFFF",
    authMode: "null",
    timeoutMs: 5000,
  });
  assert.equal(unknown.outcome, "refused");
  assert.equal(unknown.reason, 9);
  assert.deepEqual(runReadOnlyQuery(lab.dir, "select name, md5hash, capfoperation from device order by name").rows, before);
});
