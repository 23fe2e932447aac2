// ITLFile.tlv and ITL<NAME>.tlv: the SAST, the ITLRecovery certificate (a second SAST), the TFTP
// certificate as CCM+TFTP and the CAPF certificate — how a phone learns whom to trust for
// configs and CAPF. Signed by the SAST until the SAST is first rotated, then by the ITLRecovery
// key: a phone replaces its list only for one signed by a SAST its current list holds, and the
// ITLRecovery certificate is in every list since `server init` (docs/rotation.md).
// The timestamp is the newest notBefore of the certificates it lists, not the time of
// signing: PKCS#1 v1.5 signatures are deterministic, so the list's bytes (and the MD5
// administrators compare) stay the same across requests and restarts until the PKI changes.
import { X509Certificate } from "node:crypto";
import type { SigningHash } from "../shared/hashAlgorithms.js";
import { type TrustRecord, writeTrustList } from "../shared/signed/trustListWriter.js";
import type { CertifiedKey, LabPki } from "./labPki.js";

export function trustListFile(pki: LabPki, hash: SigningHash): Uint8Array {
  const records: TrustRecord[] = [
    { role: "SAST", certificateDer: pki.sast.certificateDer },
    ...(pki.itlRecovery ? [{ role: "SAST" as const, certificateDer: pki.itlRecovery.certificateDer }] : []),
    { role: "CCM+TFTP", certificateDer: pki.tftp.certificateDer },
    { role: "CAPF", certificateDer: pki.capf.certificateDer },
  ];
  return writeTrustList({
    signer: trustListSigner(pki),
    hash,
    filename: "ITLFile.tlv",
    records,
    timestamp: newestNotBefore(records.map((r) => r.certificateDer)),
  });
}

/**
 * Who signs the lists: the SAST while it is the one phones were first given; once a SAST has
 * been retired (`server rotate sast`), the ITLRecovery key, which every list carried since init
 * — so a phone holding any earlier list, however many rotations ago, accepts the next one.
 */
export function trustListSigner(pki: LabPki): CertifiedKey {
  const sastRotated = (pki.retired ?? []).some((r) => r.role === "sast");
  return sastRotated && pki.itlRecovery ? pki.itlRecovery : pki.sast;
}

/** Seconds since 1970 of the latest validity start among `certificates`. */
export function newestNotBefore(certificates: readonly Uint8Array[]): number {
  const starts = certificates.map((der) => Date.parse(new X509Certificate(der).validFrom) / 1000);
  return Math.max(...starts);
}
