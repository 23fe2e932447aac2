// The fields of an X.509 certificate the core needs, located without copying:
// serial number, issuer, subject, SubjectPublicKeyInfo, the signed TBS part and
// the outer signature. x509Read fills the static field table with (offset, length)
// pairs relative to the certificate's first byte.
import { OK, E_X509, E_DER_TRAILING } from "../status";
import { derRead, derReadWhole, derStart, derValue, derLength, derAfter, derTag, derReadAny, TAG_SEQUENCE, TAG_INTEGER, TAG_BIT_STRING, TAG_CONTEXT_0 } from "./derReader";

/** Serial number: the INTEGER's contents as encoded (sign octet included). */
export const X509_SERIAL: u32 = 0;
/** Issuer Name: the whole element (tag, length, contents). */
export const X509_ISSUER: u32 = 1;
/** Subject Name: the whole element. */
export const X509_SUBJECT: u32 = 2;
/** SubjectPublicKeyInfo: the whole element (what rsaPublicFromDer takes). */
export const X509_SPKI: u32 = 3;
/** TBSCertificate: the whole element (the signed bytes). */
export const X509_TBS: u32 = 4;
/** Outer signatureAlgorithm: the whole element. */
export const X509_SIGNATURE_ALGORITHM: u32 = 5;
/** Signature value: the BIT STRING's contents after its unused-bits octet. */
export const X509_SIGNATURE: u32 = 6;
export const X509_FIELD_COUNT: u32 = 7;

/** (offset, length) per field, as u32 pairs. */
export const X509: usize = memory.data(<i32>X509_FIELD_COUNT * 8, 8);

export function x509FieldOffset(field: u32): u32 {
  return load<u32>(X509 + (<usize>field << 3));
}
export function x509FieldLength(field: u32): u32 {
  return load<u32>(X509 + (<usize>field << 3) + 4);
}

function setField(field: u32, cert: usize, at: usize, len: usize): void {
  store<u32>(X509 + (<usize>field << 3), <u32>(at - cert));
  store<u32>(X509 + (<usize>field << 3) + 4, <u32>len);
}

/** Record the element just read as a whole (tag through contents). */
@inline function setWhole(field: u32, cert: usize): void {
  setField(field, cert, derStart, derAfter - derStart);
}

/** Locate the fields of the DER certificate at [cert, cert+len). */
export function x509Read(cert: usize, len: u32): u32 {
  memory.fill(X509, 0, X509_FIELD_COUNT * 8);
  const end = cert + len;
  let s = derReadWhole(cert, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const certEnd = derAfter;
  s = derRead(derValue, certEnd, TAG_SEQUENCE);
  if (s != OK) return E_X509;
  setWhole(X509_TBS, cert);
  const afterTbs = derAfter;
  s = readTbs(cert, derValue, derAfter);
  if (s != OK) return s;
  s = derRead(afterTbs, certEnd, TAG_SEQUENCE);
  if (s != OK) return s;
  setWhole(X509_SIGNATURE_ALGORITHM, cert);
  s = derRead(derAfter, certEnd, TAG_BIT_STRING);
  if (s != OK) return s;
  if (derAfter != certEnd) return E_DER_TRAILING;
  if (derLength < 1 || load<u8>(derValue) != 0) return E_X509;
  setField(X509_SIGNATURE, cert, derValue + 1, derLength - 1);
  return OK;
}

/** TBSCertificate contents: [0] version?, serial, signature, issuer, validity, subject, spki, … */
function readTbs(cert: usize, p: usize, end: usize): u32 {
  let s = derReadAny(p, end);
  if (s != OK) return s;
  if (derTag == TAG_CONTEXT_0) {
    p = derAfter; // explicit version: its value does not change where the fields are
    s = derReadAny(p, end);
    if (s != OK) return s;
  }
  if (derTag != TAG_INTEGER || derLength == 0) return E_X509;
  setField(X509_SERIAL, cert, derValue, derLength);
  s = derRead(derAfter, end, TAG_SEQUENCE); // signature algorithm
  if (s != OK) return s;
  s = derRead(derAfter, end, TAG_SEQUENCE);
  if (s != OK) return s;
  setWhole(X509_ISSUER, cert);
  s = derRead(derAfter, end, TAG_SEQUENCE); // validity
  if (s != OK) return s;
  s = derRead(derAfter, end, TAG_SEQUENCE);
  if (s != OK) return s;
  setWhole(X509_SUBJECT, cert);
  s = derRead(derAfter, end, TAG_SEQUENCE);
  if (s != OK) return s;
  setWhole(X509_SPKI, cert);
  return OK;
}
