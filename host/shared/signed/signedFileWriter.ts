// Version 1.0 signed files (`.sgn`): a header naming the signer, then the body in clear.
import { unixSeconds, writeSignedFile } from "./signedHeader.js";
import type { FileHash, Signer } from "./signer.js";

export { type SignedFileSpec, unixSeconds, writeSignedFile } from "./signedHeader.js";
export { type FileHash, type Signer, signerFromPem } from "./signer.js";

export interface SignOptions {
  signer: Signer;
  /** tag 14: the name the file is served under, e.g. "SoftKeys.xml.sgn" */
  filename: string;
  /** default sha1 (servers: sha1 or sha512 only) */
  hash?: FileHash;
  /** seconds since 1970 or a Date; default now */
  timestamp?: number | Date;
}

/** A `.sgn` file: version 1.0 header + body. */
export function signFile(body: Uint8Array, o: SignOptions): Uint8Array {
  return writeSignedFile({ version: [1, 0], body, ...common(o) });
}

/** The header fields every writer takes from SignOptions. */
export function common(o: SignOptions) {
  return {
    signer: o.signer,
    filename: o.filename,
    hash: o.hash ?? "sha1",
    timestamp: o.timestamp instanceof Date ? unixSeconds(o.timestamp) : (o.timestamp ?? unixSeconds()),
  };
}
