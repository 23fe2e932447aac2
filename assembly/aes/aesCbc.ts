// AES-128 in CBC mode over the bitsliced cipher. Decryption takes four blocks per
// pass (CBC decryption is parallel); encryption is serial by nature and takes one
// block per pass through the same four-block circuit. The chaining value lives in
// the context, so a stream may arrive in any number of 16-byte-aligned pieces.
import { packBlocks, unpackBlocks } from "./aesBitslice";
import { SCRATCH_PLANES, SCRATCH_BLOCKS, wipeScratch } from "./aesScratch";
import { ROUND_KEYS_SIZE, encryptPlanes, decryptPlanes } from "./aesRounds";
import { expandKey } from "./aesKeySchedule";

/** Context layout: the 11 bit-planed round keys, then the 16-byte chaining value. */
const CHAIN_OFFSET: usize = ROUND_KEYS_SIZE;
/** Bytes a caller reserves (memory.data(AES_CBC_CTX_SIZE, 8)) for one CBC context. */
export const AES_CBC_CTX_SIZE: usize = ROUND_KEYS_SIZE + 16;

/** Working planes, and the four blocks they turn back into. Encryption stages its
 *  one input block in BLOCKS too: packing reads it before unpacking overwrites it. */
const WORK: usize = SCRATCH_PLANES;
const BLOCKS: usize = SCRATCH_BLOCKS;
const STAGE: usize = SCRATCH_BLOCKS;

/** Set up ctx for the 16-byte key and the 16-byte initial chaining value. */
export function aesCbcInit(ctx: usize, key16: usize, iv16: usize): void {
  expandKey(ctx, key16);
  memory.copy(ctx + CHAIN_OFFSET, iv16, 16);
}

/** Decrypt len bytes (a multiple of 16) from src to dst; src == dst is allowed.
 *  A trailing partial block, which callers never pass, is left untouched rather than read past. */
export function aesCbcDecrypt(ctx: usize, src: usize, dst: usize, len: usize): void {
  const chain = ctx + CHAIN_OFFSET;
  for (let off: usize = 0; off + 16 <= len; off += 64) {
    let blocks = <u32>((len - off) >> 4);
    if (blocks > 4) blocks = 4;
    const s = src + off, d = dst + off;
    packBlocks(WORK, s, blocks);
    decryptPlanes(WORK, ctx);
    unpackBlocks(WORK, BLOCKS);
    // The last ciphertext block is the next chaining value; keep it before an
    // in-place write overwrites it. Then chain from the last block down, so each
    // block's predecessor is still ciphertext when it is read.
    const last = s + (<usize>(blocks - 1) << 4);
    const next0 = load<u64>(last, 0), next1 = load<u64>(last, 8);
    for (let b = <usize>blocks - 1; b > 0; b--) {
      xorBlock(d + (b << 4), BLOCKS + (b << 4), s + ((b - 1) << 4));
    }
    xorBlock(d, BLOCKS, chain);
    store<u64>(chain, next0, 0);
    store<u64>(chain, next1, 8);
  }
  wipeScratch();
}

/** Encrypt len bytes (a multiple of 16) from src to dst; src == dst is allowed.
 *  A trailing partial block is left untouched, as in aesCbcDecrypt. */
export function aesCbcEncrypt(ctx: usize, src: usize, dst: usize, len: usize): void {
  const chain = ctx + CHAIN_OFFSET;
  for (let off: usize = 0; off + 16 <= len; off += 16) {
    xorBlock(STAGE, src + off, chain);
    packBlocks(WORK, STAGE, 1);
    encryptPlanes(WORK, ctx);
    unpackBlocks(WORK, BLOCKS);
    memory.copy(chain, BLOCKS, 16);
    memory.copy(dst + off, BLOCKS, 16);
  }
  wipeScratch();
}

/** dst = a ⊕ b for one 16-byte block (dst may equal a or b). */
@inline function xorBlock(dst: usize, a: usize, b: usize): void {
  const x0 = load<u64>(a, 0) ^ load<u64>(b, 0), x1 = load<u64>(a, 8) ^ load<u64>(b, 8);
  store<u64>(dst, x0, 0);
  store<u64>(dst, x1, 8);
}
