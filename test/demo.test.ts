// The npm start demo: a new phone reaches its encrypted config, the database's md5hash is the MD5
// of the LSC the phone printed, secrets are masked, and the temporary folder is gone afterwards.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { runDemo } from "../host/demo/demo.js";

test("the demo runs the seed end to end within a minute and cleans up", async () => {
  const lines: string[] = [];
  const started = Date.now();
  assert.equal(await runDemo((l) => lines.push(l)), 0, lines.join("\n"));
  assert.ok(Date.now() - started < 60_000);
  const text = lines.join("\n");
  const order = ["trust-list", "config", "cert-hash", "capf-tls", "capf-session", "reset", "trust-list", "config", "cert-hash", "encrypted-config", "apply"];
  const steps = lines.map((l) => /^[ ✗] ([a-z-]+)/.exec(l)?.[1]).filter((s): s is string => !!s && s !== "state");
  assert.deepEqual(steps, order);
  const lsc = /LSC installed, MD5 ([0-9a-f]{32})/.exec(text)?.[1];
  assert.ok(lsc, "the LSC's MD5 is printed");
  const row = lines.findIndex((l) => l.includes("run sql select md5hash,name from device"));
  assert.ok(row > 0);
  assert.match(lines.slice(row).join("\n"), new RegExp(`${lsc} SEPA45630BBFA40`), "md5hash row is the LSC's MD5");
  assert.match(text, /sshPassword: \*{8}/);
  assert.match(text, /authPassword: \*{8}/);
  const folder = /data folder (\S+)\/data/.exec(text)?.[1];
  assert.ok(folder && !existsSync(folder), "the demo removed its folder");
});
