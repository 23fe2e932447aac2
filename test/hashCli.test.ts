// `cnfguard hash` against coreutils as the oracle: the same bytes on stdout as md5sum,
// sha1sum, sha256sum and sha512sum for ordinary and awkward file names and for stdin.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCnfguard as cnfguard, withScratchDir } from "./helpers/hashScratch.js";

const coreutils = (alg: string, args: string[], opts: { cwd?: string; input?: Uint8Array } = {}) =>
  spawnSync(`${alg}sum`, args, { cwd: opts.cwd, input: opts.input, encoding: "utf8" });
const withDir = (fn: (dir: string) => unknown) => withScratchDir("hashcli", fn);

test("output equals coreutils for several files, odd names and sizes around the blocks", async () => {
  await withDir((dir) => {
    const files: string[] = [];
    const names = ["empty", "plain.bin", "with space", "back\\slash", "new\nline", "carriage\rreturn", "ünïcode"];
    const sizes = [0, 55, 64, 111, 128, 70_000, 300_001];
    names.forEach((name, i) => {
      writeFileSync(join(dir, name), randomBytes(sizes[i]));
      files.push(name);
    });
    for (const alg of ["md5", "sha1", "sha256", "sha512"]) {
      const ours = cnfguard(["hash", alg, ...files], { cwd: dir });
      const theirs = coreutils(alg, files, { cwd: dir });
      assert.equal(theirs.status, 0, theirs.stderr);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout, alg);
    }
  });
});

test("'-' and no FILE read standard input, like coreutils", () => {
  const input = randomBytes(100_000);
  for (const args of [["-"], []]) {
    const ours = cnfguard(["hash", "sha256", ...args], { input });
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, coreutils("sha256", args, { input }).stdout);
  }
});

test("--json lists file, algorithm and digest", async () => {
  await withDir((dir) => {
    writeFileSync(join(dir, "a"), "abc");
    const r = cnfguard(["hash", "sha1", "--json", "a"], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ file: "a", algorithm: "sha1", digest: "a9993e364706816aba3e25717850c26c9cd0d89d" }]);
  });
});

test("a missing file is named on stderr, the others are still hashed, exit 3", async () => {
  await withDir((dir) => {
    writeFileSync(join(dir, "here"), "data");
    const r = cnfguard(["hash", "md5", "gone", "here"], { cwd: dir });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /gone: no such file/);
    assert.equal(r.stdout, coreutils("md5", ["here"], { cwd: dir }).stdout);
    const d = cnfguard(["hash", "md5", "."], { cwd: dir });
    assert.equal(d.status, 3);
    assert.match(d.stderr, /\.: is a directory/);
  });
});

test("usage errors exit 2 and --help explains the format", () => {
  const none = cnfguard(["hash"]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /name an algorithm: md5\|sha1\|sha256\|sha512/);
  const bad = cnfguard(["hash", "sha384", "x"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown algorithm 'sha384'/);
  assert.equal(cnfguard(["hash", "md5", "--bogus"]).status, 2);
  const help = cnfguard(["hash", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: cnfguard hash md5\|sha1\|sha256\|sha512/);
});
