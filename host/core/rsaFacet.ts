// Placeholder facet: its owner replaces it (see docs/architecture.md).
import type { WasmCore } from "./wasmCore.js";

export class RsaFacet {
  constructor(readonly w: WasmCore) {}
}
