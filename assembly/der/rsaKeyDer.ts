// RSA keys in DER: SubjectPublicKeyInfo and PKCS#1 RSAPublicKey for public keys,
// PKCS#1 RSAPrivateKey (two primes) and PKCS#8 PrivateKeyInfo wrapping it for private
// keys. The parsers only locate the integers; rsa/ checks their values.
import { OK, E_DER_TAG, E_DER_TRAILING, E_DER_INTEGER, E_KEY_NOT_RSA } from "../status";
import {
  derRead, derReadAny, derReadWhole, derStart, derReadUnsigned, derBytesEqual, derValue, derLength, derAfter, derTag,
  TAG_SEQUENCE, TAG_INTEGER, TAG_OID, TAG_NULL, TAG_BIT_STRING, TAG_OCTET_STRING,
} from "./derReader";

// Indexes of the integers in the part table (the order of RSAPrivateKey).
export const PART_N: u32 = 0;
export const PART_E: u32 = 1;
export const PART_D: u32 = 2;
export const PART_P: u32 = 3;
export const PART_Q: u32 = 4;
export const PART_DP: u32 = 5;
export const PART_DQ: u32 = 6;
export const PART_QINV: u32 = 7;
const PART_COUNT: u32 = 8;

/** (pointer, length) of each integer's magnitude, as u32 pairs. */
const PARTS: usize = memory.data(<i32>PART_COUNT * 8, 8);

/** rsaEncryption, 1.2.840.113549.1.1.1 (the OID's contents). */
const OID_RSA: usize = memory.data<u8>([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
const OID_RSA_LEN: u32 = 9;

export function derPartPtr(i: u32): usize {
  return <usize>load<u32>(PARTS + (<usize>i << 3));
}
export function derPartLen(i: u32): u32 {
  return load<u32>(PARTS + (<usize>i << 3) + 4);
}

/** Read `count` unsigned INTEGERs from p into parts first.. ; returns status, sets derAfter. */
function readIntegers(p: usize, end: usize, first: u32, count: u32): u32 {
  for (let i = first; i < first + count; i++) {
    const s = derReadUnsigned(p, end);
    if (s != OK) return s;
    store<u32>(PARTS + (<usize>i << 3), <u32>derValue);
    store<u32>(PARTS + (<usize>i << 3) + 4, derLength);
    p = derAfter;
  }
  return OK;
}

/** An AlgorithmIdentifier at p must name rsaEncryption (NULL or absent parameters). */
function readRsaAlgorithm(p: usize, end: usize): u32 {
  let s = derRead(p, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const seqEnd = derAfter;
  s = derRead(derValue, seqEnd, TAG_OID);
  if (s != OK) return s;
  if (!derBytesEqual(derValue, derLength, OID_RSA, OID_RSA_LEN)) return E_KEY_NOT_RSA; // EC or anything else
  if (derAfter < seqEnd) {
    s = derRead(derAfter, seqEnd, TAG_NULL);
    if (s != OK) return s;
    if (derLength != 0 || derAfter != seqEnd) return E_DER_TRAILING;
  }
  return OK;
}

/** PKCS#1 RSAPublicKey ::= SEQUENCE { modulus, publicExponent } filling exactly [p, end). */
function readRsaPublicKey(p: usize, end: usize): u32 {
  let s = derReadWhole(p, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const seqEnd = derAfter;
  s = readIntegers(derValue, seqEnd, PART_N, 2);
  if (s != OK) return s;
  return derAfter == seqEnd ? OK : E_DER_TRAILING;
}

/**
 * Locate n and e in a SubjectPublicKeyInfo or a PKCS#1 RSAPublicKey at [der, der+len).
 * A key of another algorithm (EC, …) gives E_KEY_NOT_RSA.
 */
export function derParseRsaPublic(der: usize, len: u32): u32 {
  const end = der + len;
  let s = derReadWhole(der, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const seqEnd = derAfter;
  s = derReadAny(derValue, seqEnd);
  if (s != OK) return s;
  if (derTag == TAG_INTEGER) return readRsaPublicKey(der, end);
  if (derTag != TAG_SEQUENCE) return E_DER_TAG;
  s = readRsaAlgorithm(derStart, seqEnd);
  if (s != OK) return s;
  s = derRead(derAfter, seqEnd, TAG_BIT_STRING);
  if (s != OK) return s;
  if (derAfter != seqEnd) return E_DER_TRAILING;
  if (derLength < 1 || load<u8>(derValue) != 0) return E_DER_TAG; // whole octets only
  return readRsaPublicKey(derValue + 1, derAfter);
}

/** PKCS#1 RSAPrivateKey (version 0, two primes) filling exactly [p, end). */
function readRsaPrivateKey(p: usize, end: usize): u32 {
  let s = derReadWhole(p, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const seqEnd = derAfter;
  s = derReadUnsigned(derValue, seqEnd);
  if (s != OK) return s;
  if (derLength != 1 || load<u8>(derValue) != 0) return E_DER_INTEGER; // multi-prime (1) is not supported
  s = readIntegers(derAfter, seqEnd, PART_N, PART_COUNT);
  if (s != OK) return s;
  return derAfter == seqEnd ? OK : E_DER_TRAILING;
}

/**
 * Locate the integers of a PKCS#1 RSAPrivateKey or a PKCS#8 PrivateKeyInfo (v1 or v2)
 * wrapping one, at [der, der+len). Read them with derPartPtr / derPartLen.
 */
export function derParseRsaPrivate(der: usize, len: u32): u32 {
  const end = der + len;
  let s = derReadWhole(der, end, TAG_SEQUENCE);
  if (s != OK) return s;
  const seqEnd = derAfter;
  s = derReadUnsigned(derValue, seqEnd); // version, both forms
  if (s != OK) return s;
  const afterVersion = derAfter;
  s = derReadAny(afterVersion, seqEnd);
  if (s != OK) return s;
  if (derTag == TAG_INTEGER) return readRsaPrivateKey(der, end); // PKCS#1: n follows the version
  s = readRsaAlgorithm(afterVersion, seqEnd);
  if (s != OK) return s;
  s = derRead(derAfter, seqEnd, TAG_OCTET_STRING);
  if (s != OK) return s;
  // Optional [0] attributes and [1] public key may follow; they are not needed.
  return readRsaPrivateKey(derValue, derAfter);
}
