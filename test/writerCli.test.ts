// `cnfguard sign | encrypt | itl` as a user runs them: files written, exit codes, messages that name the fix.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { constants, createDecipheriv, createPrivateKey, createVerify, privateDecrypt, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("../../", import.meta.url).pathname;
const V = join(ROOT, "vectors/peer");
const BIN = join(ROOT, "bin/cnfguard");

/**
 * Runs a subcommand through bin/cnfguard once the dispatcher lists it; until then through the
 * command module directly, mapping errors to exit codes as the dispatcher does.
 */
const FALLBACK = `
const [name, ...argv] = process.argv.slice(1);
const { command } = await import(${JSON.stringify(join(ROOT, "dist/host/cli/"))} + name + "Command.js");
if (argv.includes("--help")) { process.stdout.write(command.help + "\\n"); process.exit(0); }
try { process.exitCode = await command.run(argv); }
catch (e) { process.stderr.write("cnfguard " + name + ": " + e.message + "\\n"); process.exitCode = { UsageError: 2, IoError: 3 }[e.name] ?? 1; }`;

let dispatcherKnows: boolean | undefined;
async function cnfguard(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (dispatcherKnows === undefined) {
    const probe = await run(process.execPath, [BIN, "sign", "--help"], cwd);
    dispatcherKnows = probe.code === 0;
  }
  return dispatcherKnows ? run(process.execPath, [BIN, ...args], cwd) : run(process.execPath, ["--input-type=module", "-e", FALLBACK, ...args], cwd);
}

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

function withTempDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "cnfguard-writer-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "sign --help names every option; sign reproduces the peer's SoftKeys.xml.sgn",
  withTempDir(async (dir) => {
    const help = await cnfguard(["sign", "--help"], dir);
    assert.equal(help.code, 0);
    for (const option of ["--cert", "--hash", "--out", "--filename", "--timestamp", "--json"]) assert.ok(help.stdout.includes(option), option);
    const peer = readFileSync(join(V, "sgn/SoftKeys.xml.sgn"));
    const timestamp = String(peer.readUInt32BE(peer.indexOf(Buffer.from([15, 0, 4])) + 3));
    const r = await cnfguard(
      ["sign", join(V, "plain/SoftKeys.xml"), "--cert", join(V, "pki/tftp.pem"), "-o", "SoftKeys.xml.sgn", "--timestamp", timestamp],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote SoftKeys\.xml\.sgn \(468 bytes, SHA1, signed by CN=cucm-lab,O=Cisco,OU=It,L=KRK,ST=PL,C=PL\)\n$/);
    assert.deepEqual(readFileSync(join(dir, "SoftKeys.xml.sgn")), peer);
  }),
);

test(
  "sign defaults to FILE.sgn and refuses SHA-256, missing options and unreadable files with the right exit code",
  withTempDir(async (dir) => {
    writeFileSync(join(dir, "Ringer.raw"), Buffer.alloc(100, 7));
    const ok = await cnfguard(["sign", "Ringer.raw", "--cert", join(V, "pki/tftp4096.pem"), "--hash", "sha512", "--json"], dir);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.equal(summary.out, "Ringer.raw.sgn");
    assert.equal(summary.hash, "sha512");
    const file = readFileSync(join(dir, "Ringer.raw.sgn"));
    assert.equal(summary.bytes, file.length);
    assert.equal(summary.headerLength, file.length - 100);
    assert.ok(file.includes(Buffer.from("Ringer.raw.sgn\0")), "header filename defaults to OUT's base name");
    const sha256 = await cnfguard(["sign", "Ringer.raw", "--cert", join(V, "pki/tftp.pem"), "--hash", "sha256"], dir);
    assert.equal(sha256.code, 2);
    assert.match(sha256.stderr, /use sha1 or sha512/);
    assert.equal((await cnfguard(["sign", "Ringer.raw"], dir)).code, 2);
    const missing = await cnfguard(["sign", "nope.xml", "--cert", join(V, "pki/tftp.pem")], dir);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /nope\.xml: no such file/);
    const certOnly = join(dir, "cert-only.pem");
    writeFileSync(certOnly, new X509Certificate(readFileSync(join(V, "pki/tftp.pem"))).toString());
    const noKey = await cnfguard(["sign", "Ringer.raw", "--cert", certOnly], dir);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /cert-only\.pem: no unencrypted PRIVATE KEY block/);
  }),
);

