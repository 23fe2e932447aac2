// "No table lookup indexed by key or data", checked on the built module: binaryen
// instruments every load and store (reporting its address) and every loop header and
// function entry; the AES exports must then touch the same addresses in the same order
// and run the same loops for any key, IV and data of a given length. A control module
// with a real table lookup and a data-dependent loop shows the harness would notice.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import binaryen from "binaryen";
import { wasmPath } from "../host/paths.js";

type Exports = Record<string, (...args: number[]) => number>;

interface Traced {
  exports: Exports;
  memory: Uint8Array;
  /** Run fn and return the events it caused: ["L", address] / ["S", address] / ["X", site]. */
  trace(fn: () => void): string[];
}

function instrument(binary: Uint8Array): Traced {
  const mod = binaryen.readBinary(binary);
  mod.runPasses(["instrument-memory", "log-execution"]);
  const instrumented = mod.emitBinary();
  mod.dispose();
  let events: string[] | undefined;
  const pass = (_id: number, value: unknown): unknown => value;
  const env = {
    load_ptr: (_id: number, bytes: number, offset: number, address: number) => {
      events?.push(`L${bytes}@${address + offset}`);
      return address;
    },
    store_ptr: (_id: number, bytes: number, offset: number, address: number) => {
      events?.push(`S${bytes}@${address + offset}`);
      return address;
    },
    log_execution: (site: number) => {
      events?.push(`X${site}`);
    },
    load_val_i32: pass,
    load_val_i64: pass,
    load_val_f32: pass,
    load_val_f64: pass,
    store_val_i32: pass,
    store_val_i64: pass,
    store_val_f32: pass,
    store_val_f64: pass,
    memory_grow_pre: pass,
    memory_grow_post: pass,
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(instrumented)), { env });
  const exports = instance.exports as unknown as Exports;
  const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
  return {
    exports,
    memory,
    trace(fn) {
      events = [];
      fn();
      const out = events;
      events = undefined;
      return out;
    },
  };
}

/** The events of begin (key schedule) and one update of `blocks` blocks, for random inputs. */
function aesTrace(core: Traced, encrypt: number, blocks: number): string[] {
  const inPtr = core.exports.in_ptr();
  core.memory.set(randomBytes(32), inPtr);
  const begin = core.trace(() => assert.equal(core.exports.aes_cbc_begin(encrypt), 0));
  core.memory.set(randomBytes(blocks * 16), inPtr);
  const update = core.trace(() => assert.equal(core.exports.aes_cbc_update(blocks * 16), 0));
  return [...begin, "|", ...update];
}

test("AES key schedule, encryption and decryption touch the same addresses and run the same loops for any key and data", () => {
  const core = instrument(readFileSync(wasmPath));
  for (const encrypt of [0, 1]) {
    for (const blocks of [1, 3, 4, 9]) {
      const first = aesTrace(core, encrypt, blocks);
      assert.ok(first.length > 1000, `the trace records the work (${first.length} events)`);
      for (let run = 0; run < 3; run++) {
        const again = aesTrace(core, encrypt, blocks);
        assert.equal(again.length, first.length, `${encrypt ? "encrypt" : "decrypt"} ${blocks} blocks: event count`);
        assert.ok(
          again.every((e, i) => e === first[i]),
          `${encrypt ? "encrypt" : "decrypt"} ${blocks} blocks: same event sequence`,
        );
      }
    }
  }
});

test("the harness sees a table lookup and a data-dependent loop (control)", () => {
  const mod = binaryen.parseText(`(module
    (memory (export "memory") 1)
    (func (export "lookup") (param $x i32) (result i32) (i32.load8_u offset=256 (local.get $x)))
    (func (export "count") (param $n i32) (result i32)
      (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
      (local.get $n)))`);
  const binary = mod.emitBinary();
  mod.dispose();
  const control = instrument(binary);
  assert.notDeepEqual(
    control.trace(() => control.exports.lookup(3)),
    control.trace(() => control.exports.lookup(200)),
  );
  assert.notDeepEqual(
    control.trace(() => control.exports.count(2)),
    control.trace(() => control.exports.count(5)),
  );
});
