// The core instrumented by binaryen for constant-time tests: every load and store reports its
// address, every loop header and function entry its site. A test runs the same export on
// different secrets and compares what it touched: the events themselves (short runs) or a
// count and running hash of them (long ones, such as an RSA private operation).
import binaryen from "binaryen";

export type Exports = Record<string, (...args: number[]) => number>;

export interface TraceDigest {
  events: number;
  hash: string;
}

export interface Traced {
  exports: Exports;
  memory: Uint8Array;
  /** Run fn and return the events it caused: "L4@address" / "S4@address" / "Xsite". */
  trace(fn: () => void): string[];
  /** Run fn and return the number of events it caused and a hash of their sequence. */
  digest(fn: () => void): TraceDigest;
}

export function instrument(binary: Uint8Array): Traced {
  const mod = binaryen.readBinary(binary);
  mod.runPasses(["instrument-memory", "log-execution"]);
  const instrumented = mod.emitBinary();
  mod.dispose();
  // One sink per run: off, collecting strings, or folding (kind, bytes, value) into two FNV-1a lanes.
  let sink: ((kind: number, bytes: number, value: number) => void) | undefined;
  const pass = (_id: number, value: unknown): unknown => value;
  const env = {
    load_ptr: (_id: number, bytes: number, offset: number, address: number) => {
      sink?.(1, bytes, address + offset);
      return address;
    },
    store_ptr: (_id: number, bytes: number, offset: number, address: number) => {
      sink?.(2, bytes, address + offset);
      return address;
    },
    log_execution: (site: number) => {
      sink?.(3, 0, site);
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
  const KIND = ["", "L", "S", "X"];
  return {
    exports,
    memory,
    trace(fn) {
      const events: string[] = [];
      sink = (kind, bytes, value) => events.push(kind === 3 ? `X${value}` : `${KIND[kind]}${bytes}@${value}`);
      try {
        fn();
      } finally {
        sink = undefined;
      }
      return events;
    },
    digest(fn) {
      let events = 0;
      let a = 0x811c9dc5;
      let b = 0x01000193;
      sink = (kind, bytes, value) => {
        events++;
        const word = (value ^ (kind << 28) ^ (bytes << 24)) | 0;
        a = Math.imul(a ^ word, 0x01000193);
        b = Math.imul(b ^ word ^ (a >>> 15), 0x85ebca6b);
      };
      try {
        fn();
      } finally {
        sink = undefined;
      }
      return { events, hash: `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}` };
    },
  };
}

/** The control: a module with a real table lookup (`lookup(x)`) and a data-dependent loop
 *  (`count(n)`), instrumented, so a test can show the harness would notice either. */
export function tracedControl(): Traced {
  const mod = binaryen.parseText(`(module
    (memory (export "memory") 1)
    (func (export "lookup") (param $x i32) (result i32) (i32.load8_u offset=256 (local.get $x)))
    (func (export "count") (param $n i32) (result i32)
      (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
      (local.get $n)))`);
  const binary = mod.emitBinary();
  mod.dispose();
  return instrument(binary);
}
