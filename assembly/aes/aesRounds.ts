// The AES-128 round functions on four blocks held as bit planes (aesBitslice.ts
// explains the layout: row r, column c, block b at bit 16·r + 4·c + b of each plane).
// Encryption and decryption of the four blocks with the bit-planed round keys of
// aesKeySchedule.ts; every step is a fixed sequence of word operations.
import { subBytes, invSubBytes } from "./aesSbox";

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
    mixColumns(q);
    addRoundKey(q, roundKeys + r * ROUND_KEY_SIZE);
  }
  subBytes(q);
  shiftRows(q);
  addRoundKey(q, roundKeys + 10 * ROUND_KEY_SIZE);
}

/** Decrypt the four blocks in the planes at q (the inverse cipher, rounds in reverse). */
export function decryptPlanes(q: usize, roundKeys: usize): void {
  addRoundKey(q, roundKeys + 10 * ROUND_KEY_SIZE);
  for (let r: usize = 9; r > 0; r--) {
    invShiftRows(q);
    invSubBytes(q);
    addRoundKey(q, roundKeys + r * ROUND_KEY_SIZE);
    invMixColumns(q);
  }
  invShiftRows(q);
  invSubBytes(q);
  addRoundKey(q, roundKeys);
}

function addRoundKey(q: usize, key: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, load<u64>(q + i) ^ load<u64>(key + i));
}

/** Row r turns left by r columns: inside its 16 bits, column c takes column c + r. */
function shiftRows(q: usize): void {
  for (let i: usize = 0; i < 64; i += 8) {
    const x = load<u64>(q + i);
    store<u64>(q + i, (x & 0x000000000000FFFF)
      | ((x & 0x00000000FFF00000) >> 4) | ((x & 0x00000000000F0000) << 12)
      | ((x & 0x0000FF0000000000) >> 8) | ((x & 0x000000FF00000000) << 8)
      | ((x & 0xF000000000000000) >> 12) | ((x & 0x0FFF000000000000) << 4));
  }
}

/** Row r turns right by r columns: column c takes column c − r. */
function invShiftRows(q: usize): void {
  for (let i: usize = 0; i < 64; i += 8) {
    const x = load<u64>(q + i);
    store<u64>(q + i, (x & 0x000000000000FFFF)
      | ((x & 0x000000000FFF0000) << 4) | ((x & 0x00000000F0000000) >> 12)
      | ((x & 0x0000FF0000000000) >> 8) | ((x & 0x000000FF00000000) << 8)
      | ((x & 0xFFF0000000000000) >> 4) | ((x & 0x000F000000000000) << 12));
  }
}

/** Each column becomes 2·a0 ⊕ 3·a1 ⊕ a2 ⊕ a3 (rotated per row), computed as
 *  xtime(a ⊕ a1) ⊕ a1 ⊕ (a2 ⊕ a3), where a1 is the plane turned by one row
 *  (16 bits) and a2 ⊕ a3 is (a ⊕ a1) turned by two rows (32 bits). */
function mixColumns(q: usize): void {
  const a0 = load<u64>(q, 0), a1 = load<u64>(q, 8), a2 = load<u64>(q, 16), a3 = load<u64>(q, 24);
  const a4 = load<u64>(q, 32), a5 = load<u64>(q, 40), a6 = load<u64>(q, 48), a7 = load<u64>(q, 56);
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

/** InvMixColumns = MixColumns after adding 4·(a0 ⊕ a2) to rows 0 and 2 and
 *  4·(a1 ⊕ a3) to rows 1 and 3 (the factorisation of 14·,11·,13·,9· over 2·,3·). */
function invMixColumns(q: usize): void {
  const a0 = load<u64>(q, 0), a1 = load<u64>(q, 8), a2 = load<u64>(q, 16), a3 = load<u64>(q, 24);
  const a4 = load<u64>(q, 32), a5 = load<u64>(q, 40), a6 = load<u64>(q, 48), a7 = load<u64>(q, 56);
  const u0 = a0 ^ rotr<u64>(a0, 32), u1 = a1 ^ rotr<u64>(a1, 32), u2 = a2 ^ rotr<u64>(a2, 32);
  const u3 = a3 ^ rotr<u64>(a3, 32), u4 = a4 ^ rotr<u64>(a4, 32), u5 = a5 ^ rotr<u64>(a5, 32);
  const u6 = a6 ^ rotr<u64>(a6, 32), u7 = a7 ^ rotr<u64>(a7, 32);
  // xtime(xtime(u)) written out bit by bit.
  store<u64>(q, a0 ^ u6, 0);
  store<u64>(q, a1 ^ u6 ^ u7, 8);
  store<u64>(q, a2 ^ u0 ^ u7, 16);
  store<u64>(q, a3 ^ u1 ^ u6, 24);
  store<u64>(q, a4 ^ u2 ^ u6 ^ u7, 32);
  store<u64>(q, a5 ^ u3 ^ u7, 40);
  store<u64>(q, a6 ^ u4, 48);
  store<u64>(q, a7 ^ u5, 56);
  mixColumns(q);
}
