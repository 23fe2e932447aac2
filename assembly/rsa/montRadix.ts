// The Montgomery arithmetic's number form: k limbs of LIMB_BITS = 29 bits, one per u32,
// little-endian. A 32×32-bit limb product needs its carry at once; a 29×29-bit one is below
// 2^58, so a u64 accumulator takes 60 of them before a carry (montgomery.ts). 29 rather than
// 28 bits: 36 limbs instead of 37 for a 1024-bit CRT half (1296 limb products per Montgomery
// product, not 1369), and a column still takes a whole 36-limb product. Values enter and
// leave this form at the exponentiation's edges; everything else stays in 32-bit limbs
// (bigNat.ts). Every routine here runs in time that depends only on the lengths.

export const LIMB_BITS: u32 = 29;
export const LIMB_MASK: u32 = (1 << LIMB_BITS) - 1;

/** Limbs for a modulus of up to `bits` bits, with R = 2^(LIMB_BITS·k) ≥ 16·2^bits: the products
 *  then need no final subtraction (montgomery.ts says why 16). */
export function montLimbs(bits: u32): u32 {
  return (bits + 4 + LIMB_BITS - 1) / LIMB_BITS;
}

/** dst (k 29-bit limbs, as u32 or, when wide, as u64) = src (h 32-bit limbs); bits beyond
 *  LIMB_BITS·k are dropped, limbs beyond src are zero. */
export function toMontRadix(dst: usize, k: u32, src: usize, h: u32, wide: bool = false): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let j: u32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    if (bits < LIMB_BITS) {
      if (j < h) acc |= <u64>load<u32>(src + (<usize>j << 2)) << bits;
      j++;
      bits += 32;
    }
    const v = <u32>acc & LIMB_MASK;
    if (wide) store<u64>(dst + (<usize>i << 3), <u64>v);
    else store<u32>(dst + (<usize>i << 2), v);
    acc >>= LIMB_BITS;
    bits -= LIMB_BITS;
  }
}

/** dst (h 32-bit limbs) = src (k 29-bit limbs); the value must fit in 32h bits. */
export function fromMontRadix(dst: usize, h: u32, src: usize, k: u32): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let i: u32 = 0;
  for (let j: u32 = 0; j < h; j++) {
    while (bits < 32) {
      if (i < k) acc |= <u64>load<u32>(src + (<usize>i << 2)) << bits;
      i++;
      bits += LIMB_BITS;
    }
    store<u32>(dst + (<usize>j << 2), <u32>acc);
    acc >>= 32;
    bits -= 32;
  }
}

/** r = a ≥ n ? a − n : a (k limbs), by mask; r may alias a. */
export function montRadixReduceOnce(r: usize, a: usize, n: usize, k: u32): void {
  // First pass finds the borrow of a − n; the second writes a − (n & mask).
  let borrow: u64 = 0;
  for (let i: usize = 0; i < <usize>k << 2; i += 4) {
    const d = <u64>load<u32>(a + i) - <u64>load<u32>(n + i) - borrow;
    borrow = d >> 63;
  }
  const mask = <u32>borrow - 1; // all ones when a ≥ n
  borrow = 0;
  for (let i: usize = 0; i < <usize>k << 2; i += 4) {
    const d = <u64>load<u32>(a + i) - <u64>(load<u32>(n + i) & mask) - borrow;
    store<u32>(r + i, <u32>d & LIMB_MASK);
    borrow = d >> 63;
  }
}

/** a = 2a (k limbs); the caller keeps the value below 2^(LIMB_BITS·k). */
export function montRadixDouble(a: usize, k: u32): void {
  let carry: u32 = 0;
  for (let i: usize = 0; i < <usize>k << 2; i += 4) {
    const v = (load<u32>(a + i) << 1) | carry;
    store<u32>(a + i, v & LIMB_MASK);
    carry = v >> LIMB_BITS;
  }
}
