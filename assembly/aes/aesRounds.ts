// The AES-128 round functions on four blocks held as bit planes (aesBitslice.ts
// explains the layout: row r, column c, block b at bit 16·r + 4·c + b of each plane).
//
// Fixsliced (Adomnicai and Peyrin, TCHES 2021): no round moves the bytes for
// ShiftRows. Instead the state drifts: after the ShiftRows of k rounds were skipped,
// the byte of row r, column c sits in column c − d·r with d = −k mod 4 (the "frame"
// d). Bytes are substituted wherever they are and the round keys are stored in the
// frame their round runs in (aesKeySchedule.ts), so only MixColumns needs to know:
// it reaches "the same column one row down" with a rotation that depends on d
// (wrapRotate). Frame 0 needs one word rotation per plane, frame 2 a little
// more, odd frames about what ShiftRows costs — on average about half of it, and
// no round pays ShiftRows itself. AES-128's ten rounds end in frame 2, so each
// direction moves bytes once: encryption at its end, decryption at its start.
//
// The S-box's affine constant 0x63 is not computed either: it passes unchanged
// through ShiftRows, MixColumns and its inverse (every byte gets it, and their
// coefficients sum to 1), so it is folded into round keys 1…10.
import { subBytesWithoutConstant, substituteStore } from "./aesSbox";

/** Bytes of one bit-planed round key (the same key in all four block slots). */
export const ROUND_KEY_SIZE: usize = 64;
/** Bytes of the 11 bit-planed round keys of AES-128. */
export const ROUND_KEYS_SIZE: usize = 11 * 64;

/** The frame round r runs in (the ShiftRows of rounds 1…r skipped). */
@inline export function roundFrame(r: usize): u32 {
  return <u32>((0 - r) & 3);
}

/** Encrypt the four blocks in the planes at q. */
export function encryptPlanes(q: usize, roundKeys: usize): void {
  addRoundKey(q, roundKeys);
  subBytesWithoutConstant(q);
  for (let r: usize = 1; r < 10; r++) linearThenSubstitute(q, roundKeys + r * ROUND_KEY_SIZE, roundFrame(r), false);
  addKeyToFrame0(q, roundKeys + 10 * ROUND_KEY_SIZE);
}

/** Decrypt the four blocks in the planes at q (the inverse cipher, rounds in reverse).
 *  InvSubBytes is g ∘ SubBytes ∘ g with g(x) = A⁻¹·x, the S-box's linear step undone;
 *  the g on each side of the S-box circuit is fused into the linear steps next to it. */
export function decryptPlanes(q: usize, roundKeys: usize): void {
  frame2AddKeyUndoAffine(q, roundKeys + 10 * ROUND_KEY_SIZE);
  subBytesWithoutConstant(q);
  for (let r: usize = 9; r > 0; r--) linearThenSubstitute(q, roundKeys + r * ROUND_KEY_SIZE, roundFrame(r), true);
  undoAffineAddKey(q, roundKeys);
}

function addRoundKey(q: usize, key: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, load<u64>(q + i) ^ load<u64>(key + i));
}

/** ShiftRows twice (= its inverse twice): rows 1 and 3 turn by two columns, a byte
 *  swap inside their 16 bits. Moves a state between frames 0 and 2, both ways. */
@inline function swapRows13(x: u64): u64 {
  const t = ((x >> 8) ^ x) & 0x00FF000000FF0000;
  return x ^ t ^ (t << 8);
}

/** ShiftRows⁻¹ on one plane: row r turns right by r columns (its 16 bits rotate left
 *  by 4·r). The key schedule uses it to put round keys in their frames. */
@inline export function invShiftRowsPlane(x: u64): u64 {
  const t = ((x >> 8) ^ x) & 0x00FF00FF00000000;
  x ^= t | (t << 8);
  return (x & 0x0000FFFF0000FFFF) | ((x << 4) & 0xFFF00000FFF00000) | ((x >> 12) & 0x000F0000000F0000);
}

/** The last encryption step: the round key, then the frame-2 state back to frame 0. */
function addKeyToFrame0(q: usize, key: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, swapRows13(load<u64>(q + i) ^ load<u64>(key + i)));
}

/** Rows r + 1 and r + 2 as seen from row r in frame d, where the byte of column c
 *  sits in column c − d·r: plane bit 16·r + 4·c + b must take the bit of row r + 1,
 *  column c − d (or row r + 2, column c − 2d). Frame 0 is a plain word rotation
 *  (by 16 or 32); otherwise the columns that wrap inside their row take the rotation
 *  16 bits further, chosen by a mask of the low bits of every row. The frame is a
 *  round number, not a secret: the callers branch on it once per group of 8 planes. */
@inline function wrapRotate(x: u64, shift: u64, wrapped: u64): u64 {
  const y = rotr<u64>(x, shift);
  return y ^ ((y ^ rotr<u64>(y, 16)) & wrapped);
}

/** One row down in frame d > 0: rotate by 16 − 4·d, the low 4·d bits of each row by 16 more. */
@inline function nextRowShift(d: u32): u64 {
  return <u64>(16 - 4 * d);
}
@inline function nextRowWrapped(d: u32): u64 {
  return 0x0001000100010001 * ((<u64>1 << (<u64>(4 * d))) - 1);
}

