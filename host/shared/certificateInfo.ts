// How the signed-file header and trust-list records name a certificate: subject and issuer as the
// peer writes them (attributes in certificate order, "SHORT=value" joined by commas) and the serial
// as minimal unsigned big-endian bytes (no DER sign byte); also what trust-list records and
// issuing under the certificate need (its key bits, signature, exact subject DER, key identifier).
import * as asn1js from "asn1js";

export interface CertificateInfo {
  /** e.g. "CN=cucm-lab,O=Cisco,OU=It,L=KRK,ST=PL,C=PL" */
  subjectName: string;
  issuerName: string;
  /** minimal unsigned big-endian bytes */
  serial: Uint8Array;
  /** the certificate's own signature (the BIT STRING contents) */
  signature: Uint8Array;
  /** SubjectPublicKeyInfo DER */
  subjectPublicKeyInfo: Uint8Array;
  /** the SPKI's BIT STRING contents: RSA → PKCS#1 RSAPublicKey DER, EC → the uncompressed point */
  subjectPublicKey: Uint8Array;
  /** the subject Name exactly as encoded (a child certificate's issuer must equal it byte for byte) */
  subjectDer: Uint8Array;
  /** the subjectKeyIdentifier extension's value, when present */
  subjectKeyIdentifier?: Uint8Array;
}

const SUBJECT_KEY_IDENTIFIER = "2.5.29.14";

/** Short names the peer prints; other attribute types appear as their dotted OID. */
const SHORT_NAME: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** Reads the header-relevant facts of an X.509 DER certificate. Throws on malformed DER. */
export function certificateInfo(der: Uint8Array): CertificateInfo {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new Error("certificate: not DER");
  const [tbs, , signatureValue] = parsed.result.valueBlock.value;
  if (!(tbs instanceof asn1js.Sequence) || !(signatureValue instanceof asn1js.BitString)) throw new Error("certificate: not an X.509 certificate");
  const fields = tbs.valueBlock.value;
  const first = fields[0].idBlock.tagClass === 3 && fields[0].idBlock.tagNumber === 0 ? 1 : 0;
  const serial = fields[first] as asn1js.Integer;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  const spki = fields[first + 5];
  if (!(serial instanceof asn1js.Integer) || !(issuer instanceof asn1js.Sequence) || !(subject instanceof asn1js.Sequence) || !spki) {
    throw new Error("certificate: TBSCertificate fields are not where X.509 puts them");
  }
  return {
    subjectName: nameText(subject),
    issuerName: nameText(issuer),
    serial: minimalUnsigned(serial.valueBlock.valueHexView),
    signature: new Uint8Array(signatureValue.valueBlock.valueHexView),
    subjectPublicKeyInfo: new Uint8Array(spki.valueBeforeDecodeView),
    subjectPublicKey: publicKeyBits(spki.valueBeforeDecodeView),
    subjectDer: new Uint8Array(subject.valueBeforeDecodeView),
    subjectKeyIdentifier: findSubjectKeyIdentifier(fields),
  };
}

/** The BIT STRING contents of a SubjectPublicKeyInfo DER. */
export function publicKeyBits(spki: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(spki);
  const bits = parsed.offset === -1 ? undefined : (parsed.result as asn1js.Sequence).valueBlock.value?.[1];
  if (!(bits instanceof asn1js.BitString)) throw new Error("certificate: SubjectPublicKeyInfo holds no key BIT STRING");
  return new Uint8Array(bits.valueBlock.valueHexView);
}

function findSubjectKeyIdentifier(fields: asn1js.AsnType[]): Uint8Array | undefined {
  const extensionsField = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 3) as asn1js.Constructed | undefined;
  const list = extensionsField?.valueBlock.value[0] as asn1js.Sequence | undefined;
  for (const ext of list?.valueBlock.value ?? []) {
    const parts = (ext as asn1js.Sequence).valueBlock.value;
    if ((parts[0] as asn1js.ObjectIdentifier).valueBlock.toString() !== SUBJECT_KEY_IDENTIFIER) continue;
    const inner = asn1js.fromBER((parts[parts.length - 1] as asn1js.OctetString).valueBlock.valueHexView);
    return inner.offset === -1 ? undefined : new Uint8Array((inner.result as asn1js.OctetString).valueBlock.valueHexView);
  }
  return undefined;
}

/** "CN=a,O=b,…" in the order the Name encodes its attributes. */
function nameText(name: asn1js.Sequence): string {
  const parts: string[] = [];
  for (const rdn of name.valueBlock.value) {
    for (const attribute of (rdn as asn1js.Set).valueBlock.value) {
      const [type, value] = (attribute as asn1js.Sequence).valueBlock.value;
      const oid = (type as asn1js.ObjectIdentifier).valueBlock.toString();
      parts.push(`${SHORT_NAME[oid] ?? oid}=${attributeText(value)}`);
    }
  }
  return parts.join(",");
}

function attributeText(value: asn1js.AsnType): string {
  // asn1js decodes every string type (UTF8String, PrintableString, BMPString, …) into valueBlock.value.
  const text = (value as asn1js.BaseBlock & { valueBlock: { value?: unknown } }).valueBlock.value;
  if (typeof text === "string") return text;
  return Buffer.from((value as asn1js.BaseBlock).valueBeforeDecodeView).toString("hex");
}

/** Drops leading zero bytes (keeping one byte for zero). */
export function minimalUnsigned(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return new Uint8Array(bytes.subarray(start));
}
