// PKCS#1 v1.5 encoded messages (RFC 8017 §8.2 and §7.2): checking a signature's
// EMSA-PKCS1-v1_5 block against the expected one, and the validity mask of an
// EME-PKCS1-v1_5 block for a message of known length.
import { HASH_SHA1, HASH_SHA256, HASH_SHA512 } from "../hash/hashContext";

// DigestInfo DER prefixes (RFC 8017 §9.2 note 1): everything before the digest.
const PREFIX_SHA1: usize = memory.data<u8>([0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]);
const PREFIX_SHA256: usize = memory.data<u8>([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);
const PREFIX_SHA512: usize = memory.data<u8>([0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]);

/** Digest length for a signature hash (SHA-1, SHA-256, SHA-512); 0 for any other. */
export function pkcs1DigestLength(hashAlg: u32): u32 {
  if (hashAlg == HASH_SHA1) return 20;
  if (hashAlg == HASH_SHA256) return 32;
  if (hashAlg == HASH_SHA512) return 64;
  return 0;
}

/**
 * True when em (k bytes) is exactly 00 01 FF…FF 00 ‖ DigestInfo(hashAlg) ‖ digest
 * with at least 8 FF octets: the whole block is compared, not parsed.
 */
export function pkcs1SignatureMatches(em: usize, k: u32, hashAlg: u32, digest: usize): bool {
  const digestLen = pkcs1DigestLength(hashAlg);
  if (digestLen == 0) return false;
  const prefix = hashAlg == HASH_SHA1 ? PREFIX_SHA1 : hashAlg == HASH_SHA256 ? PREFIX_SHA256 : PREFIX_SHA512;
  const prefixLen: u32 = hashAlg == HASH_SHA1 ? 15 : 19;
  const tLen = prefixLen + digestLen;
  if (k < tLen + 11) return false;
  let diff: u32 = <u32>load<u8>(em) | (<u32>load<u8>(em + 1) ^ 1);
  const sep = k - tLen - 1;
  for (let i: u32 = 2; i < sep; i++) diff |= <u32>load<u8>(em + i) ^ 0xff;
  diff |= <u32>load<u8>(em + sep);
  for (let i: u32 = 0; i < prefixLen; i++) diff |= <u32>load<u8>(em + sep + 1 + i) ^ <u32>load<u8>(prefix + i);
  for (let i: u32 = 0; i < digestLen; i++) diff |= <u32>load<u8>(em + k - digestLen + i) ^ <u32>load<u8>(digest + i);
  return diff == 0;
}

/** All ones when x == 0, else zero (x < 2^31). */
@inline function zeroMask(x: u32): u32 {
  return 0 - ((x - 1) >> 31);
}

/**
 * All ones when em (k bytes) is 00 02 PS 00 M with |M| = msgLen and PS of nonzero
 * octets, at least 8 of them; else zero. Every octet is read whatever it holds and
 * no branch depends on one, so the time says nothing about the padding.
 */
export function pkcs1EncryptionMask(em: usize, k: u32, msgLen: u32): u32 {
  if (msgLen + 11 > k) return 0; // a public fact: no valid block exists
  const sep = k - msgLen - 1;
  let good = zeroMask(<u32>load<u8>(em)) & zeroMask(<u32>load<u8>(em + 1) ^ 2) & zeroMask(<u32>load<u8>(em + sep));
  for (let i: u32 = 2; i < sep; i++) good &= ~zeroMask(<u32>load<u8>(em + i));
  return good;
}
