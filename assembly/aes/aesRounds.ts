// The AES-128 round functions on four blocks held as bit planes (aesBitslice.ts
// explains the layout: row r, column c, block b at bit 16·r + 4·c + b of each plane).
// Each round is two passes over the planes around the S-box circuit, so that the
// linear steps (ShiftRows, MixColumns, the round key, the inverse affine map) work
// on locals; every step is a fixed sequence of word operations.
import { subBytes } from "./aesSbox";

/** Bytes of one bit-planed round key (the same key in all four block slots). */
export const ROUND_KEY_SIZE: usize = 64;
/** Bytes of the 11 bit-planed round keys of AES-128. */
export const ROUND_KEYS_SIZE: usize = 11 * 64;

/** Encrypt the four blocks in the planes at q. */
export function encryptPlanes(q: usize, roundKeys: usize): void {
  addRoundKey(q, roundKeys);
  for (let r: usize = 1; r < 10; r++) {
    subBytes(q);
    shiftRows(q);
    mixColumnsPass(q);
    addRoundKey(q, roundKeys + r * ROUND_KEY_SIZE);
  }
  subBytes(q);
  shiftRows(q);
  addRoundKey(q, roundKeys + 10 * ROUND_KEY_SIZE);
}

/** Decrypt the four blocks in the planes at q (the inverse cipher, rounds in reverse).
 *  InvSubBytes is g ∘ SubBytes ∘ g with g(x) = A⁻¹(x ⊕ 0x63), the S-box's affine step undone. */
export function decryptPlanes(q: usize, roundKeys: usize): void {
  addRoundKey(q, roundKeys + 10 * ROUND_KEY_SIZE);
  for (let r: usize = 9; r > 0; r--) {
    invShiftUndoAffine(q);
    subBytes(q);
    undoAffineAddKeyInvMix(q, roundKeys + r * ROUND_KEY_SIZE);
  }
  invShiftUndoAffine(q);
  subBytes(q);
  undoAffineAddKey(q, roundKeys);
}

function addRoundKey(q: usize, key: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, load<u64>(q + i) ^ load<u64>(key + i));
}

function shiftRows(q: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, shiftRowsPlane(load<u64>(q + i)));
}

/** Row r turns left by r columns (column c takes column c + r), i.e. the 16 bits
 *  of row r rotate right by 4·r: rows 2 and 3 by 8 (a byte swap), then rows 1 and 3 by 4. */
@inline function shiftRowsPlane(x: u64): u64 {
  const t = ((x >> 8) ^ x) & 0x00FF00FF00000000;
  x ^= t | (t << 8);
  return (x & 0x0000FFFF0000FFFF) | ((x >> 4) & 0x0FFF00000FFF0000) | ((x << 12) & 0xF0000000F0000000);
}

/** Row r turns right by r columns: its 16 bits rotate left by 4·r. */
@inline function invShiftRowsPlane(x: u64): u64 {
  const t = ((x >> 8) ^ x) & 0x00FF00FF00000000;
  x ^= t | (t << 8);
  return (x & 0x0000FFFF0000FFFF) | ((x << 4) & 0xFFF00000FFF00000) | ((x >> 12) & 0x000F0000000F0000);
}

/** MixColumns on the planes at q (encryption only: decryption reaches it through
 *  undoAffineAddKeyInvMix). Encryption is kept compact rather than fused; it serves tests and tools. */
function mixColumnsPass(q: usize): void {
  mixColumns(q, load<u64>(q, 0), load<u64>(q, 8), load<u64>(q, 16), load<u64>(q, 24),
    load<u64>(q, 32), load<u64>(q, 40), load<u64>(q, 48), load<u64>(q, 56));
}

/** Each column becomes 2·a0 ⊕ 3·a1 ⊕ a2 ⊕ a3 (rotated per row), computed as
 *  xtime(a ⊕ a1) ⊕ a1 ⊕ (a2 ⊕ a3), where a1 is the plane turned by one row
 *  (16 bits) and a2 ⊕ a3 is (a ⊕ a1) turned by two rows (32 bits). */
@inline function mixColumns(q: usize,
  a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): void {
  const b0 = rotr<u64>(a0, 16), b1 = rotr<u64>(a1, 16), b2 = rotr<u64>(a2, 16), b3 = rotr<u64>(a3, 16);
  const b4 = rotr<u64>(a4, 16), b5 = rotr<u64>(a5, 16), b6 = rotr<u64>(a6, 16), b7 = rotr<u64>(a7, 16);
  const t0 = a0 ^ b0, t1 = a1 ^ b1, t2 = a2 ^ b2, t3 = a3 ^ b3;
  const t4 = a4 ^ b4, t5 = a5 ^ b5, t6 = a6 ^ b6, t7 = a7 ^ b7;
  // xtime(t): multiply by x modulo x^8 + x^4 + x^3 + x + 1.
  store<u64>(q, t7 ^ b0 ^ rotr<u64>(t0, 32), 0);
  store<u64>(q, t0 ^ t7 ^ b1 ^ rotr<u64>(t1, 32), 8);
  store<u64>(q, t1 ^ b2 ^ rotr<u64>(t2, 32), 16);
  store<u64>(q, t2 ^ t7 ^ b3 ^ rotr<u64>(t3, 32), 24);
  store<u64>(q, t3 ^ t7 ^ b4 ^ rotr<u64>(t4, 32), 32);
  store<u64>(q, t4 ^ b5 ^ rotr<u64>(t5, 32), 40);
  store<u64>(q, t5 ^ b6 ^ rotr<u64>(t6, 32), 48);
  store<u64>(q, t6 ^ b7 ^ rotr<u64>(t7, 32), 56);
}

