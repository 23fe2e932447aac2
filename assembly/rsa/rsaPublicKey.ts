// An RSA public key in a caller's RSA_PUB_SIZE-byte region, and what it does:
// the raw public operation and RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2).
import { OK, E_RSA_SIZE, E_RSA_EXPONENT, E_RSA_MODULUS, E_RSA_SIGNATURE_LENGTH, E_RSA_BAD_SIGNATURE, E_RSA_INPUT_RANGE, E_HASH_ALGORITHM } from "../status";
import { derParseRsaPublic, derPartPtr, derPartLen, PART_N, PART_E } from "../der/rsaKeyDer";
import { MAX_LIMBS, limb, bnFromBytes, bnToBytes, bnComparePublic, bnBitLengthPublic, bnCopy } from "./bigNat";
import { MAX_MONT_LIMBS, montInverse, montSquareOfR } from "./montgomery";
import { montLimbs, toMontRadix, fromMontRadix } from "./montRadix";
import { modExpPublic } from "./modExp";
import { pkcs1DigestLength, pkcs1SignatureMatches } from "./pkcs1";
import { PUBLIC_N, PUBLIC_X, PUBLIC_XM, PUBLIC_EM, WIDE_INPUT, WIDE_OUTPUT } from "./rsaScratch";

// Layout of a public key region (byte offsets).
const KEY_LIMBS: usize = 0; //   u32: k, limbs of n (0 = no key)
const KEY_BYTES: usize = 4; //   u32: modulus length in bytes (4k)
const KEY_E: usize = 8; //       u32: public exponent
const KEY_N0INV: usize = 12; //  u32: −n⁻¹ mod 2²⁸ (montgomery.ts)
const KEY_BITS: usize = 16; //   u32: significant bits of n
const KEY_N: usize = 32; //      k limbs of n, little-endian

/** Bytes a caller reserves for one public key. */
export const RSA_PUB_SIZE: u32 = <u32>KEY_N + (MAX_LIMBS << 2);

/** Modulus length in bytes (128, 256, 384 or 512); 0 when the region holds no key. */
export function rsaPublicModulusBytes(key: usize): u32 {
  return load<u32>(key + KEY_BYTES);
}
/** The public exponent. */
export function rsaPublicExponent(key: usize): u32 {
  return load<u32>(key + KEY_E);
}
/** Pointer to n's limbs inside the key. */
export function rsaPublicModulus(key: usize): usize {
  return key + KEY_N;
}

/** Set key from a big-endian modulus (nLen bytes, leading zeros allowed) and exponent e. */
export function rsaPublicFromParts(key: usize, n: usize, nLen: u32, e: u32): u32 {
  store<u32>(key + KEY_LIMBS, 0);
  store<u32>(key + KEY_BYTES, 0);
  while (nLen > 0 && load<u8>(n) == 0) { n++; nLen--; }
  if (nLen != 128 && nLen != 256 && nLen != 384 && nLen != 512) return E_RSA_SIZE;
  if ((load<u8>(n + nLen - 1) & 1) == 0) return E_RSA_MODULUS;
  if ((e & 1) == 0 || e < 3) return E_RSA_EXPONENT;
  const k = nLen >> 2;
  bnFromBytes(key + KEY_N, k, n, nLen);
  store<u32>(key + KEY_E, e);
  store<u32>(key + KEY_N0INV, montInverse(limb(key + KEY_N, 0)));
  store<u32>(key + KEY_BITS, bnBitLengthPublic(key + KEY_N, k));
  store<u32>(key + KEY_LIMBS, k);
  store<u32>(key + KEY_BYTES, nLen);
  return OK;
}

/** Set key from a SubjectPublicKeyInfo or PKCS#1 RSAPublicKey in DER. */
export function rsaPublicFromDer(key: usize, der: usize, len: u32): u32 {
  store<u32>(key + KEY_LIMBS, 0);
  store<u32>(key + KEY_BYTES, 0);
  const s = derParseRsaPublic(der, len);
  if (s != OK) return s;
  return rsaPublicFromDerParts(key);
}

