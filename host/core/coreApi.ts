// The core API's contract (cnfguard/core): what loadCore() resolves to. Types only, so the
// package's declarations for "./core" say exactly this and nothing of the Node host.
import type { InspectResult, SignedFileHeader, TrustRecord } from "./fileFacet.js";
import type { HashAlgorithm } from "./hashFacet.js";
import type { RsaKeyInfo } from "./rsaFacet.js";

export type { HashAlgorithm, InspectResult, RsaKeyInfo, SignedFileHeader, TrustRecord };

/** One instance of the core. Every refusal throws a CoreError: `code` (the status number) and `name` (e.g. "E_BAD_SIGNATURE"). */
export interface Core {
  /** abi_version() of the module (assembly/README.md). */
  readonly abiVersion: number;
  /** The module's known-answer tests: 0 = all pass, else 100·group + case. */
  selftest(): number;
  /** Install a trust list (.tlv): on first use, or a replacement signed by an installed SAST. Returns the installed records. */
  installTrustList(bytes: Uint8Array | ArrayBuffer): { records: TrustRecord[] };
  /** Load the device's RSA private key (PKCS#1 or PKCS#8 DER) that opens encrypted configs. */
  loadDeviceKey(der: Uint8Array | ArrayBuffer): RsaKeyInfo;
  /** Verify a signed config (.sgn / .enc.sgn) against the installed list and return its plaintext (decrypted for 2.0). Returns nothing on refusal: it throws. */
  openConfig(bytes: Uint8Array | ArrayBuffer): Uint8Array;
  /** Parse any signed file or trust list, check what can be checked, decide nothing. */
  inspect(bytes: Uint8Array | ArrayBuffer): InspectResult;
  /** A digest computed by the core. */
  hash(alg: HashAlgorithm, bytes: Uint8Array | ArrayBuffer): Uint8Array;
  /** The certHash of a partial config and CAPF's md5hash: lowercase hex MD5 of the certificate's DER. */
  certHash(der: Uint8Array | ArrayBuffer): string;
}