/** Two rows down in an odd frame: rotate by 24, the low 8 bits of each row by 16 more. */
const TWO_ROWS_SHIFT: u64 = 24;
const TWO_ROWS_WRAPPED: u64 = 0x00FF00FF00FF00FF;

/** MixColumns in frame d on a0…a7, stored at q after the round key at `key`
 *  (encrypting) or after g (decrypting, which added its key before). Each column
 *  becomes 2·a0 ⊕ 3·a1 ⊕ a2 ⊕ a3 (rotated per row), computed as xtime(a ⊕ a1) ⊕ a1 ⊕ (a2 ⊕ a3),
 *  where a1 is the plane seen one row down and a2 ⊕ a3 is (a ⊕ a1) seen two rows down. */
@inline function mixColumnsSubstitute(q: usize, d: u32, key: usize, undoAffine: bool,
  a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): void {
  let b0: u64, b1: u64, b2: u64, b3: u64, b4: u64, b5: u64, b6: u64, b7: u64;
  if (d == 0) {
    b0 = rotr<u64>(a0, 16); b1 = rotr<u64>(a1, 16); b2 = rotr<u64>(a2, 16); b3 = rotr<u64>(a3, 16);
    b4 = rotr<u64>(a4, 16); b5 = rotr<u64>(a5, 16); b6 = rotr<u64>(a6, 16); b7 = rotr<u64>(a7, 16);
  } else {
    const s = nextRowShift(d), w = nextRowWrapped(d);
    b0 = wrapRotate(a0, s, w); b1 = wrapRotate(a1, s, w); b2 = wrapRotate(a2, s, w); b3 = wrapRotate(a3, s, w);
    b4 = wrapRotate(a4, s, w); b5 = wrapRotate(a5, s, w); b6 = wrapRotate(a6, s, w); b7 = wrapRotate(a7, s, w);
  }
  const t0 = a0 ^ b0, t1 = a1 ^ b1, t2 = a2 ^ b2, t3 = a3 ^ b3;
  const t4 = a4 ^ b4, t5 = a5 ^ b5, t6 = a6 ^ b6, t7 = a7 ^ b7;
  let c0: u64, c1: u64, c2: u64, c3: u64, c4: u64, c5: u64, c6: u64, c7: u64;
  if ((d & 1) == 0) {
    c0 = rotr<u64>(t0, 32); c1 = rotr<u64>(t1, 32); c2 = rotr<u64>(t2, 32); c3 = rotr<u64>(t3, 32);
    c4 = rotr<u64>(t4, 32); c5 = rotr<u64>(t5, 32); c6 = rotr<u64>(t6, 32); c7 = rotr<u64>(t7, 32);
  } else {
    const s = TWO_ROWS_SHIFT, w = TWO_ROWS_WRAPPED;
    c0 = wrapRotate(t0, s, w); c1 = wrapRotate(t1, s, w); c2 = wrapRotate(t2, s, w); c3 = wrapRotate(t3, s, w);
    c4 = wrapRotate(t4, s, w); c5 = wrapRotate(t5, s, w); c6 = wrapRotate(t6, s, w); c7 = wrapRotate(t7, s, w);
  }
  // xtime(t): multiply by x modulo x^8 + x^4 + x^3 + x + 1.
  let o0 = t7 ^ b0 ^ c0, o1 = t0 ^ t7 ^ b1 ^ c1, o2 = t1 ^ b2 ^ c2, o3 = t2 ^ t7 ^ b3 ^ c3;
  let o4 = t3 ^ t7 ^ b4 ^ c4, o5 = t4 ^ b5 ^ c5, o6 = t5 ^ b6 ^ c6, o7 = t6 ^ b7 ^ c7;
  if (undoAffine) {
    // g.
    const p25 = o2 ^ o5, p03 = o0 ^ o3, p16 = o1 ^ o6, p47 = o4 ^ o7;
    const y0 = o0, y1 = o1, y2 = o2, y3 = o3, y4 = o4, y5 = o5, y6 = o6, y7 = o7;
    o0 = p25 ^ y7; o1 = p03 ^ y6; o2 = p47 ^ y1; o3 = p25 ^ y0;
    o4 = p16 ^ y3; o5 = p47 ^ y2; o6 = p03 ^ y5; o7 = p16 ^ y4;
  } else {
    o0 ^= load<u64>(key, 0); o1 ^= load<u64>(key, 8); o2 ^= load<u64>(key, 16); o3 ^= load<u64>(key, 24);
    o4 ^= load<u64>(key, 32); o5 ^= load<u64>(key, 40); o6 ^= load<u64>(key, 48); o7 ^= load<u64>(key, 56);
  }
  substituteStore(q, o0, o1, o2, o3, o4, o5, o6, o7);
}

/** The first decryption step: the ciphertext moved to frame 2 (where round 10's key
 *  is stored and decryption's rounds start), the key, then g. Once per pass: kept compact. */
function frame2AddKeyUndoAffine(q: usize, key: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, swapRows13(load<u64>(q + i)) ^ load<u64>(key + i));
  undoAffine(q);
}