/** Set key from the n and e a DER parser of der/rsaKeyDer.ts has just located. */
export function rsaPublicFromDerParts(key: usize): u32 {
  const eLen = derPartLen(PART_E);
  if (eLen > 4) return E_RSA_EXPONENT;
  let e: u32 = 0;
  for (let i: u32 = 0; i < eLen; i++) e = (e << 8) | <u32>load<u8>(derPartPtr(PART_E) + i);
  return rsaPublicFromParts(key, derPartPtr(PART_N), derPartLen(PART_N), e);
}

// R² mod n of the last modulus used, with a copy of that modulus: files signed by one
// key come in runs, and R² costs a sizeable part of a verification.
const CACHED_N: usize = memory.data(<i32>MAX_LIMBS << 2, 8);
const CACHED_RR: usize = memory.data(<i32>MAX_MONT_LIMBS << 2, 8);
let cachedLimbs: u32 = 0;

/** R² mod n for the key (29-bit limbs; PUBLIC_N holds n in that form), from the cache when n
 *  is the last modulus used (public values). */
function squareOfR(key: usize, mk: u32): usize {
  const k = load<u32>(key + KEY_LIMBS);
  const n = key + KEY_N;
  if (cachedLimbs == k && bnComparePublic(n, CACHED_N, k) == 0) return CACHED_RR;
  montSquareOfR(CACHED_RR, PUBLIC_N, load<u32>(key + KEY_N0INV), mk, load<u32>(key + KEY_BITS));
  bnCopy(CACHED_N, n, k);
  cachedLimbs = k;
  return CACHED_RR;
}

/** r = x^e mod n on limbs (x < n); r must not be a PUBLIC_* region. */
export function rsaPublicPower(key: usize, r: usize, x: usize): void {
  const k = load<u32>(key + KEY_LIMBS);
  const mk = montLimbs(k << 5);
  toMontRadix(PUBLIC_N, mk, key + KEY_N, k);
  const rr = squareOfR(key, mk);
  toMontRadix(PUBLIC_X, mk, x, k);
  modExpPublic(PUBLIC_X, PUBLIC_X, load<u32>(key + KEY_E), PUBLIC_N, load<u32>(key + KEY_N0INV), rr, mk, PUBLIC_XM);
  fromMontRadix(r, k, PUBLIC_X, mk);
}

/** Read a big-endian input of exactly the modulus length into WIDE_INPUT; it must be below n. */
function loadInput(key: usize, input: usize): u32 {
  const k = load<u32>(key + KEY_LIMBS);
  bnFromBytes(WIDE_INPUT, k, input, k << 2);
  return bnComparePublic(WIDE_INPUT, key + KEY_N, k) < 0 ? OK : E_RSA_INPUT_RANGE;
}

/** out (modulus length) = input^e mod n; len must equal the modulus length. */
export function rsaPublicRaw(key: usize, input: usize, len: u32, out: usize): u32 {
  if (len != rsaPublicModulusBytes(key) || len == 0) return E_RSA_SIGNATURE_LENGTH;
  const s = loadInput(key, input);
  if (s != OK) return s;
  rsaPublicPower(key, WIDE_OUTPUT, WIDE_INPUT);
  bnToBytes(out, len, WIDE_OUTPUT);
  return OK;
}

/**
 * RSASSA-PKCS1-v1_5 verification of sig (sigLen bytes) over digest with hashAlg
 * (HASH_SHA1, HASH_SHA256 or HASH_SHA512): OK or E_RSA_BAD_SIGNATURE; a signature
 * whose length is not the modulus length gives E_RSA_SIGNATURE_LENGTH.
 */
export function rsaVerifyPkcs1(key: usize, hashAlg: u32, digest: usize, sig: usize, sigLen: u32): u32 {
  if (pkcs1DigestLength(hashAlg) == 0) return E_HASH_ALGORITHM;
  const k = rsaPublicModulusBytes(key);
  if (sigLen != k || k == 0) return E_RSA_SIGNATURE_LENGTH;
  if (loadInput(key, sig) != OK) return E_RSA_BAD_SIGNATURE;
  rsaPublicPower(key, WIDE_OUTPUT, WIDE_INPUT);
  bnToBytes(PUBLIC_EM, k, WIDE_OUTPUT);
  return pkcs1SignatureMatches(PUBLIC_EM, k, hashAlg, digest) ? OK : E_RSA_BAD_SIGNATURE;
}
