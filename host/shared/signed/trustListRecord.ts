// One trust-list record (formats.md §3) in the peer's element order:
// 1 (record length), 3 subject, 5 issuer, 6 serial, 4 role, 7 public key, 8 certificate signature, 9 certificate.
import { X509Certificate } from "node:crypto";
import { certificateInfo } from "../certificateInfo.js";
import { concatBytes, element, stringElement, u16 } from "./headerElements.js";

/** Role values of record tag 4. */
export const ROLE = {
  SAST: 0,
  CCM: 1,
  "CCM+TFTP": 2,
  TFTP: 3,
  CAPF: 4,
  "APP-SERVER": 7,
  TVS: 21,
} as const;

export type RoleName = keyof typeof ROLE;

export interface TrustRecord {
  /** a role name, or a raw role number */
  role: RoleName | number;
  certificateDer: Uint8Array;
}

const RecordTag = { length: 1, subject: 3, role: 4, issuer: 5, serial: 6, publicKey: 7, signature: 8, certificate: 9 } as const;

/** Encodes a record; throws for a certificate whose key is neither RSA nor EC. */
export function encodeTrustRecord(record: TrustRecord): Uint8Array {
  const info = certificateInfo(record.certificateDer);
  const role = typeof record.role === "number" ? record.role : ROLE[record.role];
  if (role === undefined || !Number.isInteger(role) || role < 0 || role > 0xffff) throw new Error(`trust list: unknown role ${String(record.role)}`);
  const elements = concatBytes([
    stringElement(RecordTag.subject, info.subjectName),
    stringElement(RecordTag.issuer, info.issuerName),
    element(RecordTag.serial, info.serial),
    element(RecordTag.role, u16(role)),
    element(RecordTag.publicKey, recordPublicKey(record.certificateDer, info.subjectPublicKey)),
    element(RecordTag.signature, info.signature),
    element(RecordTag.certificate, record.certificateDer),
  ]);
  const length = 5 + elements.length;
  if (length > 0xffff) throw new Error(`trust list: record of ${length} bytes exceeds 65535`);
  return concatBytes([element(RecordTag.length, u16(length)), elements]);
}

/** True when the record's certificate holds an EC key (it needs signer version 1.1). */
export function isEcRecord(record: TrustRecord): boolean {
  return new X509Certificate(record.certificateDer).publicKey.asymmetricKeyType === "ec";
}

/** RSA: the PKCS#1 RSAPublicKey DER; EC: the uncompressed point — both are the SPKI's BIT STRING contents. */
function recordPublicKey(certificateDer: Uint8Array, keyBits: Uint8Array): Uint8Array {
  const type = new X509Certificate(certificateDer).publicKey.asymmetricKeyType;
  if (type !== "rsa" && type !== "ec") throw new Error(`trust list: a ${type} key cannot be listed (RSA or EC only)`);
  return keyBits;
}
