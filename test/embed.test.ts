// The firmware kit (embed/): the core turned into C by wasm2c, built for x86-64 and, where the
// cross compilers are installed, aarch64 and 32-bit ARM (run under qemu-user). Each build runs
// its selftest, decrypts peer vectors to the peer's plaintext, and refuses a tampered file, a
// wrong key and a wrong trust list with nothing on stdout. Skipped when wasm2c or gcc is absent.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot, vectorsDir, wasmPath } from "../host/paths.js";

const PEER = join(vectorsDir, "peer");
const EMBED = join(repoRoot, "build", "embed");
const SOURCES = ["embed/build.sh", "embed/cnfguard-embed.c", "build/cnfguard_abi.h"].map((p) => join(repoRoot, p));

function installed(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

/** How to run each architecture's binary on this machine (ARM ones under qemu-user). */
const ARCHES: { arch: string; runner: string[]; tool?: string }[] = [
  { arch: "x86_64", runner: [] },
  { arch: "aarch64", runner: ["qemu-aarch64"], tool: "qemu-aarch64" },
  { arch: "armhf", runner: ["qemu-arm"], tool: "qemu-arm" },
];

const binary = (arch: string) => join(EMBED, arch, "cnfguard-embed");

/** Build once per test run, reusing a build newer than the core and the kit's sources. */
function freshBuild(): string | undefined {
  const x86 = binary("x86_64");
  const built = existsSync(x86) ? statSync(x86).mtimeMs : 0;
  if (built > Math.max(...[wasmPath, ...SOURCES].map((p) => statSync(p).mtimeMs))) return undefined;
  const r = spawnSync("bash", [join(repoRoot, "embed", "build.sh")], { cwd: repoRoot, encoding: "utf8", timeout: 180_000 });
  return r.status === 0 ? undefined : `embed/build.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`;
}

function run(arch: string, runner: string[], args: string[]) {
  const [cmd, ...pre] = [...runner, binary(arch)];
  const r = spawnSync(cmd, [...pre, ...args], { maxBuffer: 1 << 24, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

const missing = ["wasm2c", "gcc"].filter((t) => !installed(t));

test("firmware kit: build, selftest and decrypt on every built architecture", { timeout: 240_000 }, async (t) => {
  if (missing.length > 0) {
    t.skip(`${missing.join(" and ")} not installed: apt-get install wabt gcc (CI installs them in .ci/run)`);
    return;
  }
  const failure = freshBuild();
  assert.equal(failure, undefined, failure);

  const dir = mkdtempSync(join(tmpdir(), "cnfguard-embed-"));
  try {
    // Keys in both DER forms the ABI accepts, converted by node:crypto (not by the core).
    const key = (device: string, type: "pkcs1" | "pkcs8") => {
      const path = join(dir, `${device}.${type}.der`);
      writeFileSync(path, createPrivateKey(readFileSync(join(PEER, "devices", `${device}.pem`))).export({ type, format: "der" }));
      return path;
    };
    const key2048 = key("SEPA45630BBFA40", "pkcs1");
    const key4096 = key("SEP58971ECC97C1", "pkcs8");
    const wrongKey = key("SEP0000000A0711", "pkcs8");
    const itlSha1 = join(PEER, "itl", "ITLSEPA45630BBFA40.tlv"); // cucm-lab signs the sha1-rsa2048 and big configs
    const itlSha512 = join(PEER, "itl", "ITLFile-sha512.tlv"); // cucm4k-lab signs the sha512-rsa4096 configs
    const big = join(PEER, "enc", "big", "SEPA45630BBFA40.cnf.xml.enc.sgn");
    const tampered = join(dir, "tampered.enc.sgn");
    const bytes = readFileSync(big);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(tampered, bytes);
    const plain = (name: string) => readFileSync(join(PEER, "plain", name));

    for (const { arch, runner, tool } of ARCHES) {
      await t.test(arch, (tt) => {
        if (!existsSync(binary(arch))) return tt.skip(`no ${arch} build (its cross compiler is not installed)`);
        if (tool && !installed(tool)) return tt.skip(`${tool} not installed: apt-get install qemu-user`);
        const exec = (...args: string[]) => run(arch, runner, args);

        const self = exec("selftest");
        assert.equal(self.code, 0, `selftest: ${self.err}`);

        const cases: [string, string, string, Buffer][] = [
          [join(PEER, "enc", "sha1-rsa2048", "SEPA45630BBFA40.cnf.xml.enc.sgn"), key2048, itlSha1, plain("SEPA45630BBFA40.cnf.xml")],
          [join(PEER, "enc", "sha512-rsa4096", "SEP58971ECC97C1.cnf.xml.enc.sgn"), key4096, itlSha512, plain("SEP58971ECC97C1.cnf.xml")],
          [big, key2048, itlSha1, plain("big.cnf.xml")],
        ];
        for (const [file, keyPath, itl, expected] of cases) {
          const r = exec("decrypt", file, keyPath, itl);
          assert.equal(r.code, 0, `${file}: ${r.err}`);
          assert.ok(r.out.equals(expected), `${arch} plaintext of ${file} differs from the peer's`);
        }

        const refusals: [string[], RegExp][] = [
          [[tampered, key2048, itlSha1], /E_BAD_SIGNATURE/],
          [[big, wrongKey, itlSha1], /E_CONTENT_HASH/],
          [[big, key2048, itlSha512], /E_UNKNOWN_SIGNER/],
        ];
        for (const [args, reason] of refusals) {
          const r = exec("decrypt", ...args);
          assert.equal(r.code, 1, `${args.join(" ")}: exit ${r.code}, ${r.err}`);
          assert.match(r.err, reason);
          assert.equal(r.out.length, 0, "no plaintext on stdout for a refused file");
        }
        assert.equal(exec("decrypt", big).code, 2, "usage error");
        assert.equal(exec("decrypt", join(dir, "absent.enc.sgn"), key2048, itlSha1).code, 3, "I/O error");
      });
    }

    await t.test("bench runs its fixed work (x86_64)", () => {
      const r = run("x86_64", [], ["bench"]);
      assert.equal(r.code, 0, r.err + r.out.toString());
      const lines = r.out.toString().trim().split("\n");
      assert.equal(lines.length, 6);
      for (const line of lines) assert.match(line, /\d+\.\d{3} ms$/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
