// SHA-512 (FIPS 180-4 §6.4): the hash of SHA-512-signed files (header tag 8 = 3).
// The rounds live in sha2Compress.ts, shared with SHA-256.
import { sha2Blocks, sha2Output } from "./sha2Compress";

/** Load the FIPS 180-4 initial hash value (eight u64 words, native order). */
export function sha512Init(state: usize): void {
  store<u64>(state, 0x6a09e667f3bcc908, 0);
  store<u64>(state, 0xbb67ae8584caa73b, 8);
  store<u64>(state, 0x3c6ef372fe94f82b, 16);
  store<u64>(state, 0xa54ff53a5f1d36f1, 24);
  store<u64>(state, 0x510e527fade682d1, 32);
  store<u64>(state, 0x9b05688c2b3e6c1f, 40);
  store<u64>(state, 0x1f83d9abfb41bd6b, 48);
  store<u64>(state, 0x5be0cd19137e2179, 56);
}

/** Compress `blocks` consecutive 128-byte blocks at p into state. */
export function sha512Blocks(state: usize, p: usize, blocks: usize): void {
  sha2Blocks<u64>(state, p, blocks, 80);
}

/** Write the 64-byte digest: the state words big-endian. */
export function sha512Output(state: usize, out: usize): void {
  sha2Output<u64>(state, out);
}
