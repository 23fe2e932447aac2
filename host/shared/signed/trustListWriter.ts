// Trust lists (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`): version 1.2 header with a signer version, then
// one record per (certificate, role), signed by a SAST certificate the list itself carries.
import { concatBytes } from "./headerElements.js";
import { common, type SignOptions } from "./signedFileWriter.js";
import { writeSignedFile } from "./signedHeader.js";
import { encodeTrustRecord, isEcRecord, ROLE, type TrustRecord } from "./trustListRecord.js";

export { ROLE, type RoleName, type TrustRecord } from "./trustListRecord.js";

export interface TrustListOptions extends Omit<SignOptions, "filename"> {
  /** in the order to write them; one certificate may appear under several roles */
  records: TrustRecord[];
  /** tag 14; default "ITLFile.tlv" (the peer writes that into ITLSEP<MAC>.tlv too) */
  filename?: string;
  /** tag 28; default 1.1 when a record holds an EC key, else 1.0 */
  signerVersion?: readonly [number, number];
}

/** A signed trust list. Throws when the signer is not among the SAST records. */
export function writeTrustList(o: TrustListOptions): Uint8Array {
  const signerDer = Buffer.from(o.signer.certificateDer);
  const signerListed = o.records.some((r) => (r.role === "SAST" || r.role === ROLE.SAST) && signerDer.equals(r.certificateDer));
  if (!signerListed) throw new Error("trust list: the signing certificate must be one of the list's SAST records (phones verify the list against it)");
  const body = concatBytes(o.records.map(encodeTrustRecord));
  const signerVersion = o.signerVersion ?? (o.records.some(isEcRecord) ? ([1, 1] as const) : ([1, 0] as const));
  return writeSignedFile({ version: [1, 2], signerVersion, body, ...common({ ...o, filename: o.filename ?? "ITLFile.tlv" }) });
}
