// The server's evidence per device: a phone booting on loopback leaves its partial-config fetch,
// its CAPF session and its encrypted-config fetch in the deviceevent table in that order, with the
// bytes the phone received (oracle: the server's own files fetched again, and the LSC's MD5 by
// node:crypto); refusals say why; peer strings are escaped; the table and the queue are bounded;
// `cnfguard trace` prints the same timeline.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { eventRecorder, printable } from "../host/server/deviceEvents.js";
import { readTimeline } from "../host/server/deviceTimeline.js";
import { type CliRun, runCli } from "./helpers/cliRun.js";
import { addPhone, boot, md5, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { httpFile, type LabServer, labServer, tftpFile } from "./helpers/serverFixtures.js";

let lab: LabServer;
before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

function timeline(device: string) {
  lab.server.events.flush();
  return readTimeline(lab.db, device);
}

function cnfguard(...args: string[]): Promise<CliRun> {
  return runCli(args, 60_000);
}

test("a new phone's boot: partial config, CAPF session, encrypted config — in order, with sizes and outcomes", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  const events = timeline(device);
  const order = events.map((e) => (e.transport === "capf" ? "capf" : e.filename));
  const partial = order.indexOf(`${device}.cnf.xml.sgn`);
  const session = order.indexOf("capf");
  const encrypted = order.indexOf(`${device}.cnf.xml.enc.sgn`);
  assert.ok(partial >= 0 && partial < session && session < encrypted, `order: ${order.join(", ")}`);
  assert.ok(
    events.every((e, i) => i === 0 || events[i - 1].at <= e.at),
    "oldest first",
  );

  const first = events[partial];
  assert.equal(first.transport, "http");
  assert.equal(first.outcome, "served");
  assert.match(first.detail, /partial config, certHash empty/);
  const capf = events[session];
  assert.equal(capf.outcome, "completed");
  const lsc = new X509Certificate(readFileSync(join(state, "lsc.pem")));
  assert.ok(
    capf.steps!.some((s) => s.includes(`md5hash ${md5(lsc.raw)}`)),
    capf.steps!.join(" | "),
  );
  assert.match(capf.detail, /installed an LSC/);
  const enc = events[encrypted];
  assert.equal(enc.outcome, "served");
  assert.equal(enc.bytes, (await httpFile(lab, `${device}.cnf.xml.enc.sgn`))!.length, "the bytes the server serves");
  assert.ok(enc.detail.includes(md5(lsc.raw)));
});

test("refusals are recorded with the reason, over TFTP too; names of no device are not", async () => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc"); // no certificate yet: the encrypted config is refused
  assert.equal(await tftpFile(lab, `${device}.cnf.xml.enc.sgn`), 1);
  assert.equal(await httpFile(lab, `${device}.cnf.xml`), null, "an encrypted profile serves no clear config");
  assert.equal(await httpFile(lab, "SEP000000000000.cnf.xml.sgn"), null);
  assert.equal(await httpFile(lab, "../etc/passwd"), null);
  const events = timeline(device);
  assert.deepEqual(
    events.map((e) => [e.transport, e.filename, e.outcome, e.bytes]),
    [
      ["tftp", `${device}.cnf.xml.enc.sgn`, "refused", null],
      ["http", `${device}.cnf.xml`, "refused", null],
    ],
  );
  assert.ok(events.every((e) => e.detail.length > 0));
  assert.match(events[0].remote, /^127\.0\.0\.1:\d+$/);
  const unknown = timeline("SEP000000000000");
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].detail, /unknown device/);
  const strays = lab.db.prepare("SELECT count(*) AS n FROM deviceevent WHERE filename = '../etc/passwd'").get() as { n: number };
  assert.equal(strays.n, 0, "a name that names no device is in no timeline");
});

test("a CAPF session that fails is recorded as failed with the reason", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc", { operation: "install", authString: "123456" });
  const r = await boot(lab, mac, scratchDir(t), { authString: "654321" });
  assert.equal(r.ok, false);
  const sessions = timeline(device).filter((e) => e.transport === "capf");
  assert.ok(sessions.length >= 1);
  assert.equal(sessions[0].outcome, "failed");
  assert.match(sessions[0].detail, /authentication \(string\) failed: the authentication string does not match/);
});

test("batched and bounded: of a storm of 10 000 events the table keeps the newest, in order; a full queue drops and counts", () => {
  const recorder = eventRecorder(lab.db, { maxRows: 3000, batchSize: 500, maxQueued: 20_000 });
  const base = { at: new Date().toISOString(), transport: "http" as const, filename: "x", outcome: "served" as const, bytes: 1, remote: "r", steps: null };
  for (let i = 0; i < 10_000; i++) recorder.record({ ...base, devicename: "SEPSTORM00000000", detail: String(i) });
  recorder.close();
  const kept = readTimeline(lab.db, "SEPSTORM00000000", 100_000);
  assert.ok(kept.length <= 3000, `${kept.length} rows kept`);
  assert.equal(kept.at(-1)!.detail, "9999", "the newest is kept");
  assert.ok(
    kept.every((e, i) => i === 0 || Number(kept[i - 1].detail) < Number(e.detail)),
    "in order",
  );

  const small = eventRecorder(lab.db, { maxQueued: 10, batchSize: 1000, flushMs: 60_000 });
  for (let i = 0; i < 15; i++) small.record({ ...base, devicename: "SEPQUEUE00000000", detail: String(i) });
  assert.equal(small.dropped, 5);
  small.close();
  assert.equal(readTimeline(lab.db, "SEPQUEUE00000000").length, 10);
});

test("peer-supplied strings are made printable and capped", () => {
  assert.equal(printable("a\nb\x1b[31m"), "a\\x0ab\\x1b[31m");
  assert.ok(printable("x".repeat(10_000)).length <= 301);
});

test("cnfguard trace NAME prints the timeline; --json the same events; unknown names are a usage error", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  assert.equal((await boot(lab, mac, scratchDir(t))).ok, true);
  const expected = timeline(device);
  const json = await cnfguard("trace", device, "--data", lab.dir, "--json");
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), expected);
  const text = await cnfguard("trace", device, "--data", lab.dir);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split("\n");
  const at = (s: string) => lines.findIndex((l) => l.includes(s));
  assert.ok(at(`${device}.cnf.xml.sgn served`) < at("CAPF session completed"));
  assert.ok(at("CAPF session completed") < at(`${device}.cnf.xml.enc.sgn served`));
  const unknown = await cnfguard("trace", "SEPFFFFFFFFFFF0", "--data", lab.dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no device named SEPFFFFFFFFFFF0.*cnfguard device list/);
  assert.equal((await cnfguard("trace", "--data", lab.dir)).code, 2);
});
