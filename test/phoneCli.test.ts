// `cnfguard phone` and `cnfguard diagnose` as a script sees them: exit codes, --json lines, and the
// authentication-string stop when there is no terminal to ask on (a spawned child has none).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CliRun, runCli } from "./helpers/cliRun.js";
import { addPhone, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

function cli(args: string[]): Promise<CliRun> {
  return runCli(args);
}

function phoneArgs(mac: string, state: string): string[] {
  return ["--server", "127.0.0.1", "--mac", mac, "--state", state, "--http-port", String(lab.server.ports.http), "--tftp-port", String(lab.server.ports.tftp)];
}

test("phone --json: one object per step, then ok; exit 0; diagnose --json then passes", async (t) => {
  const mac = nextMac();
  addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const r = await cli(["phone", ...phoneArgs(mac, state), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const objects = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(objects.at(-1).ok, true);
  assert.ok(objects.slice(0, -1).every((o) => typeof o.step === "string" && typeof o.outcome === "string"));
  const d = await cli(["diagnose", ...phoneArgs(mac, state), "--json"]);
  assert.equal(d.code, 0, d.stdout);
  assert.deepEqual(
    JSON.parse(d.stdout).checks.map((c: { ok: boolean }) => c.ok),
    [true, true, true, true, true],
  );
});

test("by authentication string without --auth-string and no terminal: exit 1, says what and where", async (t) => {
  const mac = nextMac();
  addPhone(lab, mac, "enc", { operation: "install", authString: "2468" });
  const r = await cli(["phone", ...phoneArgs(mac, scratchDir(t))]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /authentication string/i);
  assert.match(r.stderr, /--auth-string/);
});

test("usage errors exit 2 and name the option", async (t) => {
  const r = await cli(["phone", "--server", "127.0.0.1", "--mac", "XYZ", "--state", scratchDir(t)]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--mac 'XYZ'/);
  const missing = await cli(["diagnose", "--mac", "A45630BBFA40"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--server is required/);
});
