// `cnfguard fleet` on loopback: 50 phones over HTTP (runFleet in this process) and 50 over
// TFTP (the CLI, --json) boot through trust list, partial config, CAPF install, reset and
// encrypted config with 0 failures; a CAPF at tight connection limits still enrols every phone
// in one boot (retry later, back-off) and --source-addresses spreads phones over 127.0.0.x; the server's md5hash rows equal the MD5 of the LSCs the
// phones stored (node:crypto), and each stored config holds that device's SIP password.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { fleetPhoneName, runFleet } from "../host/phone/fleet.js";
import { type Db, openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { importDevices } from "../host/server/deviceImport.js";
import { findDevice } from "../host/server/deviceStore.js";
import { addProfile } from "../host/server/profileStore.js";
import { type RunningServer, startServer } from "../host/server/startServer.js";

const COUNT = 50;
const HTTP_FIRST = "00CC00000000";
const TFTP_FIRST = "00CC00001000";
/** a few devices of other classes (fleet --class), named by the same rule */
const CLASS_COUNT = 3;
const CLASS_FIRST = "00CC00002000";
const OTHER_CLASSES = ["ata", "csf", "tab"] as const;

let dir: string;
let db: Db;
let server: RunningServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "cnfguard-fleet-"));
  const data = join(dir, "data");
  initDataFolder(data);
  db = openDatabase(data);
  addProfile(db, "Encrypted", { tftpencryptedconfig: true, keysize: 1024 });
  const names = [HTTP_FIRST, TFTP_FIRST].flatMap((first) => Array.from({ length: COUNT }, (_, i) => fleetPhoneName(first, i)));
  for (const c of OTHER_CLASSES) names.push(...Array.from({ length: CLASS_COUNT }, (_, i) => fleetPhoneName(CLASS_FIRST, i, c)));
  importDevices(
    db,
    names.map((name) => ({ where: name, name, profile: "Encrypted", capf: "install" })),
  );
  server = await startServer({ data, httpPort: 0, tftpPort: 0, capfPort: 0 });
});
after(async () => {
  await server?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every phone's LSC is the certificate the server recorded, and its stored config is that device's. */
function assertEnrolled(stateRoot: string, first: string, deviceClass: (typeof OTHER_CLASSES)[number] | "sep" = "sep", count = COUNT, step = 7): void {
  for (let i = 0; i < count; i += step) {
    const name = fleetPhoneName(first, i, deviceClass);
    const lsc = new X509Certificate(readFileSync(join(stateRoot, name, "lsc.pem")));
    const device = findDevice(db, name)!;
    assert.equal(device.md5hash, createHash("md5").update(lsc.raw).digest("hex"), name);
    assert.ok(readFileSync(join(stateRoot, name, `${name}.cnf.xml`), "utf8").includes(`<authPassword>${device.sippassword}</authPassword>`), name);
  }
}

test("a fleet of 50 phones boots over HTTP with 0 failures", async () => {
  const stateRoot = join(dir, "http");
  const s = await runFleet({
    server: "127.0.0.1",
    httpPort: server.ports.http,
    tftpPort: server.ports.tftp,
    transport: "http",
    count: COUNT,
    firstMac: HTTP_FIRST,
    concurrency: 10,
    stateRoot,
    keysAhead: true,
    keySize: 1024,
    // the server shares this process's event loop with the phones, on a machine other suites load too
    fetchTimeoutMs: 15_000,
    attempts: 5,
  });
  assert.equal(s.failed, 0, JSON.stringify(s.examples));
  assert.equal(s.booted, COUNT);
  assert.deepEqual(s.failures, {});
  assert.equal(s.keys.ahead, true);
  assert.ok(s.bootSeconds.p50 <= s.bootSeconds.p95 && s.bootSeconds.p95 <= s.bootSeconds.max);
  assertEnrolled(stateRoot, HTTP_FIRST);
});

test("a fleet of 50 phones boots over TFTP with 0 failures (the CLI, --json)", async () => {
  const stateRoot = join(dir, "tftp");
  const args = ["fleet", "--server", "127.0.0.1", "--tftp-port", String(server.ports.tftp), "--http-port", String(server.ports.http)];
  args.push("--transport", "tftp", "--count", String(COUNT), "--first-mac", TFTP_FIRST, "--concurrency", "10", "--state-root", stateRoot);
  args.push("--keys-ahead", "--key-size", "1024", "--attempts", "5", "--json");
  const { code, stdout, stderr } = await run(args);
  assert.equal(code, 0, stderr + stdout);
  const s = JSON.parse(stdout);
  for (const field of ["count", "booted", "failed", "failures", "seconds", "phonesPerSecond", "bootSeconds"]) assert.ok(field in s, field);
  assert.deepEqual([s.count, s.booted, s.failed], [COUNT, COUNT, 0]);
  assertEnrolled(stateRoot, TFTP_FIRST);
});

test("fleet --class: ATA adapters and softphone-class devices boot through the same flow (the CLI, --json)", async () => {
  for (const c of OTHER_CLASSES) {
    const stateRoot = join(dir, `class-${c}`);
    const args = ["fleet", "--server", "127.0.0.1", "--http-port", String(server.ports.http), "--tftp-port", String(server.ports.tftp), "--transport", "http"];
    args.push(
      "--class",
      c,
      "--count",
      String(CLASS_COUNT),
      "--first-mac",
      CLASS_FIRST,
      "--state-root",
      stateRoot,
      "--key-size",
      "1024",
      "--attempts",
      "5",
      "--json",
    );
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 0, `${c}: ${stderr}${stdout}`);
    assert.deepEqual(((s) => [s.booted, s.failed])(JSON.parse(stdout)), [CLASS_COUNT, 0], c);
    assertEnrolled(stateRoot, CLASS_FIRST, c, CLASS_COUNT, 1);
  }
  assert.match(fleetPhoneName(CLASS_FIRST, 1, "ata"), /^ATA00CC00002001$/);
  assert.match(fleetPhoneName(CLASS_FIRST, 1, "csf"), /^CSF00CC00002001$/);
  const bad = await run(["fleet", "--server", "127.0.0.1", "--state-root", dir, "--class", "xyz"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /device class 'xyz': use one of sep, ata, csf, bot, tct, tab/);
});

test("fleet: usage errors exit 2; phones the server does not know fail with the step named, exit 1", async () => {
  assert.equal((await run(["fleet", "--server", "127.0.0.1"])).code, 2);
  assert.equal((await run(["fleet", "--server", "127.0.0.1", "--state-root", dir, "--transport", "ftp"])).code, 2);
  const unknown = await run(
    ["fleet", "--server", "127.0.0.1", "--http-port", String(server.ports.http), "--transport", "http", "--count", "2", "--first-mac", "00DD00000000"].concat([
      "--state-root",
      join(dir, "unknown"),
      "--key-size",
      "1024",
      "--attempts",
      "1",
      "--json",
    ]),
  );
  assert.equal(unknown.code, 1, unknown.stderr);
  const s = JSON.parse(unknown.stdout);
  assert.equal(s.failed, 2);
  assert.deepEqual(Object.keys(s.failures), ["config: config-unavailable"], "the failure names its step");
});

test("a CAPF at its connection limits: every phone still boots in one boot, told 'retry later' and trying again with back-off", async () => {
  const tight = join(dir, "tight");
  initDataFolder(tight);
  const tightDb = openDatabase(tight);
  const first = "00CC00003000";
  const count = 10;
  try {
    addProfile(tightDb, "Encrypted", { tftpencryptedconfig: true, keysize: 1024 });
    importDevices(
      tightDb,
      Array.from({ length: count * 2 }, (_, i) => fleetPhoneName(first, i)).map((name) => ({ where: name, name, profile: "Encrypted", capf: "install" })),
    );
  } finally {
    tightDb.close();
  }
  const log: string[] = [];
  // two connections from one address at most (one per source once 2 of 4 are taken): 10 phones at once must queue
  const limited = await startServer({
    data: tight,
    httpPort: 0,
    tftpPort: 0,
    capfPort: 0,
    capfMaxConnections: 4,
    capfMaxPerSource: 1,
    log: (l) => log.push(l),
  });
  try {
    const s = await runFleet({
      server: "127.0.0.1",
      httpPort: limited.ports.http,
      transport: "http",
      count,
      firstMac: first,
      concurrency: count,
      stateRoot: join(dir, "tight-phones"),
      keysAhead: true,
      keySize: 1024,
      fetchTimeoutMs: 15_000,
      attempts: 1, // no second boot: the CAPF retries within the boot must do it
    });
    assert.deepEqual([s.booted, s.failed], [count, 0], JSON.stringify(s.examples));
    assert.ok(s.retries.capf > 0, "the limit was met: some phone tried CAPF again");
    assert.ok(
      log.some((l) => /capf 127\.0\.0\.1:\d+: refused, already .*(told to retry later)?/.test(l)),
      "the server logged its refusals",
    );
    assert.ok(
      log.some((l) => /retry later sent \(already/.test(l)),
      "and told phones why",
    );

    // the CLI spreads the next 10 over 10 loopback addresses: the server sees 10 sources
    const spread = ["fleet", "--server", "127.0.0.1", "--http-port", String(limited.ports.http), "--transport", "http", "--count", String(count)];
    spread.push("--first-mac", fleetPhoneName(first, count).slice(3), "--concurrency", String(count), "--state-root", join(dir, "tight-spread"));
    spread.push("--keys-ahead", "--key-size", "1024", "--attempts", "1", "--source-addresses", String(count), "--json");
    const before = log.length;
    const { code, stdout, stderr } = await run(spread);
    assert.equal(code, 0, stderr + stdout);
    assert.deepEqual(((r) => [r.booted, r.failed])(JSON.parse(stdout)), [count, 0]);
    const sources = new Set(log.slice(before).flatMap((l) => /capf (127\.0\.0\.\d+):\d+ session/.exec(l)?.[1] ?? []));
    assert.deepEqual([...sources].sort(), Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`).sort());
  } finally {
    await limited.close();
  }
  const bad = await run(["fleet", "--server", "localhost", "--state-root", dir, "--source-addresses", "4"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--source-addresses needs a server on loopback \(--server 127\.x\.y\.z\), not 'localhost'/);
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "cnfguard"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
