// A second WebAssembly engine: wabt's wasm-interp runs the built core's exports. selftest
// must return 0 there too, and the parameterless exports that describe the memory layout
// must agree with what Node's engine reports. Skipped when wasm-interp is absent.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { wasmPath } from "../host/paths.js";

const LAYOUT = ["in_ptr", "in_cap", "out_ptr", "out_cap", "reg_ptr", "reg_count", "abi_version", "static_end", "hash_slots"];

test("wasm-interp: selftest returns 0 and the layout exports match Node's engine", { timeout: 120_000 }, async (t) => {
  if (spawnSync("sh", ["-c", "command -v wasm-interp"]).status !== 0) {
    t.skip("wasm-interp not installed: apt-get install wabt (CI installs it in .ci/run)");
    return;
  }
  // --run-all-exports calls every export without parameters, in export order, selftest first.
  const r = spawnSync("wasm-interp", [wasmPath, "--run-all-exports"], { encoding: "utf8", timeout: 100_000 });
  assert.equal(r.status, 0, r.stderr);
  const results = new Map<string, string>();
  for (const m of r.stdout.matchAll(/^(\w+)\(\) => (.*)$/gm)) results.set(m[1], m[2]);

  assert.equal(results.get("selftest"), "i32:0", `selftest in wasm-interp: ${results.get("selftest") ?? r.stdout}`);

  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath));
  const exports = instance.exports as Record<string, () => number>;
  for (const name of LAYOUT) assert.equal(results.get(name), `i32:${exports[name]() | 0}`, name);
});
