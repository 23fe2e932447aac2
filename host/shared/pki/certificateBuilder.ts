// Builds X.509 v3 certificates for the lab PKI (SAST, TFTP, CAPF, phone LSCs, lab MICs).
// DER is assembled with asn1js; signatures come from node:crypto, so every key Node can sign
// with (RSA, EC P-256/384/521) works as issuer or subject.
import { createHash, type KeyObject, randomBytes, sign } from "node:crypto";
import * as asn1js from "asn1js";
import { certificateInfo, publicKeyBits } from "../certificateInfo.js";
import { type DistinguishedName, distinguishedName } from "./distinguishedName.js";
import { toPem } from "./pemText.js";

export type { DistinguishedName } from "./distinguishedName.js";

export type KeyUsageName = "digitalSignature" | "nonRepudiation" | "keyEncipherment" | "dataEncipherment" | "keyAgreement" | "keyCertSign" | "cRLSign";
export type ExtKeyUsageName = "serverAuth" | "clientAuth";
export type SignatureHash = "sha256" | "sha1" | "sha512";

export interface CertificateOptions {
  subject: DistinguishedName;
  /** RSA or EC (P-256/384/521) */
  publicKey: KeyObject;
  /** absent: self-signed with selfSigningKey */
  issuer?: { certificateDer: Uint8Array; privateKey: KeyObject };
  selfSigningKey?: KeyObject;
  /** unsigned big-endian; default: 16 random bytes, made positive */
  serial?: Uint8Array;
  /** default: now − 1 h */
  notBefore?: Date;
  /** default 3650 */
  days?: number;
  ca?: boolean;
  /** basicConstraints pathLenConstraint of a CA (the peer's CUCM-style CAs use 0) */
  pathLength?: number;
  keyUsage?: KeyUsageName[];
  extKeyUsage?: ExtKeyUsageName[];
  /** signature hash, default sha256 (RSA: PKCS#1 v1.5; EC: ECDSA) */
  hash?: SignatureHash;
  /** subjectAltName entries: IPv4 addresses as iPAddress, anything else as dNSName (a web server's names) */
  altNames?: string[];
}

const OID = {
  rsaSha1: "1.2.840.113549.1.1.5",
  rsaSha256: "1.2.840.113549.1.1.11",
  rsaSha512: "1.2.840.113549.1.1.13",
  ecdsaSha1: "1.2.840.10045.4.1",
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha512: "1.2.840.10045.4.3.4",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

/** Bit positions of RFC 5280 §4.2.1.3. */
const KEY_USAGE_BIT: Record<KeyUsageName, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

const DAY_MS = 86_400_000;

/** Returns the certificate as DER. Throws on a missing signing key or an unsupported key type. */
export function createCertificate(o: CertificateOptions): Uint8Array {
  const signingKey = o.issuer ? o.issuer.privateKey : o.selfSigningKey;
  if (!signingKey) throw new Error("createCertificate: give issuer or selfSigningKey");
  const hash = o.hash ?? "sha256";
  const algorithm = signatureAlgorithm(signingKey, hash);
  const spki = new Uint8Array(o.publicKey.export({ type: "spki", format: "der" }));
  const subjectName = distinguishedName(o.subject);
  const issuerParts = o.issuer ? certificateInfo(o.issuer.certificateDer) : undefined;
  const issuerName = issuerParts ? issuerParts.subjectDer : subjectName;
  const subjectKeyId = keyIdentifier(spki);
  const authorityKeyId = issuerParts ? issuerParts.subjectKeyIdentifier : subjectKeyId;

  const notBefore = wholeSeconds(o.notBefore ?? new Date(Date.now() - 3_600_000));
  const notAfter = new Date(notBefore.getTime() + (o.days ?? 3650) * DAY_MS);

  const tbs = new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 2 })] }),
      positiveInteger(o.serial ?? randomSerial()),
      algorithm,
      raw(issuerName),
      new asn1js.Sequence({ value: [timeValue(notBefore), timeValue(notAfter)] }),
      raw(subjectName),
      raw(spki),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 3 },
        value: [new asn1js.Sequence({ value: extensions(o, subjectKeyId, authorityKeyId) })],
      }),
    ],
  });
  const tbsDer = new Uint8Array(tbs.toBER(false));
  const signature = sign(hash, tbsDer, signingKey);
  const certificate = new asn1js.Sequence({
    value: [raw(tbsDer), signatureAlgorithm(signingKey, hash), new asn1js.BitString({ valueHex: signature })],
  });
  return new Uint8Array(certificate.toBER(false));
}

