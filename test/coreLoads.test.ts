// The core is a plain module: it instantiates with an empty import object and
// exposes its fixed windows inside its fixed memory.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { wasmPath } from "../host/paths.js";

test("core instantiates with an empty import object and imports nothing", () => {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const instance = new WebAssembly.Instance(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const ex = instance.exports as Record<string, () => number>;
  const size = memory.buffer.byteLength;
  assert.ok(size <= 2 * 65536, `memory is ${size} bytes, budget is 2 pages`);
  for (const [ptr, cap] of [
    ["in_ptr", "in_cap"],
    ["out_ptr", "out_cap"],
  ]) {
    assert.ok(ex[ptr]() > 0 && ex[ptr]() + ex[cap]() <= size, `${ptr} window lies inside memory`);
  }
  assert.ok(ex.reg_ptr() + 4 * ex.reg_count() <= size);
});

test("every export takes and returns only i32 (a C-style ABI)", () => {
  // WebAssembly's JS API does not expose signatures; read them from the binary.
  const bytes = readFileSync(wasmPath);
  const sigs = exportSignatures(bytes);
  for (const [name, sig] of sigs) {
    assert.match(sig, /^\((i32(,i32)*)?\)->(i32)?$/, `${name} has signature ${sig}`);
  }
  assert.ok(sigs.size > 5);
});

/** Minimal reader of the type, function and export sections: name → "(i32,i32)->i32". */
function exportSignatures(b: Uint8Array): Map<string, string> {
  let p = 8;
  const leb = (): number => {
    let r = 0,
      s = 0,
      x: number;
    do {
      x = b[p++];
      r |= (x & 0x7f) << s;
      s += 7;
    } while (x & 0x80);
    return r >>> 0;
  };
  const names: Record<number, string> = { 127: "i32", 126: "i64", 125: "f32", 124: "f64" };
  const types: string[] = [];
  const funcTypes: number[] = [];
  const out = new Map<string, string>();
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        p++; // 0x60
        const params = Array.from({ length: leb() }, () => names[b[p++]] ?? "?");
        const results = Array.from({ length: leb() }, () => names[b[p++]] ?? "?");
        types.push(`(${params.join(",")})->${results.join(",")}`);
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) funcTypes.push(leb());
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = new TextDecoder().decode(b.subarray(p, p + len));
        p += len;
        const kind = b[p++];
        const idx = leb();
        if (kind === 0) out.set(name, types[funcTypes[idx]]);
      }
    }
    p = end;
  }
  return out;
}
