// One streaming context shape for all four hashes (docs/architecture.md, "internal contracts").
// A caller reserves HASH_CTX_SIZE bytes with memory.data(HASH_CTX_SIZE, 8) and drives it with
// hashInit / hashUpdate (any chunking) / hashFinal. Whole blocks are compressed straight from
// the caller's data; only a partial block is copied into the context's buffer.
import { OK, E_HASH_ALGORITHM } from "../status";
import { md5Init, md5Blocks, md5Output } from "./md5";
import { sha1Init, sha1Blocks, sha1Output } from "./sha1";
import { sha256Init, sha256Blocks, sha256Output } from "./sha256";
import { sha512Init, sha512Blocks, sha512Output } from "./sha512";

/** Algorithm selectors; 1–3 equal the signed-file header's tag 8 values. */
export const HASH_MD5: u32 = 0;
export const HASH_SHA1: u32 = 1;
export const HASH_SHA256: u32 = 2;
export const HASH_SHA512: u32 = 3;

// Context layout (byte offsets).
const CTX_ALG: usize = 0; //     u32: algorithm selector
const CTX_BUFFERED: usize = 4; // u32: bytes waiting in the buffer (< block size)
const CTX_TOTAL: usize = 8; //   u64: bytes hashed so far (2^64 bytes is beyond any input here)
const CTX_STATE: usize = 16; //  64 bytes: chaining value (u32 or u64 words, native order)
const CTX_BUFFER: usize = 80; // 128 bytes: one partial block

/** Bytes a caller reserves for one context. */
export const HASH_CTX_SIZE: u32 = 208;

/** Digest length in bytes of an algorithm; 0 for an unknown selector. */
export function hashDigestLength(alg: u32): u32 {
  if (alg == HASH_MD5) return 16;
  if (alg == HASH_SHA1) return 20;
  if (alg == HASH_SHA256) return 32;
  if (alg == HASH_SHA512) return 64;
  return 0;
}

/** Block length in bytes: 64, or 128 for SHA-512. */
@inline function blockLength(alg: u32): u32 {
  return alg == HASH_SHA512 ? 128 : 64;
}

/** Start a new hash in ctx. Returns OK or E_HASH_ALGORITHM (ctx is then left unusable). */
export function hashInit(ctx: usize, alg: u32): u32 {
  if (hashDigestLength(alg) == 0) return E_HASH_ALGORITHM;
  store<u32>(ctx, alg, CTX_ALG);
  store<u32>(ctx, 0, CTX_BUFFERED);
  store<u64>(ctx, 0, CTX_TOTAL);
  const state = ctx + CTX_STATE;
  if (alg == HASH_MD5) md5Init(state);
  else if (alg == HASH_SHA1) sha1Init(state);
  else if (alg == HASH_SHA256) sha256Init(state);
  else sha512Init(state);
  return OK;
}

/** Compress `blocks` whole blocks starting at p into the chaining value. A context that was
 *  never initialised (unknown selector) compresses nothing, so it cannot read out of bounds. */
function compress(alg: u32, state: usize, p: usize, blocks: usize): void {
  if (alg == HASH_MD5) md5Blocks(state, p, blocks);
  else if (alg == HASH_SHA1) sha1Blocks(state, p, blocks);
  else if (alg == HASH_SHA256) sha256Blocks(state, p, blocks);
  else if (alg == HASH_SHA512) sha512Blocks(state, p, blocks);
}

/** Absorb len bytes at data. Any chunking gives the same digest. */
export function hashUpdate(ctx: usize, data: usize, len: usize): void {
  const alg = load<u32>(ctx, CTX_ALG);
  const block = <usize>blockLength(alg);
  const state = ctx + CTX_STATE;
  const buffer = ctx + CTX_BUFFER;
  let buffered = <usize>load<u32>(ctx, CTX_BUFFERED);
  store<u64>(ctx, load<u64>(ctx, CTX_TOTAL) + <u64>len, CTX_TOTAL);
  if (buffered != 0) {
    // Top up the held-over partial block first.
    const take = min(block - buffered, len);
    memory.copy(buffer + buffered, data, take);
    buffered += take;
    data += take;
    len -= take;
    if (buffered < block) {
      store<u32>(ctx, <u32>buffered, CTX_BUFFERED);
      return;
    }
    compress(alg, state, buffer, 1);
    buffered = 0;
  }
  const whole = len / block;
  if (whole != 0) {
    compress(alg, state, data, whole);
    data += whole * block;
    len -= whole * block;
  }
  if (len != 0) memory.copy(buffer, data, len);
  store<u32>(ctx, <u32>len, CTX_BUFFERED);
}

/** Pad, compress the last block(s) and write the digest to out. Returns the digest length.
 *  The context must be re-initialised before further use. */
export function hashFinal(ctx: usize, out: usize): u32 {
  const alg = load<u32>(ctx, CTX_ALG);
  const block = <usize>blockLength(alg);
  // MD5/SHA-1/SHA-256 end with a 64-bit length, SHA-512 with a 128-bit one.
  const lengthField: usize = alg == HASH_SHA512 ? 16 : 8;
  const state = ctx + CTX_STATE;
  const buffer = ctx + CTX_BUFFER;
  let used = <usize>load<u32>(ctx, CTX_BUFFERED);
  const total = load<u64>(ctx, CTX_TOTAL);
  store<u8>(buffer + used, 0x80);
  used++;
  if (used > block - lengthField) {
    memory.fill(buffer + used, 0, block - used);
    compress(alg, state, buffer, 1);
    used = 0;
  }
  memory.fill(buffer + used, 0, block - used);
  const bits = total << 3;
  if (alg == HASH_MD5) {
    store<u64>(buffer + block - 8, bits);
  } else {
    store<u64>(buffer + block - 8, bswap<u64>(bits));
    // SHA-512's upper 64 length bits: only the top 3 bits of the byte count reach it.
    if (alg == HASH_SHA512) store<u64>(buffer + block - 16, bswap<u64>(total >> 61));
  }
  compress(alg, state, buffer, 1);
  if (alg == HASH_MD5) md5Output(state, out);
  else if (alg == HASH_SHA1) sha1Output(state, out);
  else if (alg == HASH_SHA256) sha256Output(state, out);
  else if (alg == HASH_SHA512) sha512Output(state, out);
  return hashDigestLength(alg); // 0 for a context that was never initialised
}
