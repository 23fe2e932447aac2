// Moving four AES blocks (64 bytes) into and out of eight 64-bit bit planes.
//
// Plane i (at q + 8·i) holds bit i of all 64 bytes. Inside a plane, the byte at
// state row r, column c of block b sits at bit 16·r + 4·c + b. With that layout
// the round functions are word operations: ShiftRows rotates 4-bit columns inside
// each 16-bit row, MixColumns reaches the next row by rotating the word by 16.
//
// Getting there is a byte shuffle followed by an 8×8 bit transpose ("ortho"),
// both pure shifts and masks, so nothing depends on the data's value.

/** Bytes of one bit-planed state: 8 planes of u64. */
export const PLANES_SIZE: usize = 64;

/** Spread the 4 bytes of x to the even byte positions of a u64. */
@inline function spreadBytes(x: u32): u64 {
  let v = <u64>x;
  v = (v | (v << 16)) & 0x0000FFFF0000FFFF;
  return (v | (v << 8)) & 0x00FF00FF00FF00FF;
}

/** Inverse of spreadBytes: collect the even byte positions of v into a u32. */
@inline function gatherBytes(v: u64): u32 {
  v &= 0x00FF00FF00FF00FF;
  v = (v | (v >> 8)) & 0x0000FFFF0000FFFF;
  return <u32>(v | (v >> 16));
}

/** Exchange bit i of the word index with bit i of the in-byte bit index, for the
 *  word pair (a, b) whose indices differ in that bit. */
@inline function swapBitPair(q: usize, a: usize, b: usize, mask: u64, shift: u64): void {
  const x = load<u64>(q + (a << 3)), y = load<u64>(q + (b << 3));
  const t = ((x >> shift) ^ y) & mask;
  store<u64>(q + (b << 3), y ^ t);
  store<u64>(q + (a << 3), x ^ (t << shift));
}

/** Transpose word index with in-byte bit index across the 8 words at q: afterwards
 *  word k bit 8·j + i is what word i bit 8·j + k was. Its own inverse. */
function ortho(q: usize): void {
  for (let a: usize = 0; a < 8; a += 2) swapBitPair(q, a, a + 1, 0x5555555555555555, 1);
  for (let a: usize = 0; a < 8; a += 4) {
    swapBitPair(q, a, a + 2, 0x3333333333333333, 2);
    swapBitPair(q, a + 1, a + 3, 0x3333333333333333, 2);
  }
  for (let a: usize = 0; a < 4; a++) swapBitPair(q, a, a + 4, 0x0F0F0F0F0F0F0F0F, 4);
}

/** Load `count` (1…4) 16-byte blocks from src into the planes at q; the missing
 *  blocks are zero, so a short tail runs through exactly the same circuit. */
export function packBlocks(q: usize, src: usize, count: u32): void {
  // Before the transpose, word 4·(c & 1) + b must hold, in byte 2·r + (c >> 1),
  // the byte at row r, column c of block b: columns 0 and 2 (or 1 and 3) interleaved.
  for (let b: u32 = 0; b < 4; b++) {
    let c0: u32 = 0, c1: u32 = 0, c2: u32 = 0, c3: u32 = 0;
    if (b < count) {
      const p = src + (<usize>b << 4);
      c0 = load<u32>(p, 0); c1 = load<u32>(p, 4); c2 = load<u32>(p, 8); c3 = load<u32>(p, 12);
    }
    store<u64>(q + (<usize>b << 3), spreadBytes(c0) | (spreadBytes(c2) << 8));
    store<u64>(q + (<usize>(4 + b) << 3), spreadBytes(c1) | (spreadBytes(c3) << 8));
  }
  ortho(q);
}

/** Turn the planes at q back into four consecutive 16-byte blocks written to dst
 *  (dst may equal q). */
export function unpackBlocks(q: usize, dst: usize): void {
  ortho(q);
  const w0 = load<u64>(q, 0), w1 = load<u64>(q, 8), w2 = load<u64>(q, 16), w3 = load<u64>(q, 24);
  const w4 = load<u64>(q, 32), w5 = load<u64>(q, 40), w6 = load<u64>(q, 48), w7 = load<u64>(q, 56);
  storeBlock(dst, w0, w4);
  storeBlock(dst + 16, w1, w5);
  storeBlock(dst + 32, w2, w6);
  storeBlock(dst + 48, w3, w7);
}

/** Write one block from its two interleaved words (columns 0|2 and 1|3). */
@inline function storeBlock(dst: usize, even: u64, odd: u64): void {
  store<u32>(dst, gatherBytes(even), 0);
  store<u32>(dst, gatherBytes(odd), 4);
  store<u32>(dst, gatherBytes(even >> 8), 8);
  store<u32>(dst, gatherBytes(odd >> 8), 12);
}