/** PEM text of a DER certificate. */
export function certificatePem(der: Uint8Array): string {
  return toPem("CERTIFICATE", der);
}

/** PKCS#8 PEM of a private key. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

function signatureAlgorithm(key: KeyObject, hash: SignatureHash): asn1js.Sequence {
  if (key.asymmetricKeyType === "rsa") {
    const oid = hash === "sha1" ? OID.rsaSha1 : hash === "sha512" ? OID.rsaSha512 : OID.rsaSha256;
    return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Null()] });
  }
  if (key.asymmetricKeyType === "ec") {
    const oid = hash === "sha1" ? OID.ecdsaSha1 : hash === "sha512" ? OID.ecdsaSha512 : OID.ecdsaSha256;
    return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] });
  }
  throw new Error(`createCertificate: cannot sign with a ${key.asymmetricKeyType} key (RSA or EC only)`);
}

function extensions(o: CertificateOptions, subjectKeyId: Uint8Array, authorityKeyId: Uint8Array | undefined) {
  const list: asn1js.Sequence[] = [];
  if (o.ca !== undefined) {
    const constraints: asn1js.BaseBlock[] = o.ca ? [new asn1js.Boolean({ value: true })] : [];
    if (o.ca && o.pathLength !== undefined) constraints.push(new asn1js.Integer({ value: o.pathLength }));
    list.push(extension(OID.basicConstraints, true, new asn1js.Sequence({ value: constraints })));
  }
  if (o.keyUsage && o.keyUsage.length > 0) {
    list.push(extension(OID.keyUsage, true, keyUsageBits(o.keyUsage)));
  }
  if (o.extKeyUsage && o.extKeyUsage.length > 0) {
    const purposes = o.extKeyUsage.map((u) => new asn1js.ObjectIdentifier({ value: OID[u] }));
    list.push(extension(OID.extKeyUsage, false, new asn1js.Sequence({ value: purposes })));
  }
  if (o.altNames && o.altNames.length > 0) list.push(extension(OID.subjectAltName, false, altNames(o.altNames)));
  list.push(extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: subjectKeyId })));
  if (authorityKeyId) {
    const keyId = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: authorityKeyId });
    list.push(extension(OID.authorityKeyIdentifier, false, new asn1js.Sequence({ value: [keyId] })));
  }
  return list;
}

function extension(oid: string, critical: boolean, value: asn1js.BaseBlock): asn1js.Sequence {
  const parts: asn1js.BaseBlock[] = [new asn1js.ObjectIdentifier({ value: oid })];
  if (critical) parts.push(new asn1js.Boolean({ value: true }));
  parts.push(new asn1js.OctetString({ valueHex: value.toBER(false) }));
  return new asn1js.Sequence({ value: parts });
}

/** GeneralNames (RFC 5280 §4.2.1.6): [7] iPAddress for dotted IPv4, [2] dNSName otherwise. */
function altNames(names: string[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: names.map((name) => {
      const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
      if (ipv4) return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 7 }, valueHex: new Uint8Array(ipv4.slice(1).map(Number)) });
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: new TextEncoder().encode(name) });
    }),
  });
}

/** DER BIT STRING of the key usage flags: trailing zero bits dropped, as DER requires for named bits. */
function keyUsageBits(usages: KeyUsageName[]): asn1js.BitString {
  let bits = 0;
  for (const u of usages) bits |= 0x80 >> KEY_USAGE_BIT[u];
  let unused = 0;
  while (unused < 7 && (bits & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]), unusedBits: unused });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha1").update(publicKeyBits(spki)).digest());
}

/** INTEGER from unsigned big-endian bytes: leading zeros dropped, a 0x00 added when the top bit is set. */
function positiveInteger(unsigned: Uint8Array): asn1js.Integer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const body = unsigned.subarray(start);
  const bytes = body.length === 0 ? new Uint8Array([0]) : (body[0] & 0x80) !== 0 ? concat(new Uint8Array([0]), body) : body;
  return new asn1js.Integer({ valueHex: bytes });
}

function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive, and a full 16 bytes long
  return serial;
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function timeValue(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  return date.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: date }) : new asn1js.GeneralizedTime({ valueDate: date });
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Embeds already-encoded DER unchanged. */
function raw(der: Uint8Array): asn1js.BaseBlock {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error("createCertificate: malformed DER element");
  return parsed.result;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
