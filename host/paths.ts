// Where the repository's files are, wherever the compiled host runs from (dist/host/…).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository (package) root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built core. */
export const wasmPath = resolve(repoRoot, "build", "cnfguard.wasm");
/** Test vectors kept in the repository. */
export const vectorsDir = resolve(repoRoot, "vectors");
