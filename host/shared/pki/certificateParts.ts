// The pieces of an existing certificate that issuing under it needs: its subject Name
// exactly as encoded (the child's issuer must be byte-identical) and its subject key identifier.
import * as asn1js from "asn1js";

export interface CertificateParts {
  subjectDer: Uint8Array;
  /** absent when the certificate carries no subjectKeyIdentifier extension */
  subjectKeyIdentifier?: Uint8Array;
}

const SUBJECT_KEY_IDENTIFIER = "2.5.29.14";

export function readCertificateParts(certificateDer: Uint8Array): CertificateParts {
  const parsed = asn1js.fromBER(certificateDer);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new Error("issuer certificate: not DER");
  const tbs = parsed.result.valueBlock.value[0];
  if (!(tbs instanceof asn1js.Sequence)) throw new Error("issuer certificate: no TBSCertificate");
  const fields = tbs.valueBlock.value;
  // Version [0] is optional; with it the subject is field 5, without it field 4.
  const hasVersion = fields[0].idBlock.tagClass === 3 && fields[0].idBlock.tagNumber === 0;
  const subject = fields[hasVersion ? 5 : 4];
  if (!subject) throw new Error("issuer certificate: no subject");
  return { subjectDer: new Uint8Array(subject.valueBeforeDecodeView), subjectKeyIdentifier: findSubjectKeyIdentifier(fields) };
}

function findSubjectKeyIdentifier(fields: asn1js.AsnType[]): Uint8Array | undefined {
  const extensionsField = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 3) as asn1js.Constructed | undefined;
  const list = extensionsField?.valueBlock.value[0] as asn1js.Sequence | undefined;
  for (const ext of list?.valueBlock.value ?? []) {
    const parts = (ext as asn1js.Sequence).valueBlock.value;
    if ((parts[0] as asn1js.ObjectIdentifier).valueBlock.toString() !== SUBJECT_KEY_IDENTIFIER) continue;
    const octets = parts[parts.length - 1] as asn1js.OctetString;
    const inner = asn1js.fromBER(octets.valueBlock.valueHexView);
    if (inner.offset === -1) return undefined;
    return new Uint8Array((inner.result as asn1js.OctetString).valueBlock.valueHexView);
  }
  return undefined;
}
