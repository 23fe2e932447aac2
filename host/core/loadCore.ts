// cnfguard/core: the core API for any JavaScript engine (browsers, Node, workers). ESM that
// imports nothing from node: and nothing outside the package, and has no dependencies: it
// instantiates build/cnfguard.wasm (bytes the caller gives, or fetched next to this file) and
// drives it through the same facets as the Node host. README.md, "The core as a package".

import { concatBytes } from "../shared/signed/headerElements.js";
import type { Core as CoreApi } from "./coreApi.js";
import { FileFacet, FileMode } from "./fileFacet.js";
import { HashFacet } from "./hashFacet.js";
import { toHex } from "./hex.js";
import { WasmCore } from "./wasmInstance.js";

export type { Core, HashAlgorithm, InspectResult, RsaKeyInfo, SignedFileHeader, TrustRecord } from "./coreApi.js";
export { CoreError } from "./wasmInstance.js";

/** Where the module sits in the package (build/cnfguard.wasm), relative to this file. */
export const wasmUrl: URL = new URL("../../../build/cnfguard.wasm", import.meta.url);

/** The module itself, its bytes, or where to fetch them. */
export type CoreSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

/**
 * Compile and instantiate the core. Without a source the module is fetched from the package
 * (in Node read from disk). Each call gives an independent core: its own memory, trust store
 * and device key.
 */
export async function loadCore(source: CoreSource = wasmUrl): Promise<CoreApi> {
  return new LoadedCore(new WasmCore(await compile(source)));
}

async function compile(source: CoreSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer) return WebAssembly.compile(source);
  if (ArrayBuffer.isView(source)) return WebAssembly.compile(new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice());
  const url = source instanceof URL ? source : new URL(source, globalThis.location?.href ?? wasmUrl);
  if (url.protocol === "file:") return WebAssembly.compile(new Uint8Array(readLocalFile(url)));
  const response = await fetch(url);
  if (!response.ok)
    throw new Error(`cnfguard/core: fetching ${url.href} gave HTTP ${response.status}: serve build/cnfguard.wasm there, or pass its bytes to loadCore()`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Node (and runtimes like it) cannot fetch file: URLs; read through the runtime's own fs, not an import. */
function readLocalFile(url: URL): Uint8Array {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = runtime?.getBuiltinModule?.("fs") as { readFileSync(u: URL): Uint8Array } | undefined;
  if (!fs) throw new Error(`cnfguard/core: cannot read ${url.href} in this runtime: pass the module's bytes to loadCore()`);
  return fs.readFileSync(url);
}

function bytesOf(what: string, value: Uint8Array | ArrayBuffer): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`cnfguard/core: ${what} must be a Uint8Array or an ArrayBuffer`);
}

class LoadedCore implements CoreApi {
  private readonly files: FileFacet;
  private readonly hashes: HashFacet;

  constructor(private readonly w: WasmCore) {
    this.files = new FileFacet(w);
    this.hashes = new HashFacet(w);
  }

  get abiVersion(): number {
    return this.w.exports.abi_version();
  }

  selftest(): number {
    return this.w.exports.selftest();
  }

  installTrustList(bytes: Uint8Array | ArrayBuffer) {
    const session = this.files.session(FileMode.trustInstall);
    session.push(bytesOf("the trust list", bytes));
    session.finish();
    return { records: this.files.trustRecords() };
  }

  loadDeviceKey(der: Uint8Array | ArrayBuffer) {
    return this.files.loadDeviceKey(bytesOf("the device key", der));
  }

  openConfig(bytes: Uint8Array | ArrayBuffer): Uint8Array {
    const session = this.files.session(FileMode.config);
    const pieces = session.push(bytesOf("the config", bytes));
    pieces.push(session.finish());
    // Only now, verified, does any plaintext leave the core.
    return concatBytes(pieces);
  }

  inspect(bytes: Uint8Array | ArrayBuffer) {
    return this.files.inspect(bytesOf("the file", bytes));
  }

  hash(alg: Parameters<CoreApi["hash"]>[0], bytes: Uint8Array | ArrayBuffer): Uint8Array {
    return this.hashes.digest(alg, bytesOf("the data", bytes));
  }

  certHash(der: Uint8Array | ArrayBuffer): string {
    return toHex(this.hashes.digest("md5", bytesOf("the certificate", der)));
  }
}
