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

/** Transpose word index with in-byte bit index across the 8 words at q: afterwards
 *  word k bit 8·j + i is what word i bit 8·j + k was. Its own inverse. Each step
 *  swaps one bit of the word index with the same bit of the in-byte index, for the
 *  word pairs whose indices differ in that bit. */
function ortho(q: usize): void {
  let q0 = load<u64>(q, 0), q1 = load<u64>(q, 8), q2 = load<u64>(q, 16), q3 = load<u64>(q, 24);
  let q4 = load<u64>(q, 32), q5 = load<u64>(q, 40), q6 = load<u64>(q, 48), q7 = load<u64>(q, 56);
  const m1: u64 = 0x5555555555555555, m2: u64 = 0x3333333333333333, m4: u64 = 0x0F0F0F0F0F0F0F0F;
  let t: u64;
  t = ((q0 >> 1) ^ q1) & m1; q1 ^= t; q0 ^= t << 1;
  t = ((q2 >> 1) ^ q3) & m1; q3 ^= t; q2 ^= t << 1;
  t = ((q4 >> 1) ^ q5) & m1; q5 ^= t; q4 ^= t << 1;
  t = ((q6 >> 1) ^ q7) & m1; q7 ^= t; q6 ^= t << 1;
  t = ((q0 >> 2) ^ q2) & m2; q2 ^= t; q0 ^= t << 2;
  t = ((q1 >> 2) ^ q3) & m2; q3 ^= t; q1 ^= t << 2;
  t = ((q4 >> 2) ^ q6) & m2; q6 ^= t; q4 ^= t << 2;
  t = ((q5 >> 2) ^ q7) & m2; q7 ^= t; q5 ^= t << 2;
  t = ((q0 >> 4) ^ q4) & m4; q4 ^= t; q0 ^= t << 4;
  t = ((q1 >> 4) ^ q5) & m4; q5 ^= t; q1 ^= t << 4;
  t = ((q2 >> 4) ^ q6) & m4; q6 ^= t; q2 ^= t << 4;
  t = ((q3 >> 4) ^ q7) & m4; q7 ^= t; q3 ^= t << 4;
  store<u64>(q, q0, 0); store<u64>(q, q1, 8); store<u64>(q, q2, 16); store<u64>(q, q3, 24);
  store<u64>(q, q4, 32); store<u64>(q, q5, 40); store<u64>(q, q6, 48); store<u64>(q, q7, 56);
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

/** Turn the planes at q back into four consecutive 16-byte blocks written to dst.
 *  dst must not overlap q (block b reads words b and 4 + b, which earlier blocks'
 *  output would cover); q is left in its transposed state. */
export function unpackBlocks(q: usize, dst: usize): void {
  ortho(q);
  for (let b: usize = 0; b < 4; b++) {
    storeBlock(dst + (b << 4), load<u64>(q + (b << 3)), load<u64>(q + ((4 + b) << 3)));
  }
}

/** Write one block from its two interleaved words (columns 0|2 and 1|3). */
@inline function storeBlock(dst: usize, even: u64, odd: u64): void {
  store<u32>(dst, gatherBytes(even), 0);
  store<u32>(dst, gatherBytes(odd), 4);
  store<u32>(dst, gatherBytes(even >> 8), 8);
  store<u32>(dst, gatherBytes(odd >> 8), 12);
}