/** InvShiftRows, then g (the first half of InvSubBytes), in one pass. */
function invShiftUndoAffine(q: usize): void {
  const x0 = invShiftRowsPlane(load<u64>(q, 0)), x1 = invShiftRowsPlane(load<u64>(q, 8));
  const x2 = invShiftRowsPlane(load<u64>(q, 16)), x3 = invShiftRowsPlane(load<u64>(q, 24));
  const x4 = invShiftRowsPlane(load<u64>(q, 32)), x5 = invShiftRowsPlane(load<u64>(q, 40));
  const x6 = invShiftRowsPlane(load<u64>(q, 48)), x7 = invShiftRowsPlane(load<u64>(q, 56));
  // g, bit i: x[i+2] ⊕ x[i+5] ⊕ x[i+7] ⊕ bit i of 0x05 (pairs shared between bits).
  const p25 = x2 ^ x5, p03 = x0 ^ x3, p16 = x1 ^ x6, p47 = x4 ^ x7;
  store<u64>(q, ~(p25 ^ x7), 0);
  store<u64>(q, p03 ^ x6, 8);
  store<u64>(q, ~(p47 ^ x1), 16);
  store<u64>(q, p25 ^ x0, 24);
  store<u64>(q, p16 ^ x3, 32);
  store<u64>(q, p47 ^ x2, 40);
  store<u64>(q, p03 ^ x5, 48);
  store<u64>(q, p16 ^ x4, 56);
}

/** g (the second half of InvSubBytes), the round key, then InvMixColumns, in one pass.
 *  InvMixColumns = MixColumns after adding 4·(a0 ⊕ a2) to rows 0 and 2 and
 *  4·(a1 ⊕ a3) to rows 1 and 3 (14·, 11·, 13·, 9· factored over 2·, 3·). */
function undoAffineAddKeyInvMix(q: usize, key: usize): void {
  const x0 = load<u64>(q, 0), x1 = load<u64>(q, 8), x2 = load<u64>(q, 16), x3 = load<u64>(q, 24);
  const x4 = load<u64>(q, 32), x5 = load<u64>(q, 40), x6 = load<u64>(q, 48), x7 = load<u64>(q, 56);
  // g as in invShiftUndoAffine, then the round key.
  const p25 = x2 ^ x5, p03 = x0 ^ x3, p16 = x1 ^ x6, p47 = x4 ^ x7;
  const a0 = ~(p25 ^ x7) ^ load<u64>(key, 0), a1 = p03 ^ x6 ^ load<u64>(key, 8);
  const a2 = ~(p47 ^ x1) ^ load<u64>(key, 16), a3 = p25 ^ x0 ^ load<u64>(key, 24);
  const a4 = p16 ^ x3 ^ load<u64>(key, 32), a5 = p47 ^ x2 ^ load<u64>(key, 40);
  const a6 = p03 ^ x5 ^ load<u64>(key, 48), a7 = p16 ^ x4 ^ load<u64>(key, 56);
  const u0 = a0 ^ rotr<u64>(a0, 32), u1 = a1 ^ rotr<u64>(a1, 32), u2 = a2 ^ rotr<u64>(a2, 32);
  const u3 = a3 ^ rotr<u64>(a3, 32), u4 = a4 ^ rotr<u64>(a4, 32), u5 = a5 ^ rotr<u64>(a5, 32);
  const u6 = a6 ^ rotr<u64>(a6, 32), u7 = a7 ^ rotr<u64>(a7, 32);
  // a ⊕ xtime(xtime(u)), written out bit by bit.
  mixColumns(q, a0 ^ u6, a1 ^ u6 ^ u7, a2 ^ u0 ^ u7, a3 ^ u1 ^ u6,
    a4 ^ u2 ^ u6 ^ u7, a5 ^ u3 ^ u7, a6 ^ u4, a7 ^ u5);
}

/** g (the second half of InvSubBytes) and the round key: the last decryption step. */
function undoAffineAddKey(q: usize, key: usize): void {
  const x0 = load<u64>(q, 0), x1 = load<u64>(q, 8), x2 = load<u64>(q, 16), x3 = load<u64>(q, 24);
  const x4 = load<u64>(q, 32), x5 = load<u64>(q, 40), x6 = load<u64>(q, 48), x7 = load<u64>(q, 56);
  store<u64>(q, ~(x2 ^ x5 ^ x7) ^ load<u64>(key, 0), 0);
  store<u64>(q, x3 ^ x6 ^ x0 ^ load<u64>(key, 8), 8);
  store<u64>(q, ~(x4 ^ x7 ^ x1) ^ load<u64>(key, 16), 16);
  store<u64>(q, x5 ^ x0 ^ x2 ^ load<u64>(key, 24), 24);
  store<u64>(q, x6 ^ x1 ^ x3 ^ load<u64>(key, 32), 32);
  store<u64>(q, x7 ^ x2 ^ x4 ^ load<u64>(key, 40), 40);
  store<u64>(q, x0 ^ x3 ^ x5 ^ load<u64>(key, 48), 48);
  store<u64>(q, x1 ^ x4 ^ x6 ^ load<u64>(key, 56), 56);
}
