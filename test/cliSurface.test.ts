// The command line's surface through bin/cnfguard: --version, help CMD, "did you mean", unknown
// options in our words, each action's own usage line, flag aliases, MAC forms, exit codes.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { cnfguard } from "./helpers/cliRun.js";

let tmp: string;
let data: string;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-cli-"));
  data = join(tmp, "data");
  assert.equal((await cnfguard(["server", "init", "--data", data])).code, 0);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("--version prints package.json's version", async () => {
  const r = await cnfguard(["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `cnfguard ${JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version}\n`);
});

test("help CMD prints that command's help, not the top-level one", async () => {
  for (const name of ["device", "sign", "server"]) {
    const r = await cnfguard(["help", name]);
    const own = await cnfguard([name, "--help"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, own.stdout, name);
    assert.match(r.stdout, new RegExp(`^usage: cnfguard ${name} `));
  }
  const unknown = await cnfguard(["help", "devcie"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'devcie' \(did you mean device\?\)/);
});

test("a mistyped command or option gets 'did you mean', in our words, exit 2", async () => {
  const cmd = await cnfguard(["inspcet", "x"]);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /unknown command 'inspcet' \(did you mean inspect\?\)/);
  const flag = await cnfguard(["device", "list", "--dat", tmp]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option --dat \(did you mean --data\?\)/);
  const far = await cnfguard(["device", "list", "--zzzzzz"]);
  assert.match(far.stderr, /unknown option --zzzzzz; --help lists the options/);
  const missing = await cnfguard(["device", "list", "--data"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--data needs a value/);
  const flagValue = await cnfguard(["device", "list", "--json=yes"]);
  assert.match(flagValue.stderr, /--json takes no value/);
  for (const r of [flag, far, missing, flagValue]) {
    assert.doesNotMatch(r.stderr, /To specify a positional argument|argument missing|does not take an argument|ERR_PARSE_ARGS/, "never Node's parser text");
  }
});

test("each action's error shows that action's usage line", async () => {
  const capf = await cnfguard(["device", "capf", "SEPA45630BBFA40", "--data", data]);
  assert.equal(capf.code, 2);
  assert.match(capf.stderr, /\nusage: cnfguard device capf DEVICE /);
  assert.doesNotMatch(capf.stderr, /device add/);
  const edit = await cnfguard(["device", "edit", "--data", data]);
  assert.match(edit.stderr, /\nusage: cnfguard device edit /);
  const none = await cnfguard(["device", "frobnicate", "--data", data]);
  assert.match(none.stderr, /device add[\s\S]*device capf/, "an unknown action shows every usage line");
});

const PEER = join(repoRoot, "vectors/peer");

test("--output beside --out (sign) and --out beside --output (decrypt); decrypt --json", async () => {
  const signed = join(tmp, "soft.sgn");
  const sign = await cnfguard(["sign", join(PEER, "plain/SoftKeys.xml"), "--cert", join(PEER, "pki/tftp.pem"), "--output", signed, "--json"]);
  assert.equal(sign.code, 0, sign.stderr);
  assert.equal(JSON.parse(sign.stdout).out, signed);
  assert.ok(readFileSync(signed).length > readFileSync(join(PEER, "plain/SoftKeys.xml")).length);
  const clash = await cnfguard(["sign", join(PEER, "plain/SoftKeys.xml"), "--cert", join(PEER, "pki/tftp.pem"), "--out", "a", "--output", "b"]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--out and --output are the same option/);
  const key = join(PEER, "devices/SEPA45630BBFA40.pem");
  const itl = join(PEER, "itl/ITLSEPA45630BBFA40.tlv");
  const file = join(PEER, "enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn");
  const out = join(tmp, "big.xml");
  const dec = await cnfguard(["decrypt", file, "--key", key, "--itl", itl, "--out", out, "--json"]);
  assert.equal(dec.code, 0, dec.stderr);
  const j = JSON.parse(dec.stdout);
  assert.equal(j.verified, true);
  assert.equal(j.out, out);
  assert.deepEqual(readFileSync(out), readFileSync(join(PEER, "plain/big.cnf.xml")), "the peer's plaintext");
  assert.equal(j.bytes, readFileSync(out).length);
  const toStdout = JSON.parse((await cnfguard(["decrypt", file, "--key", key, "--itl", itl, "--json"])).stdout);
  assert.equal(toStdout.config, readFileSync(join(PEER, "plain/big.cnf.xml"), "utf8"));
  const wrongList = await cnfguard(["decrypt", file, "--key", key, "--itl", join(PEER, "itl/ITLFile-sha512.tlv"), "--json"]);
  assert.equal(wrongList.code, 1);
  assert.equal(JSON.parse(wrongList.stdout).verified, false);
});

test("device takes the MAC in any form, as phone does; EC with TFTP Encrypted Config is warned about at once", async () => {
  const profile = await cnfguard(["profile", "add", "P1", "--data", data]);
  assert.equal(profile.code, 0, profile.stderr);
  const add = await cnfguard(["device", "add", "a4:56:30:bb:fa:41", "--profile", "P1", "--data", data, "--json"]);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(JSON.parse(add.stdout)[0].name, "SEPA45630BBFA41");
  for (const form of ["sepa45630bbfa41", "A4-56-30-BB-FA-41", "A45630BBFA41"]) {
    const capf = await cnfguard(["device", "capf", form, "install", "--data", data, "--json"]);
    assert.equal(capf.code, 0, `${form}: ${capf.stderr}`);
    assert.equal(JSON.parse(capf.stdout)[0].name, "SEPA45630BBFA41");
  }
  const ec = await cnfguard(["profile", "add", "EC", "--curve", "secp256r1", "--tftp-encrypted-config", "--data", data]);
  assert.equal(ec.code, 0, ec.stderr);
  assert.match(ec.stderr, /warning: 'EC' has an EC key \(secp256r1\) and TFTP Encrypted Config: phones with an EC key cannot receive an encrypted config/);
  const plain = await cnfguard(["profile", "add", "EC2", "--curve", "secp256r1", "--data", data]);
  assert.equal(plain.stderr, "", "no warning without TFTP Encrypted Config");
  const edit = await cnfguard(["profile", "edit", "EC2", "--tftp-encrypted-config", "--data", data]);
  assert.match(edit.stderr, /--key-size 2048, or --no-tftp-encrypted-config/);
  const fixed = await cnfguard(["profile", "edit", "EC2", "--key-size", "2048", "--data", data]);
  assert.equal(fixed.stderr, "");
});

test("phone and diagnose against a server that is not there: exit 3; diagnose --json has ok and skipped", async () => {
  const args = ["--server", "127.0.0.1", "--mac", "A4:56:30:BB:FA:42", "--http-port", "1", "--tftp-port", "1", "--transport", "http"];
  const phone = await cnfguard(["phone", ...args, "--state", join(tmp, "phone1")]);
  assert.equal(phone.code, 3, phone.stderr);
  assert.match(phone.stderr, /cannot connect/);
  const diag = await cnfguard(["diagnose", ...args, "--state", join(tmp, "phone2"), "--json"]);
  assert.equal(diag.code, 3, diag.stderr);
  const report = JSON.parse(diag.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.checks[0].skipped, undefined);
  assert.ok(report.checks.length > 1 && report.checks.slice(1).every((c: { skipped?: boolean }) => c.skipped === true));
});

test("demo --keep keeps its folder and says where", async () => {
  const r = await cnfguard(["demo", "--keep"], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const kept = /== kept (\S+): the server's data folder is (\S+),/.exec(r.stdout);
  assert.ok(kept, r.stdout);
  try {
    assert.ok(readFileSync(join(kept[2], "cnfguard.db")).length > 0);
  } finally {
    rmSync(kept[1], { recursive: true, force: true });
  }
});
