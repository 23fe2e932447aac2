// The hash over the signed bytes (the file minus the signature element).
// The hash algorithm (tag 8) arrives after ~100 header bytes that are already
// covered, and the header cannot be buffered whole (up to 64 KiB), so until the
// header is complete the bytes go to all three candidate hashes; afterwards only
// to the chosen one.
import { HASH_CTX_SIZE, HASH_SHA1, HASH_SHA256, HASH_SHA512, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";

const SHA1_CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const SHA256_CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const SHA512_CTX: usize = memory.data(HASH_CTX_SIZE, 8);
/** The digest of the signed bytes once final. */
export const SIGNED_DIGEST: usize = memory.data(64, 8);

/** 0 while undecided, otherwise HASH_SHA1 / HASH_SHA256 / HASH_SHA512. */
let chosen: u32 = 0;

function contextOf(alg: u32): usize {
  if (alg == HASH_SHA1) return SHA1_CTX;
  if (alg == HASH_SHA256) return SHA256_CTX;
  return SHA512_CTX;
}

export function signatureHashStart(): void {
  chosen = 0;
  hashInit(SHA1_CTX, HASH_SHA1);
  hashInit(SHA256_CTX, HASH_SHA256);
  hashInit(SHA512_CTX, HASH_SHA512);
}

export function signatureHashUpdate(data: usize, len: u32): void {
  if (len == 0) return;
  if (chosen != 0) {
    hashUpdate(contextOf(chosen), data, len);
    return;
  }
  hashUpdate(SHA1_CTX, data, len);
  hashUpdate(SHA256_CTX, data, len);
  hashUpdate(SHA512_CTX, data, len);
}

/** Keep only `alg` (a header hash algorithm already validated to be 1…3). */
export function signatureHashChoose(alg: u32): void {
  chosen = alg;
}

/** Finish into SIGNED_DIGEST; returns the digest length. */
export function signatureHashFinal(): u32 {
  return hashFinal(contextOf(chosen), SIGNED_DIGEST);
}
