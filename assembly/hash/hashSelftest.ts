// selftestHashes(): built-in known-answer tests of the four hashes, callable from any
// runtime. Two FIPS 180-4 example messages per algorithm: "abc" in one update
// (checked on its first 8 digest bytes, which keeps static data small) and the 448-bit
// "abcdbcde…nopq" fed one byte at a time (full digest; 56 bytes is the length at which
// padding spills into an extra block). Returns 0 when all pass, else the case number
// 1 + 2·alg (abc) or 2 + 2·alg (448-bit).
import { HASH_CTX_SIZE, HASH_SHA512, hashInit, hashUpdate, hashFinal, hashDigestLength } from "./hashContext";

const CTX: usize = memory.data(HASH_CTX_SIZE, 8);
/** Digests land in the context's last 64 bytes (its block buffer, free once hashFinal has
 *  compressed the last block), which saves a separate static region. */
const DIGEST: usize = CTX + HASH_CTX_SIZE - 64;
const ONE_BYTE: usize = memory.data(1);
const ABC: usize = memory.data<u8>([0x61, 0x62, 0x63]);

/** First 8 bytes of each algorithm's digest of "abc", in selector order. */
const ABC_PREFIXES: usize = memory.data<u8>([
  // md5
  0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0,
  // sha1
  0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a,
  // sha256
  0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
  // sha512
  0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba,
]);

/** Full digests of the 448-bit message, in selector order (16 + 20 + 32 + 64 bytes). */
const M448_DIGESTS: usize = memory.data<u8>([
  // md5
  0x82, 0x15, 0xef, 0x07, 0x96, 0xa2, 0x0b, 0xca, 0xaa, 0xe1, 0x16, 0xd3, 0x87, 0x6c, 0x66, 0x4a,
  // sha1
  0x84, 0x98, 0x3e, 0x44, 0x1c, 0x3b, 0xd2, 0x6e, 0xba, 0xae, 0x4a, 0xa1, 0xf9, 0x51, 0x29, 0xe5,
  0xe5, 0x46, 0x70, 0xf1,
  // sha256
  0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
  0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1,
  // sha512
  0x20, 0x4a, 0x8f, 0xc6, 0xdd, 0xa8, 0x2f, 0x0a, 0x0c, 0xed, 0x7b, 0xeb, 0x8e, 0x08, 0xa4, 0x16,
  0x57, 0xc1, 0x6e, 0xf4, 0x68, 0xb2, 0x28, 0xa8, 0x27, 0x9b, 0xe3, 0x31, 0xa7, 0x03, 0xc3, 0x35,
  0x96, 0xfd, 0x15, 0xc1, 0x3b, 0x1b, 0x07, 0xf9, 0xaa, 0x1d, 0x3b, 0xea, 0x57, 0x78, 0x9c, 0xa0,
  0x31, 0xad, 0x85, 0xc7, 0xa7, 0x1d, 0xd7, 0x03, 0x54, 0xec, 0x63, 0x12, 0x38, 0xca, 0x34, 0x45,
]);

function sameBytes(a: usize, b: usize, len: usize): bool {
  let diff: u32 = 0;
  for (let i: usize = 0; i < len; i++) diff |= load<u8>(a + i) ^ load<u8>(b + i);
  return diff == 0;
}

function abcMatches(alg: u32): bool {
  if (hashInit(CTX, alg) != 0) return false;
  hashUpdate(CTX, ABC, 3);
  hashFinal(CTX, DIGEST);
  return sameBytes(DIGEST, ABC_PREFIXES + (<usize>alg << 3), 8);
}

/** "abcd" "bcde" … "nopq": byte 4i + j is 'a' + i + j. Fed byte by byte. */
function m448Matches(alg: u32, expected: usize): bool {
  if (hashInit(CTX, alg) != 0) return false;
  for (let i: u32 = 0; i < 14; i++) {
    for (let j: u32 = 0; j < 4; j++) {
      store<u8>(ONE_BYTE, <u8>(0x61 + i + j));
      hashUpdate(CTX, ONE_BYTE, 1);
    }
  }
  const n = hashFinal(CTX, DIGEST);
  return n == hashDigestLength(alg) && sameBytes(DIGEST, expected, n);
}

export function selftestHashes(): i32 {
  let expected = M448_DIGESTS;
  for (let alg: u32 = 0; alg <= HASH_SHA512; alg++) {
    if (!abcMatches(alg)) return <i32>(1 + 2 * alg);
    if (!m448Matches(alg, expected)) return <i32>(2 + 2 * alg);
    expected += hashDigestLength(alg);
  }
  return 0;
}
