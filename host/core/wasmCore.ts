// Loads build/cnfguard.wasm from disk once per process (Node) and hands out instances.
// The instance wrapper itself is browser-safe and lives in wasmInstance.ts.
import { readFileSync } from "node:fs";
import { wasmPath } from "../paths.js";
import { WasmCore } from "./wasmInstance.js";

export { CoreError, WasmCore } from "./wasmInstance.js";

let shared: WasmCore | undefined;
let compiled: WebAssembly.Module | undefined;

/** The compiled module, read from build/cnfguard.wasm once per process. */
export function coreModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(wasmPath));
  return compiled;
}

/** The process-wide instance. */
export function sharedWasmCore(): WasmCore {
  shared ??= new WasmCore(coreModule());
  return shared;
}

/** A fresh, independent instance (its own memory and trust store). */
export function newWasmCore(): WasmCore {
  return new WasmCore(coreModule());
}