/** g on the planes at q. */
function undoAffine(q: usize): void {
  storeUndoAffine(q, load<u64>(q, 0), load<u64>(q, 8), load<u64>(q, 16), load<u64>(q, 24),
    load<u64>(q, 32), load<u64>(q, 40), load<u64>(q, 48), load<u64>(q, 56));
}

/** g = A⁻¹, bit i: x[i+2] ⊕ x[i+5] ⊕ x[i+7] (pairs shared between bits), stored at q. */
@inline function storeUndoAffine(q: usize, x0: u64, x1: u64, x2: u64, x3: u64, x4: u64, x5: u64, x6: u64, x7: u64): void {
  const p25 = x2 ^ x5, p03 = x0 ^ x3, p16 = x1 ^ x6, p47 = x4 ^ x7;
  store<u64>(q, p25 ^ x7, 0);
  store<u64>(q, p03 ^ x6, 8);
  store<u64>(q, p47 ^ x1, 16);
  store<u64>(q, p25 ^ x0, 24);
  store<u64>(q, p16 ^ x3, 32);
  store<u64>(q, p47 ^ x2, 40);
  store<u64>(q, p03 ^ x5, 48);
  store<u64>(q, p16 ^ x4, 56);
}

/** The linear half of round r in frame d, then the next round's S-box circuit, on the
 *  planes at q: one pass with the planes in locals throughout (the S-box is inlined
 *  here, which V8 runs markedly faster than a call and a trip through memory per round).
 *  Encrypting: MixColumns, the round key, SubBytes. Decrypting: g (the second half of
 *  InvSubBytes), the round key, InvMixColumns, g and the S-box (the next InvSubBytes
 *  but its last g). InvMixColumns = MixColumns after adding 4·(a0 ⊕ a2) to rows 0
 *  and 2 and 4·(a1 ⊕ a3) to rows 1 and 3 (14·, 11·, 13·, 9· factored over 2·, 3·).
 *  The direction is a public flag: each branch on it is taken the same way all call long. */
function linearThenSubstitute(q: usize, key: usize, d: u32, inverse: bool): void {
  let a0 = load<u64>(q, 0), a1 = load<u64>(q, 8), a2 = load<u64>(q, 16), a3 = load<u64>(q, 24);
  let a4 = load<u64>(q, 32), a5 = load<u64>(q, 40), a6 = load<u64>(q, 48), a7 = load<u64>(q, 56);
  if (inverse) {
    // g, then the round key.
    const p25 = a2 ^ a5, p03 = a0 ^ a3, p16 = a1 ^ a6, p47 = a4 ^ a7;
    const x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
    a0 = p25 ^ x7 ^ load<u64>(key, 0); a1 = p03 ^ x6 ^ load<u64>(key, 8);
    a2 = p47 ^ x1 ^ load<u64>(key, 16); a3 = p25 ^ x0 ^ load<u64>(key, 24);
    a4 = p16 ^ x3 ^ load<u64>(key, 32); a5 = p47 ^ x2 ^ load<u64>(key, 40);
    a6 = p03 ^ x5 ^ load<u64>(key, 48); a7 = p16 ^ x4 ^ load<u64>(key, 56);
    let u0: u64, u1: u64, u2: u64, u3: u64, u4: u64, u5: u64, u6: u64, u7: u64;
    if ((d & 1) == 0) {
      u0 = rotr<u64>(a0, 32); u1 = rotr<u64>(a1, 32); u2 = rotr<u64>(a2, 32); u3 = rotr<u64>(a3, 32);
      u4 = rotr<u64>(a4, 32); u5 = rotr<u64>(a5, 32); u6 = rotr<u64>(a6, 32); u7 = rotr<u64>(a7, 32);
    } else {
      const s = TWO_ROWS_SHIFT, w = TWO_ROWS_WRAPPED;
      u0 = wrapRotate(a0, s, w); u1 = wrapRotate(a1, s, w); u2 = wrapRotate(a2, s, w); u3 = wrapRotate(a3, s, w);
      u4 = wrapRotate(a4, s, w); u5 = wrapRotate(a5, s, w); u6 = wrapRotate(a6, s, w); u7 = wrapRotate(a7, s, w);
    }
    u0 ^= a0; u1 ^= a1; u2 ^= a2; u3 ^= a3; u4 ^= a4; u5 ^= a5; u6 ^= a6; u7 ^= a7;
    // a ⊕ xtime(xtime(u)), written out bit by bit.
    a0 ^= u6; a1 ^= u6 ^ u7; a2 ^= u0 ^ u7; a3 ^= u1 ^ u6;
    a4 ^= u2 ^ u6 ^ u7; a5 ^= u3 ^ u7; a6 ^= u4; a7 ^= u5;
  }
  mixColumnsSubstitute(q, d, key, inverse, a0, a1, a2, a3, a4, a5, a6, a7);
}

/** g (the second half of InvSubBytes) and the round key: the last decryption step. */
function undoAffineAddKey(q: usize, key: usize): void {
  undoAffine(q);
  addRoundKey(q, key);
}
