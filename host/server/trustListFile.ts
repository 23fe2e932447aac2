// ITLFile.tlv and ITLSEP<MAC>.tlv: the SAST, the TFTP certificate as CCM+TFTP and the
// CAPF certificate, signed by the SAST — how a phone learns whom to trust for configs and CAPF.
// The timestamp is the newest notBefore of the certificates it lists, not the time of
// signing: PKCS#1 v1.5 signatures are deterministic, so the list's bytes (and the MD5
// administrators compare) stay the same across requests and restarts until the PKI changes.
import { X509Certificate } from "node:crypto";
import { writeTrustList } from "../shared/signed/trustListWriter.js";
import type { LabPki } from "./labPki.js";
import type { SigningHash } from "./profileStore.js";

export function trustListFile(pki: LabPki, hash: SigningHash): Uint8Array {
  const records = [
    { role: "SAST", certificateDer: pki.sast.certificateDer },
    { role: "CCM+TFTP", certificateDer: pki.tftp.certificateDer },
    { role: "CAPF", certificateDer: pki.capf.certificateDer },
  ] as const;
  return writeTrustList({
    signer: pki.sast,
    hash,
    filename: "ITLFile.tlv",
    records: [...records],
    timestamp: newestNotBefore(records.map((r) => r.certificateDer)),
  });
}

/** Seconds since 1970 of the latest validity start among `certificates`. */
export function newestNotBefore(certificates: readonly Uint8Array[]): number {
  const starts = certificates.map((der) => Date.parse(new X509Certificate(der).validFrom) / 1000);
  return Math.max(...starts);
}
