// SHA-256 (FIPS 180-4 §6.2): the hash of SHA-256-signed files and of certificates' signatures.
// The rounds are generated fully unrolled (scripts/genSha256Rounds.mjs says why); SHA-512
// keeps the shared loop of sha2Compress.ts.
import { sha2Output } from "./sha2Compress";
import { sha256Compress } from "./generated/sha256Rounds";

/** Load the FIPS 180-4 initial hash value (eight u32 words, native order). */
export function sha256Init(state: usize): void {
  store<u32>(state, 0x6a09e667, 0);
  store<u32>(state, 0xbb67ae85, 4);
  store<u32>(state, 0x3c6ef372, 8);
  store<u32>(state, 0xa54ff53a, 12);
  store<u32>(state, 0x510e527f, 16);
  store<u32>(state, 0x9b05688c, 20);
  store<u32>(state, 0x1f83d9ab, 24);
  store<u32>(state, 0x5be0cd19, 28);
}

/** Compress `blocks` consecutive 64-byte blocks at p into state. */
export function sha256Blocks(state: usize, p: usize, blocks: usize): void {
  sha256Compress(state, p, blocks);
}

/** Write the 32-byte digest: the state words big-endian. */
export function sha256Output(state: usize, out: usize): void {
  sha2Output<u32>(state, out);
}