test(
  "encrypt writes an .enc.sgn the device key opens, and refuses an EC device certificate",
  withTempDir(async (dir) => {
    const config = "<device><sshPassword>secret</sshPassword></device>\n";
    writeFileSync(join(dir, "SEPA45630BBFA40.cnf.xml"), config);
    const r = await cnfguard(
      ["encrypt", "SEPA45630BBFA40.cnf.xml", "--cert", join(V, "devices/SEPA45630BBFA40.pem"), "--signer", join(V, "pki/tftp.pem"), "--json"],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).deviceKeyBits, 2048);
    const file = readFileSync(join(dir, "SEPA45630BBFA40.cnf.xml.enc.sgn"));
    assert.ok(!file.includes(Buffer.from("secret")));
    // Open it by hand: tag 25 unwrapped with the device key, tag 19 the IV, tag 20 the pad count.
    const at = (tag: number, length: number) => {
      const i = file.indexOf(Buffer.from([tag, length >> 8, length & 0xff]));
      return file.subarray(i + 3, i + 3 + length);
    };
    const device = createPrivateKey(readFileSync(join(V, "devices/SEPA45630BBFA40.pem")));
    const em = privateDecrypt({ key: device, padding: constants.RSA_NO_PADDING }, at(25, 256));
    const key = em.subarray(em.indexOf(0, 2) + 1);
    const headerLength = file.readUInt16BE(8);
    const decipher = createDecipheriv("aes-128-cbc", key, at(19, 16)).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(file.subarray(headerLength)), decipher.final()]);
    assert.equal(padded.subarray(0, padded.length - at(20, 2).readUInt16BE(0)).toString(), config);
    const ec = await cnfguard(
      ["encrypt", "SEPA45630BBFA40.cnf.xml", "--cert", join(V, "devices/SEPEC0000000256.pem"), "--signer", join(V, "pki/tftp.pem")],
      dir,
    );
    assert.equal(ec.code, 1);
    assert.match(ec.stderr, /SEPEC0000000256\.pem: the device certificate holds an EC key: encrypted configs need an RSA device key/);
    const noSigner = await cnfguard(["encrypt", "SEPA45630BBFA40.cnf.xml", "--cert", join(V, "devices/SEPA45630BBFA40.pem")], dir);
    assert.equal(noSigner.code, 2);
    assert.match(noSigner.stderr, /--signer SIGNER\.pem is required/);
  }),
);

test(
  "itl re-creates the peer's ITLSEPA45630BBFA40.tlv, adds the SAST record itself, and rejects unknown roles",
  withTempDir(async (dir) => {
    const peer = readFileSync(join(V, "itl/ITLSEPA45630BBFA40.tlv"));
    const timestamp = String(peer.readUInt32BE(peer.indexOf(Buffer.from([15, 0, 4])) + 3));
    const pki = (n: string) => join(V, "pki", `${n}.pem`);
    const r = await cnfguard(
      [
        "itl",
        "--sast",
        pki("sast"),
        "--record",
        `CCM:${pki("tftp")}`,
        "--record",
        `tftp:${pki("tftp")}`,
        "--record",
        `CAPF:${pki("capf")}`,
        "--record",
        `21:${pki("tvs")}`,
        "--timestamp",
        timestamp,
        "-o",
        "ITLSEPA45630BBFA40.tlv",
        "--json",
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).records.map((x: { role: string }) => x.role),
      ["SAST", "CCM", "TFTP", "CAPF", "TVS"],
    );
    assert.deepEqual(readFileSync(join(dir, "ITLSEPA45630BBFA40.tlv")), peer);
    const help = await cnfguard(["itl", "--help"], dir);
    assert.match(help.stdout, /--record ROLE:CERT/);
    const bad = await cnfguard(["itl", "--sast", pki("sast"), "--record", `BOSS:${pki("tftp")}`], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown role BOSS/);
    const noColon = await cnfguard(["itl", "--sast", pki("sast"), "--record", pki("tftp")], dir);
    assert.equal(noColon.code, 2);
    // Default output name; the list verifies under the SAST key with node:crypto.
    const plain = await cnfguard(["itl", "--sast", pki("sast2"), "--hash", "sha512"], dir);
    assert.equal(plain.code, 0, plain.stderr);
    const list = readFileSync(join(dir, "ITLFile.tlv"));
    const sigAt = list.indexOf(Buffer.from([12, 1, 0]));
    const verifier = createVerify("sha512");
    verifier.update(list.subarray(0, sigAt));
    verifier.update(list.subarray(sigAt + 3 + 256));
    assert.equal(verifier.verify(new X509Certificate(readFileSync(pki("sast2"))).publicKey, list.subarray(sigAt + 3, sigAt + 3 + 256)), true);
  }),
);
