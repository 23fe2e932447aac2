// The package's "." entry (Node): the host's typed core (one instance per process or per phone,
// the facets, CoreError) and the portable core API. The CLI, server and phone are the
// cnfguard command (bin/cnfguard); cnfguard/core is the browser-safe part alone.

export { AesFacet, type CbcDirection, type CbcStream } from "./core/aesFacet.js";
export type { Core as PortableCore } from "./core/coreApi.js";
export {
  FileFacet,
  FileMode,
  type FileModeNumber,
  FileSession,
  type FileVerdict,
  type InspectResult,
  type SignedFileHeader,
  type TrustInstallResult,
  type TrustRecord,
} from "./core/fileFacet.js";
export { type HashAlgorithm, HashFacet, HashStream } from "./core/hashFacet.js";
export { type CoreSource, loadCore, wasmUrl } from "./core/loadCore.js";
export { type CertificateFields, RsaFacet, type RsaKeyInfo } from "./core/rsaFacet.js";
export { Core, CoreError, core, newCore, WasmCore } from "./core.js";
export * as abi from "./generated/abi.js";
export { STATUS, Status } from "./generated/status.js";
export { wasmPath } from "./paths.js";
