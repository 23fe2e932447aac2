// The core as the host sees it: one instance of build/cnfguard.wasm wrapped in a
// typed class. Each facet wraps one group of exports (assembly/README.md).

import { AesFacet } from "./core/aesFacet.js";
import { FileFacet } from "./core/fileFacet.js";
import { HashFacet } from "./core/hashFacet.js";
import { RsaFacet } from "./core/rsaFacet.js";
import { newWasmCore, sharedWasmCore, type WasmCore } from "./core/wasmCore.js";

export { CoreError, WasmCore } from "./core/wasmCore.js";

export class Core {
  readonly hash: HashFacet;
  readonly aes: AesFacet;
  readonly rsa: RsaFacet;
  readonly files: FileFacet;

  constructor(readonly wasm: WasmCore) {
    this.hash = new HashFacet(wasm);
    this.aes = new AesFacet(wasm);
    this.rsa = new RsaFacet(wasm);
    this.files = new FileFacet(wasm);
  }

  /** Run the module's built-in known-answer tests; 0 = all pass. */
  selftest(): number {
    return this.wasm.exports.selftest();
  }
}

let shared: Core | undefined;

/** The process-wide core (instantiated once). */
export function core(): Core {
  shared ??= new Core(sharedWasmCore());
  return shared;
}

/** An independent core with its own memory and trust store (a second phone, a test). */
export function newCore(): Core {
  return new Core(newWasmCore());
}
