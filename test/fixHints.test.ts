// Every fix the code can print is a command that runs (issue 11 item 6): each hint in
// host/shared/fixHints.ts, filled with a real device and profile, runs against a real data
// folder and does not exit 2 (usage); and no message elsewhere spells a cnfguard command itself.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../host/server/database.js";
import { initDataFolder } from "../host/server/dataFolder.js";
import { addDevice } from "../host/server/deviceStore.js";
import { addProfile } from "../host/server/profileStore.js";
import { type FixHint, fixHints } from "../host/shared/fixHints.js";

const BIN = fileURLToPath(new URL("../../bin/cnfguard", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DEVICE = "SEPA45630BBFA99";
const PROFILE = "Cisco 7942 - Hint Profile";
let tmp: string;
let data: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-hints-"));
  data = join(tmp, "data");
  initDataFolder(data, "127.0.0.1");
  const db = openDatabase(data);
  addProfile(db, PROFILE, { tftpencryptedconfig: false });
  addDevice(db, DEVICE, { profile: PROFILE });
  db.close();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `cnfguard ARGV…` for at most `ms`; a long-running command (server start) is stopped once it is up. */
function run(argv: string[], ms = 20_000): Promise<{ code: number | null; stderr: string; stopped: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stopped = false;
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => {
      if (/cnfguard server on /.test(d.toString())) {
        stopped = true;
        child.kill("SIGTERM");
      }
    });
    const timer = setTimeout(() => {
      stopped = true;
      child.kill("SIGKILL");
    }, ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stopped });
    });
  });
}

/** Every hint, filled with this folder's device and profile. */
function everyHint(): Array<[string, FixHint]> {
  return [
    ["initDataFolder", fixHints.initDataFolder(join(tmp, "fresh"))],
    ["initRecovery", fixHints.initRecovery(data)],
    ["scheduleCapf install", fixHints.scheduleCapf(DEVICE)],
    ["scheduleCapf fetch", fixHints.scheduleCapf(DEVICE, "fetch")],
    ["showRecordedHash", fixHints.showRecordedHash(DEVICE)],
    ["showProfile", fixHints.showProfile(DEVICE)],
    ["encryptConfigs", fixHints.encryptConfigs(PROFILE)],
    ["startServer", fixHints.startServer()],
    ["listDevices", fixHints.listDevices()],
    ["listProfiles", fixHints.listProfiles()],
    ["verifyWithTrustList", fixHints.verifyWithTrustList(join(REPO, "vectors", "peer", "itl", "ITLSEPA45630BBFA40.tlv"))],
  ];
}

test("every hint's text is its argv as a shell reads it", () => {
  for (const [name, h] of everyHint()) {
    assert.ok(h.text.startsWith("cnfguard "), name);
    // Undo the quoting the simple way a POSIX shell does for these words.
    const words = [...h.text.matchAll(/"([^"]*)"|'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => m[1] ?? m[2]?.replace(/'\\''/g, "'") ?? m[3]);
    assert.deepEqual(words.slice(1), h.argv, name);
  }
  const covered = new Set(everyHint().map(([name]) => name.split(" ")[0]));
  assert.deepEqual(
    Object.keys(fixHints).filter((k) => !covered.has(k)),
    [],
    "every hint is run by the test below",
  );
});

test("every hint runs against a real data folder and none is a usage error", async () => {
  for (const [name, h] of everyHint()) {
    // The phone prints hints for the server's administrator, whose --data is their own folder.
    const argv = name === "initDataFolder" || name === "verifyWithTrustList" || name === "initRecovery" ? h.argv : [...h.argv, "--data", data];
    const extra = name === "startServer" ? ["--http-port", "0", "--tftp-port", "0", "--capf-port", "0"] : [];
    const r = await run([...argv, ...extra]);
    assert.notEqual(r.code, 2, `${h.text}: exit 2: ${r.stderr}`);
    if (!r.stopped && name !== "verifyWithTrustList") assert.equal(r.code, 0, `${h.text}: ${r.stderr}`);
  }
});

test("no message outside fixHints.ts spells a cnfguard command", () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !path.endsWith("fixHints.ts")) {
        // Help texts (const help = `…`;) show usage, not fixes.
        readFileSync(path, "utf8")
          .replace(/const help = `[\s\S]*?`;/g, "")
          .split("\n")
          .forEach((line, i) => {
            // A message is a quoted string; help texts (usage lines, "see cnfguard X") are not checked.
            const quoted = /[`'"]/.test(line) && !/^\s*(\/\/|\/?\*)/.test(line) && !/usage: cnfguard/.test(line);
            if (quoted && /cnfguard (server (init|start)|device|profile|sql|verify|trace|diagnose|phone) /.test(line))
              offenders.push(`${path}:${i + 1}: ${line.trim()}`);
          });
      }
    }
  };
  walk(join(REPO, "host"));
  assert.deepEqual(offenders, []);
});
