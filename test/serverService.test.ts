// `server start` as a service: options from --config and CNFGUARD_* (flags win), the start-up
// line (data folder, addresses, advertised host, PKI fingerprints checked against node:crypto),
// --log-format json (every line one object), "stopped" after SIGTERM; `server init` into a path
// that cannot be written is exit 3; deploy/cnfguard.service passes systemd-analyze verify.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { BIN, cnfguard } from "./helpers/cliRun.js";

let tmp: string;
let data: string;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-service-"));
  data = join(tmp, "data");
  const init = await cnfguard(["server", "init", "--data", data, "--advertise", "init.example"]);
  assert.equal(init.code, 0, init.stderr);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The start-up line in each format: text, --json facts, --log-format json. */
const STARTED = /cnfguard server on .*\n|^\{"data".*\n|"event":"started".*\n/m;

/** Starts the server, waits for its start-up line, stops it with SIGTERM; all stdout lines and the exit code. */
async function startAndStop(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, "server", "start", "--admin-port", "0", ...args], { env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  try {
    while (!STARTED.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } finally {
    child.kill("SIGTERM");
  }
  const code = await exited;
  assert.ok(STARTED.test(out), `no start-up line within 90 s (exit ${code}): ${err}`);
  return { lines: out.split("\n").filter((l) => l !== ""), code, stderr: err };
}

const fingerprint = (file: string) => new X509Certificate(readFileSync(join(data, "pki", file))).fingerprint256;

test("--config, CNFGUARD_* and flags: the command line wins, then the environment, then the file", async () => {
  const config = join(tmp, "server.json");
  writeFileSync(config, JSON.stringify({ data, "http-port": 0, "tftp-port": 0, "capf-port": 0, advertise: "file.example", json: true }));
  const fromFile = await startAndStop(["--config", config]);
  assert.equal(fromFile.code, 0, `${fromFile.stderr} ${fromFile.lines.join("|")}`);
  assert.equal(JSON.parse(fromFile.lines[0]).advertise, "file.example");
  const fromEnv = await startAndStop(["--config", config], { CNFGUARD_ADVERTISE: "env.example" });
  assert.equal(JSON.parse(fromEnv.lines[0]).advertise, "env.example");
  const fromFlag = await startAndStop(["--config", config, "--advertise", "flag.example"], { CNFGUARD_ADVERTISE: "env.example" });
  assert.equal(JSON.parse(fromFlag.lines[0]).advertise, "flag.example");
  const onlyEnv = await startAndStop([], {
    CNFGUARD_DATA: data,
    CNFGUARD_HTTP_PORT: "0",
    CNFGUARD_TFTP_PORT: "0",
    CNFGUARD_CAPF_PORT: "0",
    CNFGUARD_JSON: "1",
  });
  const facts = JSON.parse(onlyEnv.lines[0]);
  assert.equal(facts.data, data);
  assert.equal(facts.advertise, "init.example", "the advertised host init stored");
  assert.ok(facts.http > 0 && facts.tftp > 0 && facts.capf > 0);
});

test("a config file with an unknown key or that is not JSON: exit 2 naming the key or the file", async () => {
  const bad = join(tmp, "bad.json");
  writeFileSync(bad, JSON.stringify({ "http-prot": 0 }));
  const r = await cnfguard(["server", "start", "--config", bad, "--data", data]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown key "http-prot" \(did you mean http-port\?\)/);
  writeFileSync(bad, "{ http-port: 0");
  assert.match((await cnfguard(["server", "start", "--config", bad])).stderr, /bad\.json: not JSON/);
  assert.equal((await cnfguard(["server", "start", "--config", join(tmp, "none.json")])).code, 3);
});

test("--log-format json: every line one JSON object; the start-up line names everything; stopped after SIGTERM", async () => {
  const r = await startAndStop(["--data", data, "--http-port", "0", "--tftp-port", "0", "--capf-port", "0", "--log-format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const events = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const e of events) assert.ok(typeof e.time === "string" && typeof e.level === "string" && typeof e.msg === "string", JSON.stringify(e));
  const started = events[0] as { event: string; data: string; listening: string[]; advertise: string; pki: Record<string, string>; http: number };
  assert.equal(started.event, "started");
  assert.equal(started.data, data);
  assert.equal(started.advertise, "init.example");
  assert.ok(started.listening.length >= 3, "HTTP, TFTP, CAPF (and the admin pages)");
  assert.ok(started.listening.includes(`http://127.0.0.1:${started.http}`));
  assert.equal(started.pki.sast, fingerprint("sast.pem"));
  assert.equal(started.pki.tftp, fingerprint("tftp.pem"));
  assert.equal(started.pki.capf, fingerprint("capf.pem"));
  assert.ok(events.some((e) => e.event === "stopping" && e.signal === "SIGTERM"));
  assert.equal(events.at(-1)?.msg, "stopped");
});

test("text log: the start-up line names the data folder, the advertised host and the fingerprints; stopped last", async () => {
  const r = await startAndStop(["--data", data, "--http-port", "0", "--tftp-port", "0", "--capf-port", "0"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.lines[0], /cnfguard server on 127\.0\.0\.1: HTTP \d+, TFTP \d+, CAPF \d+; data .*; phones told init\.example; PKI SHA-256 /);
  assert.ok(r.lines[0].includes(fingerprint("capf.pem")));
  assert.match(r.lines.at(-1) ?? "", / stopped$/);
  const quiet = await startAndStop(["--data", data, "--http-port", "0", "--tftp-port", "0", "--capf-port", "0", "--log-level", "error", "--json"]);
  assert.equal(quiet.lines.length, 1, "at level error only the start-up facts are printed");
});

test("server init into a path that cannot be a folder: exit 3 in our words", async () => {
  const file = join(tmp, "a-file");
  writeFileSync(file, "x");
  const r = await cnfguard(["server", "init", "--data", join(file, "data")]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /a-file\/data: .*(not a folder|check the path)/);
  assert.doesNotMatch(r.stderr, /ENOTDIR| {4}at /);
});

test("deploy/cnfguard.service: its own user, the data folder its only writable path, low ports by capability; systemd-analyze verify", (t) => {
  const unit = readFileSync(join(repoRoot, "deploy/cnfguard.service"), "utf8");
  assert.match(unit, /^(DynamicUser=yes|User=\w+)$/m);
  assert.match(unit, /^ProtectSystem=strict$/m, "nothing else writable");
  assert.match(unit, /^StateDirectory=cnfguard$/m);
  assert.match(unit, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
  assert.match(unit, /--data \/var\/lib\/cnfguard|CNFGUARD_DATA=\/var\/lib\/cnfguard/);
  let analyze: string | undefined;
  try {
    analyze = execFileSync("sh", ["-c", "command -v systemd-analyze"], { encoding: "utf8" }).trim();
  } catch {
    analyze = undefined;
  }
  if (!analyze || !existsSync(analyze)) {
    t.skip("systemd-analyze is not installed: the unit is not verified here");
    return;
  }
  // verify checks that ExecStart's program exists: point it at this checkout's bin/cnfguard.
  const local = join(tmp, "cnfguard.service");
  writeFileSync(local, unit.replaceAll("/usr/local/bin/cnfguard", BIN));
  execFileSync(analyze, ["verify", local], { encoding: "utf8", stdio: "pipe" });
  const broken = join(tmp, "broken.service");
  writeFileSync(broken, unit.replaceAll("/usr/local/bin/cnfguard", join(tmp, "no-such-program")));
  assert.throws(() => execFileSync(analyze, ["verify", broken], { stdio: "pipe" }), "verify refuses a unit whose program is missing");
});
