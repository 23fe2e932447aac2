// The AES-128 round functions on four blocks held as bit planes (aesBitslice.ts
// explains the layout: row r, column c, block b at bit 16·r + 4·c + b of each plane).
//
// Fixsliced (Adomnicai and Peyrin, TCHES 2021): no round moves the bytes for
// ShiftRows. Instead the state drifts: after the ShiftRows of k rounds were skipped,
// the byte of row r, column c sits in column c − d·r with d = −k mod 4 (the "frame"
// d). Bytes are substituted wherever they are and the round keys are stored in the
// frame their round runs in (aesKeySchedule.ts), so only the column mix needs to know:
// it looks one and two rows down "in the same column" once each per plane, with a
// rotation that depends on d (wrapRotate). In frame 0 both looks are plain word
// rotations, in frame 2 the one-row look wraps, in odd frames both do (5 ops each
// instead of 1) — less than ShiftRows cost, and no round pays ShiftRows itself.
// AES-128's ten rounds end in frame 2, so each direction moves bytes once:
// encryption at its end, decryption at its start.
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
 *  but its last g). The direction is a public flag: each branch on it goes the same
 *  way all call long.
 *
 *  Both column mixes look two rows down once and one row down once (in odd frames
 *  each look is a wrapped rotation, so two looks instead of three matter). With
 *  β = a seen two rows down and B = "seen one row down":
 *    MixColumns(a)    = (2·a ⊕ β) ⊕ B(3·a ⊕ β)                      (2, 3, 1, 1)
 *    InvMixColumns(a) = (13·α ⊕ 3·a) ⊕ B(9·α ⊕ 2·a),  α = a ⊕ β     (14, 11, 13, 9)
 *  since 13 ⊕ 3 = 14 and 9 ⊕ 2 = 11, and α carries 13 and 9 to rows r and r + 2. */
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
  }
  // β: two rows down.
  let r0: u64, r1: u64, r2: u64, r3: u64, r4: u64, r5: u64, r6: u64, r7: u64;
  if ((d & 1) == 0) {
    r0 = rotr<u64>(a0, 32); r1 = rotr<u64>(a1, 32); r2 = rotr<u64>(a2, 32); r3 = rotr<u64>(a3, 32);
    r4 = rotr<u64>(a4, 32); r5 = rotr<u64>(a5, 32); r6 = rotr<u64>(a6, 32); r7 = rotr<u64>(a7, 32);
  } else {
    const s = TWO_ROWS_SHIFT, w = TWO_ROWS_WRAPPED;
    r0 = wrapRotate(a0, s, w); r1 = wrapRotate(a1, s, w); r2 = wrapRotate(a2, s, w); r3 = wrapRotate(a3, s, w);
    r4 = wrapRotate(a4, s, w); r5 = wrapRotate(a5, s, w); r6 = wrapRotate(a6, s, w); r7 = wrapRotate(a7, s, w);
  }
  // m = 2·a (xtime: multiply by x modulo x^8 + x^4 + x^3 + x + 1).
  const m0 = a7, m1 = a0 ^ a7, m2 = a1, m3 = a2 ^ a7, m4 = a3 ^ a7, m5 = a4, m6 = a5, m7 = a6;
  // p: the part kept in place; i: the part seen one row down.
  let p0: u64, p1: u64, p2: u64, p3: u64, p4: u64, p5: u64, p6: u64, p7: u64;
  let i0: u64, i1: u64, i2: u64, i3: u64, i4: u64, i5: u64, i6: u64, i7: u64;
  if (inverse) {
    const e0 = a0 ^ r0, e1 = a1 ^ r1, e2 = a2 ^ r2, e3 = a3 ^ r3, e4 = a4 ^ r4, e5 = a5 ^ r5, e6 = a6 ^ r6, e7 = a7 ^ r7;
    // 2·α, 4·α, 8·α.
    const f0 = e7, f1 = e0 ^ e7, f2 = e1, f3 = e2 ^ e7;
    const f4 = e3 ^ e7, f5 = e4, f6 = e5, f7 = e6;
    const g0 = f7, g1 = f0 ^ f7, g2 = f1, g3 = f2 ^ f7;
    const g4 = f3 ^ f7, g5 = f4, g6 = f5, g7 = f6;
    const h0 = g7, h1 = g0 ^ g7, h2 = g1, h3 = g2 ^ g7;
    const h4 = g3 ^ g7, h5 = g4, h6 = g5, h7 = g6;
    // 9·α, then p = 13·α ⊕ 3·a and i = 9·α ⊕ 2·a.
    const n0 = e0 ^ h0, n1 = e1 ^ h1, n2 = e2 ^ h2, n3 = e3 ^ h3, n4 = e4 ^ h4, n5 = e5 ^ h5, n6 = e6 ^ h6, n7 = e7 ^ h7;
    p0 = n0 ^ g0 ^ a0 ^ m0; p1 = n1 ^ g1 ^ a1 ^ m1; p2 = n2 ^ g2 ^ a2 ^ m2; p3 = n3 ^ g3 ^ a3 ^ m3;
    p4 = n4 ^ g4 ^ a4 ^ m4; p5 = n5 ^ g5 ^ a5 ^ m5; p6 = n6 ^ g6 ^ a6 ^ m6; p7 = n7 ^ g7 ^ a7 ^ m7;
    i0 = n0 ^ m0; i1 = n1 ^ m1; i2 = n2 ^ m2; i3 = n3 ^ m3;
    i4 = n4 ^ m4; i5 = n5 ^ m5; i6 = n6 ^ m6; i7 = n7 ^ m7;
  } else {
    p0 = m0 ^ r0; p1 = m1 ^ r1; p2 = m2 ^ r2; p3 = m3 ^ r3;
    p4 = m4 ^ r4; p5 = m5 ^ r5; p6 = m6 ^ r6; p7 = m7 ^ r7;
    i0 = a0 ^ p0; i1 = a1 ^ p1; i2 = a2 ^ p2; i3 = a3 ^ p3;
    i4 = a4 ^ p4; i5 = a5 ^ p5; i6 = a6 ^ p6; i7 = a7 ^ p7;
  }
  // B(i): one row down.
  let b0: u64, b1: u64, b2: u64, b3: u64, b4: u64, b5: u64, b6: u64, b7: u64;
  if (d == 0) {
    b0 = rotr<u64>(i0, 16); b1 = rotr<u64>(i1, 16); b2 = rotr<u64>(i2, 16); b3 = rotr<u64>(i3, 16);
    b4 = rotr<u64>(i4, 16); b5 = rotr<u64>(i5, 16); b6 = rotr<u64>(i6, 16); b7 = rotr<u64>(i7, 16);
  } else {
    const s = nextRowShift(d), w = nextRowWrapped(d);
    b0 = wrapRotate(i0, s, w); b1 = wrapRotate(i1, s, w); b2 = wrapRotate(i2, s, w); b3 = wrapRotate(i3, s, w);
    b4 = wrapRotate(i4, s, w); b5 = wrapRotate(i5, s, w); b6 = wrapRotate(i6, s, w); b7 = wrapRotate(i7, s, w);
  }
  let o0 = p0 ^ b0, o1 = p1 ^ b1, o2 = p2 ^ b2, o3 = p3 ^ b3, o4 = p4 ^ b4, o5 = p5 ^ b5, o6 = p6 ^ b6, o7 = p7 ^ b7;
  if (inverse) {
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

/** g (the second half of InvSubBytes) and the round key: the last decryption step. */
function undoAffineAddKey(q: usize, key: usize): void {
  undoAffine(q);
  addRoundKey(q, key);
}
