// ITLFile.tlv and ITLSEP<MAC>.tlv: the SAST, the TFTP certificate as CCM+TFTP and the
// CAPF certificate, signed by the SAST — how a phone learns whom to trust for configs and CAPF.
import { writeTrustList } from "../shared/signed/trustListWriter.js";
import type { LabPki } from "./labPki.js";
import type { SigningHash } from "./profileStore.js";

export function trustListFile(pki: LabPki, hash: SigningHash): Uint8Array {
  return writeTrustList({
    signer: pki.sast,
    hash,
    filename: "ITLFile.tlv",
    records: [
      { role: "SAST", certificateDer: pki.sast.certificateDer },
      { role: "CCM+TFTP", certificateDer: pki.tftp.certificateDer },
      { role: "CAPF", certificateDer: pki.capf.certificateDer },
    ],
  });
}
