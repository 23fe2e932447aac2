// The CLI's inputs and outputs under abuse (issue 11 items 8, 10, 11): inputs are bounded (an
// endless /dev/zero or a sparse 1 GiB file is refused at once, exit 3, naming the limit); every
// file a command writes refuses an OUT that is a symlink, a FIFO or a device (non-zero exit,
// nothing written through it) and leaves no side file; a malformed --itl is a verification
// failure (1); random bytes are not "a signed config"; `server init` makes an empty folder 0700.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { MAX_FILE_BYTES } from "../host/shared/boundedRead.js";
import { ITL_SHA1, PEER } from "./fuzz/signedCorpus.js";
import { runCli } from "./helpers/cliRun.js";

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "cnfguard-cli-inputs-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args, 60_000);

test("inspect, verify and certhash refuse /dev/zero and a sparse 1 GiB file at once: exit 3, the limit named", async () => {
  const sparse = join(dir, "sparse.bin");
  writeFileSync(sparse, "");
  truncateSync(sparse, 1 << 30);
  for (const input of ["/dev/zero", sparse]) {
    for (const args of [
      ["inspect", input],
      ["verify", input],
      ["certhash", input],
      ["verify", join(PEER, ITL_SHA1), "--itl", input],
    ]) {
      const r = await cli(...args);
      assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${MAX_FILE_BYTES} bytes`), args.join(" "));
      assert.ok(r.ms < 30_000, `${args.join(" ")} took ${r.ms} ms`);
    }
  }
});

test("a malformed --itl is a verification failure (exit 1), not a usage error", async () => {
  const bad = join(dir, "bad.tlv");
  writeFileSync(bad, Buffer.from([1, 2, 0, 1, 2, 0, 0, 0, 0]));
  const r = await cli("verify", join(PEER, ITL_SHA1), "--itl", bad);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /--itl/);
});

test("random bytes given to verify without --itl are not reported as a signed config", async () => {
  const noise = join(dir, "noise.bin");
  writeFileSync(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)));
  const r = await cli("verify", noise);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /is a signed config/);
  assert.match(r.stderr, /not a signed file or trust list/);
});

/** sign's arguments to write OUT, signing a small file with a fresh data folder's TFTP certificate. */
function signArgs(data: string, out: string): string[] {
  const body = join(dir, "body.xml");
  writeFileSync(body, "<device/>");
  return ["sign", body, "--cert", join(data, "pki", "tftp.pem"), "-o", out];
}

test("sign refuses an OUT that is a symlink, a FIFO or a device; nothing is written through it, no side file is left", async () => {
  const data = join(dir, "data");
  const init = await cli("server", "init", "--data", data);
  assert.equal(init.code, 0, init.stderr);
  const outs = join(dir, "outs");
  mkdirSync(outs);
  const victim = join(dir, "victim.txt");
  writeFileSync(victim, "keep me");
  symlinkSync(victim, join(outs, "link.sgn"));
  execFileSync("mkfifo", [join(outs, "fifo.sgn")]);
  symlinkSync("/dev/null", join(outs, "devnull.sgn"));
  for (const [name, kind] of [
    ["link.sgn", /symbolic link/],
    ["fifo.sgn", /FIFO/],
    ["devnull.sgn", /symbolic link/],
  ] as const) {
    const r = await cli(...signArgs(data, join(outs, name)));
    assert.notEqual(r.code, 0, `${name}: ${r.stdout}`);
    assert.match(r.stderr, kind, name);
  }
  const device = await cli(...signArgs(data, "/dev/null"));
  assert.notEqual(device.code, 0);
  assert.match(device.stderr, /a device/);
  assert.equal(readFileSync(victim, "utf8"), "keep me");
  assert.deepEqual(readdirSync(outs).sort(), ["devnull.sgn", "fifo.sgn", "link.sgn"], "no side file left");
  // A regular OUT is replaced, through a side file that does not remain.
  const good = join(outs, "good.sgn");
  writeFileSync(good, "old");
  const ok = await cli(...signArgs(data, good));
  assert.equal(ok.code, 0, ok.stderr);
  assert.notEqual(readFileSync(good, "utf8"), "old");
  assert.deepEqual(readdirSync(outs).sort(), ["devnull.sgn", "fifo.sgn", "good.sgn", "link.sgn"]);
});

test("decrypt -o refuses a planted symlink at OUT: the target never receives the config", async () => {
  const victim = join(dir, "decrypt-victim.txt");
  writeFileSync(victim, "keep me");
  const out = join(dir, "SEPA45630BBFA40.cnf.xml");
  symlinkSync(victim, out);
  const r = await cli(
    "decrypt",
    join(PEER, "enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn"),
    "--key",
    join(PEER, "devices/SEPA45630BBFA40.pem"),
    "--itl",
    join(PEER, ITL_SHA1),
    "-o",
    out,
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /symbolic link/);
  assert.equal(readFileSync(victim, "utf8"), "keep me");
});

test("server init into an existing empty folder makes it 0700", async () => {
  const empty = join(dir, "empty");
  mkdirSync(empty, { mode: 0o755 });
  const r = await cli("server", "init", "--data", empty);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(empty).mode & 0o777, 0o700);
});
