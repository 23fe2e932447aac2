// An RSA private key in CRT form, in a caller's region, and its operations: the
// checked CRT private operation and RSAES-PKCS1-v1_5 decryption with implicit
// rejection. rsaPrivateKey.ts keeps the device's key in one such region; the
// self-test keeps a small one in another.
//
// Constant time in the secrets: Montgomery products whose loops depend only on the
// length (montgomery.ts), fixed 4-bit windows over every exponent bit with masked table
// reads, masked modular corrections, and a padding check whose outcome only selects, by
// mask, between the message and a pseudo-random substitute.
import { OK, E_ARGUMENT, E_RSA_SIZE, E_RSA_KEY_INVALID, E_RSA_NO_PRIVATE_KEY, E_RSA_CIPHERTEXT_LENGTH, E_RSA_INPUT_RANGE, E_RSA_FAULT } from "../status";
import { derParseRsaPrivate, derPartPtr, derPartLen, PART_D, PART_P, PART_Q, PART_DP, PART_DQ, PART_QINV } from "../der/rsaKeyDer";
import { HASH_CTX_SIZE, HASH_SHA256, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";
import { limb, setLimb, bnZero, bnFromBytes, bnToBytes, bnAdd, bnSub, bnSelect, bnMul, bnEqualMask, bnComparePublic, bnBitLengthPublic } from "./bigNat";
import { montMul, montInverse, montSquareOfR, montReduceWide, montLeave } from "./montgomery";
import { montLimbs, toMontRadix, fromMontRadix, montRadixReduceOnce } from "./montRadix";
import { modExpSecret } from "./modExp";
import { pkcs1EncryptionMask } from "./pkcs1";
import { RSA_PUB_SIZE, rsaPublicFromDerParts, rsaPublicModulusBytes, rsaPublicModulus, rsaPublicPower } from "./rsaPublicKey";
import { WINDOW_TABLE, PUBLIC_EM, PUBLIC_CHECK, WIDE_INPUT, WIDE_OUTPUT, HALF_A, HALF_B, HALF_C, HALF_E, HALF_F, MONT_PRIME, MONT_A, MONT_B, MONT_C, MONT_SEL } from "./rsaScratch";

// Region layout (byte offsets): the public key first, so the public routines apply to
// it, then a small header, then the values: five of h 32-bit limbs (h = limbs of p and q),
// then R² mod p and mod q in 29-bit limbs, two values' room each (montLimbs(32h) ≤ 2h).
const PUB: usize = 0;
const HALF_LIMBS: usize = <usize>RSA_PUB_SIZE; //  u32: h (0 while loading)
const N0_P: usize = HALF_LIMBS + 4; //               u32: −p⁻¹ mod 2²⁸
const N0_Q: usize = HALF_LIMBS + 8; //               u32: −q⁻¹ mod 2²⁸
const SECRET: usize = HALF_LIMBS + 16; //            32 bytes: implicit-rejection key
const VALUES: usize = SECRET + 32;
// The values, in order.
const P: u32 = 0;
const Q: u32 = 1;
const DP: u32 = 2;
const DQ: u32 = 3;
const QINV: u32 = 4;
const RR_P: u32 = 5; // R² mod p (29-bit limbs, values 5 and 6)
const RR_Q: u32 = 7; // R² mod q (29-bit limbs, values 7 and 8)
const VALUE_COUNT: u32 = 9;

/** Region bytes before the values, and the number of values: a region for keys of up to
 *  h limbs per prime takes CRT_KEY_HEADER + CRT_KEY_VALUES · 4h bytes (crtKeySize). */
export const CRT_KEY_HEADER: u32 = <u32>VALUES;
export const CRT_KEY_VALUES: u32 = VALUE_COUNT;

export function crtKeySize(maxHalfLimbs: u32): u32 {
  return CRT_KEY_HEADER + CRT_KEY_VALUES * (maxHalfLimbs << 2);
}

@inline function value(key: usize, which: u32, h: u32): usize {
  return key + VALUES + <usize>(which * (h << 2));
}

const HASH: usize = memory.data(<i32>HASH_CTX_SIZE, 8);
/** Label that separates the rejection key from any other use of the key's hash. */
const LABEL: usize = memory.data<u8>([0x63, 0x6e, 0x66, 0x67, 0x75, 0x61, 0x72, 0x64, 0x20, 0x69, 0x6d, 0x70, 0x6c, 0x69, 0x63, 0x69, 0x74, 0x20, 0x72, 0x65, 0x6a, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e]); // "cnfguard implicit rejection"
const LABEL_LEN: u32 = 27;

/** Modulus length in bytes of the key in the region; 0 when it holds none. */
export function crtKeyModulusBytes(key: usize): u32 {
  return load<u32>(key + HALF_LIMBS) == 0 ? 0 : rsaPublicModulusBytes(key + PUB);
}

/**
 * Load a PKCS#1 RSAPrivateKey or PKCS#8 PrivateKeyInfo into the region (room for
 * maxHalfLimbs limbs per prime). The key is checked — n = p·q, CRT values in range, a
 * test operation re-encrypts — before it is kept; on any failure the region is wiped.
 */
export function crtKeyLoad(key: usize, maxHalfLimbs: u32, der: usize, len: u32): u32 {
  memory.fill(key, 0, crtKeySize(maxHalfLimbs));
  const s = loadChecked(key, maxHalfLimbs, der, len);
  if (s != OK) memory.fill(key, 0, crtKeySize(maxHalfLimbs));
  return s;
}

/** Copy one CRT value of at most h limbs into the region; false when it is too long. */
function loadValue(key: usize, which: u32, part: u32, h: u32): bool {
  const len = derPartLen(part);
  if (len > h << 2) return false;
  bnFromBytes(value(key, which, h), h, derPartPtr(part), len);
  return true;
}

/** All ones when a < b (h limbs), without branching on them. */
@inline function lessMask(a: usize, b: usize, h: u32): u32 {
  return 0 - bnSub(HALF_A, a, b, h);
}

function loadChecked(key: usize, maxHalfLimbs: u32, der: usize, len: u32): u32 {
  let s = derParseRsaPrivate(der, len);
  if (s != OK) return s;
  s = rsaPublicFromDerParts(key + PUB);
  if (s != OK) return s;
  const h = rsaPublicModulusBytes(key + PUB) >> 3;
  if (h > maxHalfLimbs) return E_RSA_SIZE;
  if (!loadValue(key, P, PART_P, h) || !loadValue(key, Q, PART_Q, h) || !loadValue(key, DP, PART_DP, h) ||
      !loadValue(key, DQ, PART_DQ, h) || !loadValue(key, QINV, PART_QINV, h)) return E_RSA_KEY_INVALID;
  const p = value(key, P, h), q = value(key, Q, h);
  if ((limb(p, 0) & limb(q, 0) & 1) == 0) return E_RSA_KEY_INVALID;
  bnMul(WIDE_OUTPUT, p, q, h);
  let good = bnEqualMask(WIDE_OUTPUT, rsaPublicModulus(key + PUB), h << 1);
  good &= lessMask(value(key, DP, h), p, h) & lessMask(value(key, DQ, h), q, h) & lessMask(value(key, QINV, h), p, h);
  if (good == 0) return E_RSA_KEY_INVALID;
  store<u32>(key + N0_P, montInverse(limb(p, 0)));
  store<u32>(key + N0_Q, montInverse(limb(q, 0)));
  const mk = montLimbs(h << 5);
  toMontRadix(MONT_PRIME, mk, p, h);
  montSquareOfR(value(key, RR_P, h), MONT_PRIME, load<u32>(key + N0_P), mk, bnBitLengthPublic(p, h));
  toMontRadix(MONT_PRIME, mk, q, h);
  montSquareOfR(value(key, RR_Q, h), MONT_PRIME, load<u32>(key + N0_Q), mk, bnBitLengthPublic(q, h));
  deriveRejectionKey(key);
  store<u32>(key + HALF_LIMBS, h);
  // A test operation: x = 2 must come back through the CRT path and e.
  bnZero(WIDE_INPUT, h << 1);
  setLimb(WIDE_INPUT, 0, 2);
  return privatePower(key) == OK ? OK : E_RSA_KEY_INVALID;
}

/** SECRET = SHA-256(label ‖ d ‖ p ‖ q): fixed per key, unknown without the key. */
function deriveRejectionKey(key: usize): void {
  hashInit(HASH, HASH_SHA256);
  hashUpdate(HASH, LABEL, LABEL_LEN);
  hashUpdate(HASH, derPartPtr(PART_D), derPartLen(PART_D));
  hashUpdate(HASH, derPartPtr(PART_P), derPartLen(PART_P));
  hashUpdate(HASH, derPartPtr(PART_Q), derPartLen(PART_Q));
  hashFinal(HASH, key + SECRET);
}

/** r = (a + b) mod m (h limbs, a, b < m), by mask; tmp is scratch. */
function modAdd(r: usize, a: usize, b: usize, m: usize, h: u32, tmp: usize): void {
  const carry = bnAdd(r, a, b, h);
  const borrow = bnSub(tmp, r, m, h);
  bnSelect(r, tmp, r, h, 0 - (carry | (1 - borrow)));
}

/**
 * out (h limbs) = c^d mod prime, canonical, for the ciphertext c in WIDE_INPUT (2h limbs) and
 * a CRT exponent d (h limbs); rr = R² mod prime in 29-bit limbs. Uses MONT_*.
 */
function powerModPrime(out: usize, prime: usize, n0: u32, rr: usize, d: usize, h: u32): void {
  const k = montLimbs(h << 5);
  toMontRadix(MONT_PRIME, k, prime, h);
  // c·R: reduce c (below R²) once to c·R⁻¹, then multiply by R³.
  montReduceWide(MONT_A, WIDE_INPUT, h << 1, MONT_PRIME, n0, k); // c·R⁻¹, below R
  montMul(MONT_B, rr, rr, MONT_PRIME, n0, k); //                  R³
  montMul(MONT_C, MONT_A, MONT_B, MONT_PRIME, n0, k); //          c·R, below 3·prime
  montLeave(MONT_A, rr, MONT_PRIME, n0, k); //                    R (the Montgomery one)
  modExpSecret(MONT_B, MONT_C, MONT_A, d, h, MONT_PRIME, n0, k, WINDOW_TABLE, MONT_SEL);
  montLeave(MONT_A, MONT_B, MONT_PRIME, n0, k);
  fromMontRadix(out, h, MONT_A, k);
}

/** r = a·b mod prime, canonical, for a < 2^(32h) and b < prime (h limbs); rr = R² mod prime. Uses MONT_*. */
function mulModPrime(r: usize, a: usize, b: usize, prime: usize, n0: u32, rr: usize, h: u32): void {
  const k = montLimbs(h << 5);
  toMontRadix(MONT_PRIME, k, prime, h);
  toMontRadix(MONT_A, k, a, h);
  toMontRadix(MONT_B, k, b, h);
  montMul(MONT_C, MONT_A, rr, MONT_PRIME, n0, k); //   a·R, below 2·prime (rr < prime)
  montMul(MONT_A, MONT_C, MONT_B, MONT_PRIME, n0, k); // a·b, below 2·prime when b < prime
  montRadixReduceOnce(MONT_A, MONT_A, MONT_PRIME, k);
  fromMontRadix(r, h, MONT_A, k);
}

/**
 * WIDE_OUTPUT = WIDE_INPUT^d mod n by the CRT (Garner's recombination), then checked by
 * raising it back to e: E_RSA_FAULT when that does not give the input.
 */
function privatePower(key: usize): u32 {
  const h = load<u32>(key + HALF_LIMBS);
  const p = value(key, P, h), q = value(key, Q, h);
  const n0p = load<u32>(key + N0_P), n0q = load<u32>(key + N0_Q);
  const rrP = value(key, RR_P, h);
  powerModPrime(HALF_E, p, n0p, rrP, value(key, DP, h), h); //        m1
  powerModPrime(HALF_F, q, n0q, value(key, RR_Q, h), value(key, DQ, h), h); // m2
  bnZero(HALF_C, h);
  setLimb(HALF_C, 0, 1);
  mulModPrime(HALF_A, HALF_F, HALF_C, p, n0p, rrP, h); //             m2 mod p
  const borrow = bnSub(HALF_B, HALF_E, HALF_A, h); //                 m1 − m2, corrected by mask:
  bnAdd(HALF_C, HALF_B, p, h);
  bnSelect(HALF_B, HALF_C, HALF_B, h, 0 - borrow);
  mulModPrime(HALF_A, HALF_B, value(key, QINV, h), p, n0p, rrP, h); // t = (m1 − m2)·qInv mod p
  bnMul(WIDE_OUTPUT, HALF_A, q, h); //                                m = m2 + t·q
  let carry = bnAdd(WIDE_OUTPUT, WIDE_OUTPUT, HALF_F, h);
  for (let i = h; i < h << 1; i++) {
    const s = <u64>limb(WIDE_OUTPUT, i) + <u64>carry;
    setLimb(WIDE_OUTPUT, i, <u32>s);
    carry = <u32>(s >> 32);
  }
  rsaPublicPower(key + PUB, PUBLIC_CHECK, WIDE_OUTPUT);
  return bnEqualMask(PUBLIC_CHECK, WIDE_INPUT, h << 1) != 0 ? OK : E_RSA_FAULT;
}

/** Read a ciphertext of the modulus length k into WIDE_INPUT; true when it is below n. */
function loadBelowModulus(key: usize, input: usize, k: u32): bool {
  bnFromBytes(WIDE_INPUT, k >> 2, input, k);
  return bnComparePublic(WIDE_INPUT, rsaPublicModulus(key + PUB), k >> 2) < 0;
}

/** out (modulus length) = input^d mod n; len must equal the modulus length and input < n. */
export function crtKeyRaw(key: usize, input: usize, len: u32, out: usize): u32 {
  const k = crtKeyModulusBytes(key);
  if (k == 0) return E_RSA_NO_PRIVATE_KEY;
  if (len != k) return E_RSA_CIPHERTEXT_LENGTH;
  if (!loadBelowModulus(key, input, k)) return E_RSA_INPUT_RANGE;
  const s = privatePower(key);
  if (s == OK) bnToBytes(out, k, WIDE_OUTPUT);
  bnZero(WIDE_OUTPUT, k >> 2);
  return s;
}

/**
 * out[0..wantLen) = the message of an RSAES-PKCS1-v1_5 ciphertext when its padding is
 * valid and the message is wantLen bytes long; otherwise the pseudo-random substitute
 * (see rejectionBytes). OK either way. Errors: no key, ctLen ≠ modulus length,
 * wantLen > modulus length (E_ARGUMENT), a fault in the private operation.
 */
export function crtKeyDecrypt(key: usize, ct: usize, ctLen: u32, out: usize, wantLen: u32): u32 {
  const k = crtKeyModulusBytes(key);
  if (k == 0) return E_RSA_NO_PRIVATE_KEY;
  if (ctLen != k) return E_RSA_CIPHERTEXT_LENGTH;
  if (wantLen > k) return E_ARGUMENT;
  rejectionBytes(key, ct, k, out, wantLen);
  // A ciphertext ≥ n is public knowledge; it keeps the substitute.
  if (!loadBelowModulus(key, ct, k)) return OK;
  const s = privatePower(key);
  if (s != OK) return s;
  bnToBytes(PUBLIC_EM, k, WIDE_OUTPUT);
  const good = pkcs1EncryptionMask(PUBLIC_EM, k, wantLen);
  const msg = PUBLIC_EM + <usize>(k - wantLen);
  for (let i: usize = 0; i < <usize>wantLen; i++) {
    const m = <u32>load<u8>(msg + i), r = <u32>load<u8>(out + i);
    store<u8>(out + i, <u8>((m & good) | (r & ~good)));
  }
  memory.fill(PUBLIC_EM, 0, k);
  bnZero(WIDE_OUTPUT, k >> 2);
  return OK;
}

/**
 * The substitute for a rejected ciphertext: seed = SHA-256(SECRET ‖ ct), then
 * SHA-256(seed ‖ i) for block i = 0, 1, … (i as 4 big-endian bytes), truncated to wantLen.
 * Always computed, so valid and invalid ciphertexts cost the same.
 */
function rejectionBytes(key: usize, ct: usize, k: u32, out: usize, wantLen: u32): void {
  const seed = HALF_F; // 32 bytes of scratch before the private operation needs it
  const block = HALF_F + 32;
  const counter = HALF_F + 64;
  hashInit(HASH, HASH_SHA256);
  hashUpdate(HASH, key + SECRET, 32);
  hashUpdate(HASH, ct, k);
  hashFinal(HASH, seed);
  for (let i: u32 = 0; i << 5 < wantLen; i++) {
    store<u32>(counter, bswap(i));
    hashInit(HASH, HASH_SHA256);
    hashUpdate(HASH, seed, 32);
    hashUpdate(HASH, counter, 4);
    hashFinal(HASH, block);
    memory.copy(out + (<usize>i << 5), block, min(wantLen - (i << 5), 32));
  }
}
