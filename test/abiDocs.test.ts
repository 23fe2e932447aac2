// assembly/README.md and assembly/abi/*.md are the firmware teams' contract: every export
// of the built module and every status code must be written down there.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { STATUS } from "../host/generated/status.js";
import { repoRoot, wasmPath } from "../host/paths.js";

const asm = join(repoRoot, "assembly");
const docs = [
  readFileSync(join(asm, "README.md"), "utf8"),
  ...readdirSync(join(asm, "abi"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => readFileSync(join(asm, "abi", f), "utf8")),
].join("\n");

test("every export of build/cnfguard.wasm is documented", () => {
  const names = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)))
    .map((e) => e.name)
    .filter((n) => n !== "memory");
  const missing = names.filter((n) => !docs.includes(`\`${n}`) && !new RegExp(`\\b${n}\\(`).test(docs));
  assert.deepEqual(missing, [], "exports missing from assembly/README.md and assembly/abi/*.md");
});

test("every status code is listed in assembly/README.md with its name", () => {
  const readme = readFileSync(join(asm, "README.md"), "utf8");
  for (const [code, info] of STATUS) assert.match(readme, new RegExp(`\\| ${code} \\| \`${info.name}\` \\|`), `${info.name} (${code})`);
});
