// One ABI schema (assembly/abi/schema.json → the core's constants) and what is generated from
// it: host/generated/abi.ts + status.ts, build/cnfguard_abi.h and the marked tables of the ABI
// pages. Fresh here, and regenerated together when a constant changes (on a copy of assembly/).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as Abi from "../host/generated/abi.js";
import { STATUS } from "../host/generated/status.js";
import { repoRoot, wasmPath } from "../host/paths.js";

const GEN = join(repoRoot, "scripts", "genAbi.mjs");
const HEADER = join(repoRoot, "build", "cnfguard_abi.h");
const genAbi = (...args: string[]) => spawnSync(process.execPath, [GEN, ...args], { encoding: "utf8", timeout: 30_000 });

/** A copy of assembly/ (sources and pages only) in a fresh root. */
function copyTree(): string {
  const root = mkdtempSync(join(tmpdir(), "cnfguard-abi-"));
  cpSync(join(repoRoot, "assembly"), join(root, "assembly"), { recursive: true, filter: (p) => !p.includes("__tests__") });
  return root;
}

test("host tables, header and ABI pages are what the schema generates (node scripts/genAbi.mjs --check)", () => {
  const r = genAbi("--check");
  assert.equal(r.status, 0, r.stderr);
});

test("changing a constant in the core changes the host table, the header and the pages together", () => {
  const root = copyTree();
  try {
    assert.equal(genAbi("--root", root).status, 0);
    const read = (p: string) => readFileSync(join(root, p), "utf8");
    const before = ["host/generated/abi.ts", "build/cnfguard_abi.h", "assembly/README.md", "assembly/abi/fileAbi.md"].map(read);
    const modes = join(root, "assembly", "signed", "engineModes.ts");
    writeFileSync(modes, readFileSync(modes, "utf8").replace("export const EVENT_OUTPUT: u32 = 2;", "export const EVENT_OUTPUT: u32 = 8;"));

    const stale = genAbi("--root", root, "--check");
    assert.equal(stale.status, 1, "--check notices the change");
    for (const p of ["host/generated/abi.ts", "build/cnfguard_abi.h", "assembly/README.md", "assembly/abi/fileAbi.md"])
      assert.match(stale.stderr, new RegExp(p));

    assert.equal(genAbi("--root", root).status, 0);
    const [abiTs, header, readme, fileAbi] = ["host/generated/abi.ts", "build/cnfguard_abi.h", "assembly/README.md", "assembly/abi/fileAbi.md"].map(read);
    assert.notEqual(abiTs, before[0]);
    assert.match(abiTs, /\n {2}OUTPUT: 8,\n/);
    assert.match(header, /#define CNFGUARD_EVENT_OUTPUT\s+8u/);
    for (const page of [readme, fileAbi]) assert.match(page, /\| 8 \| `EVENT_OUTPUT` \| `CNFGUARD_EVENT_OUTPUT` \|/);
    assert.notEqual(readme, before[2]);
    assert.notEqual(fileAbi, before[3]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the generator refuses a schema it cannot trust (two constants with one value, a computed value)", () => {
  const root = copyTree();
  try {
    const modes = join(root, "assembly", "signed", "engineModes.ts");
    const text = readFileSync(modes, "utf8");
    writeFileSync(modes, text.replace("export const MODE_INSPECT: u32 = 3;", "export const MODE_INSPECT: u32 = 2;"));
    let r = genAbi("--root", root);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /assembly\/signed\/engineModes\.ts: MODE_INSPECT and MODE_TRUST_CHECK both have the value 2/);
    writeFileSync(modes, text.replace("export const MODE_INSPECT: u32 = 3;", "export const MODE_INSPECT: u32 = 1 + 2;"));
    r = genAbi("--root", root);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /MODE_INSPECT must be a number literal/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the host's tables agree with what the running module does", () => {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {});
  const ex = exports as Record<string, (...a: number[]) => number>;
  assert.equal(ex.abi_version(), Abi.ABI_VERSION);
  // Digest lengths are an independent meaning check of the hash selectors.
  const lengths: Record<string, number> = { MD5: 16, SHA1: 20, SHA256: 32, SHA512: 64 };
  for (const [name, sel] of Object.entries(Abi.Hash)) assert.equal(ex.hash_digest_length(sel), lengths[name], name);
  // A mode past the last is refused; every listed mode begins a session.
  for (const mode of Object.values(Abi.Mode)) assert.equal(ex.file_begin(mode), 0, `mode ${mode}`);
  assert.notEqual(ex.file_begin(Math.max(...Object.values(Abi.Mode)) + 1), 0);
});

test("the C header compiles as C11 and every constant is an integer constant expression equal to the host's", (t) => {
  if (spawnSync("sh", ["-c", "command -v gcc"]).status !== 0) return t.skip("gcc not installed: apt-get install gcc (CI installs it in .ci/run)");
  const asserts: string[] = [];
  const add = (c: string, v: number) => asserts.push(`_Static_assert(${c} == ${v}, "${c}");`);
  add("CNFGUARD_ABI_VERSION", Abi.ABI_VERSION);
  for (const [code, info] of STATUS) add(`CNFGUARD_${info.name}`, code);
  const cPrefix: Record<string, string> = {
    Mode: "MODE_",
    Event: "EVENT_",
    FileRegister: "REG_",
    HeaderRegister: "HEADER_REG_",
    HeaderBytes: "HEADER_BYTES_",
    RecordRegister: "RECORD_REG_",
    RecordBytes: "RECORD_BYTES_",
    Bank: "BANK_",
    Role: "ROLE_",
    KeyType: "KEY_",
    Hash: "HASH_",
  };
  for (const [table, prefix] of Object.entries(cPrefix)) {
    const entries = Object.entries((Abi as unknown as Record<string, Record<string, number>>)[table]);
    assert.ok(entries.length > 0, table);
    for (const [key, v] of entries) add(`CNFGUARD_${prefix}${key}`, v);
  }
  // The names the issue lists, by hand: a renamed group cannot slip through the loop above.
  for (const name of [
    "CNFGUARD_OK",
    "CNFGUARD_E_BAD_SIGNATURE",
    "CNFGUARD_MODE_CONFIG",
    "CNFGUARD_EVENT_HEADER_READY",
    "CNFGUARD_EVENT_OUTPUT",
    "CNFGUARD_EVENT_DONE",
  ])
    asserts.push(`_Static_assert(${name} >= 0, "${name}");`);
  for (const name of ["CNFGUARD_HASH_MD5", "CNFGUARD_HASH_SHA1", "CNFGUARD_HASH_SHA256", "CNFGUARD_HASH_SHA512", "CNFGUARD_REG_EVENTS"])
    asserts.push(`_Static_assert(${name} >= 0, "${name}");`);
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-abi-h-"));
  try {
    const src = join(dir, "check.c");
    writeFileSync(
      src,
      `#include <string.h>
#include "cnfguard_abi.h"
${asserts.join("\n")}
#if CNFGUARD_ABI_VERSION < 1
#error "usable in #if"
#endif
int events_kind(uint32_t ev) {
  switch (ev) { case CNFGUARD_EVENT_HEADER_READY: return 1; case CNFGUARD_EVENT_OUTPUT: return 2; case CNFGUARD_EVENT_DONE: return 3; default: return 0; }
}
int main(void) {
  return strcmp(cnfguard_status_name(CNFGUARD_E_BAD_SIGNATURE), "E_BAD_SIGNATURE") != 0 || cnfguard_status_name(9999u) != 0 || events_kind(CNFGUARD_EVENT_DONE) != 3;
}
`,
    );
    const exe = join(dir, "check");
    const cc = spawnSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", join(repoRoot, "build"), src, "-o", exe], { encoding: "utf8" });
    assert.equal(cc.status, 0, cc.stderr);
    assert.equal(spawnSync(exe).status, 0, "status names from the header");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(readFileSync(HEADER, "utf8").includes("#ifndef CNFGUARD_ABI_H"));
});
