// Fixed-size natural numbers: little-endian arrays of k 32-bit limbs at a pointer.
// Every routine here runs in time that depends only on k (never on the values),
// except the few named `...Public`, which are for public values only.

/** Limbs of the largest supported modulus (4096 bits). */
export const MAX_LIMBS: u32 = 128;

@inline export function limb(a: usize, i: u32): u32 {
  return load<u32>(a + (<usize>i << 2));
}
@inline export function setLimb(a: usize, i: u32, v: u32): void {
  store<u32>(a + (<usize>i << 2), v);
}

export function bnZero(r: usize, k: u32): void {
  memory.fill(r, 0, <usize>k << 2);
}

export function bnCopy(r: usize, a: usize, k: u32): void {
  memory.copy(r, a, <usize>k << 2);
}

/** r = the big-endian bytes src[0..len) as k limbs; the caller guarantees len ≤ 4k. */
export function bnFromBytes(r: usize, k: u32, src: usize, len: u32): void {
  bnZero(r, k);
  for (let i: u32 = 0; i < len; i++) {
    const byte = <u32>load<u8>(src + <usize>(len - 1 - i));
    const at = r + (<usize>(i >> 2) << 2);
    store<u32>(at, load<u32>(at) | (byte << ((i & 3) << 3)));
  }
}

/** dst[0..len) = the low len bytes of a, big-endian (len ≤ 4k). */
export function bnToBytes(dst: usize, len: u32, a: usize): void {
  for (let i: u32 = 0; i < len; i++) {
    store<u8>(dst + <usize>(len - 1 - i), <u8>(limb(a, i >> 2) >> ((i & 3) << 3)));
  }
}

/** r = a − b (k limbs); returns the borrow (0 or 1). r may alias a or b. */
export function bnSub(r: usize, a: usize, b: usize, k: u32): u32 {
  let borrow: u64 = 0;
  for (let i: u32 = 0; i < k; i++) {
    const d = <u64>limb(a, i) - <u64>limb(b, i) - borrow;
    setLimb(r, i, <u32>d);
    borrow = (d >> 32) & 1;
  }
  return <u32>borrow;
}

/** r = a + b (k limbs); returns the carry (0 or 1). r may alias a or b. */
export function bnAdd(r: usize, a: usize, b: usize, k: u32): u32 {
  let carry: u64 = 0;
  for (let i: u32 = 0; i < k; i++) {
    const s = <u64>limb(a, i) + <u64>limb(b, i) + carry;
    setLimb(r, i, <u32>s);
    carry = s >> 32;
  }
  return <u32>carry;
}

/** r = mask ? a : b, limb by limb with the mask (all ones or zero): no branch. */
export function bnSelect(r: usize, a: usize, b: usize, k: u32, mask: u32): void {
  for (let i: u32 = 0; i < k; i++) {
    setLimb(r, i, (limb(a, i) & mask) | (limb(b, i) & ~mask));
  }
}

/** r (2k limbs) = a · b (k limbs each); r must not alias a or b. */
export function bnMul(r: usize, a: usize, b: usize, k: u32): void {
  bnZero(r, k << 1);
  for (let i: u32 = 0; i < k; i++) {
    const bi = <u64>limb(b, i);
    let carry: u64 = 0;
    for (let j: u32 = 0; j < k; j++) {
      const t = <u64>limb(a, j) * bi + <u64>limb(r, i + j) + carry;
      setLimb(r, i + j, <u32>t);
      carry = t >> 32;
    }
    setLimb(r, i + k, <u32>carry);
  }
}

/** All ones when a == b (k limbs), else zero; no early exit. */
export function bnEqualMask(a: usize, b: usize, k: u32): u32 {
  let diff: u32 = 0;
  for (let i: u32 = 0; i < k; i++) diff |= limb(a, i) ^ limb(b, i);
  return <u32>((<u64>diff - 1) >> 32) ; // 0xffffffff only when diff == 0
}

/** −1, 0 or 1 as a <, =, > b. Variable time: for public values only. */
export function bnComparePublic(a: usize, b: usize, k: u32): i32 {
  for (let i = <i32>k - 1; i >= 0; i--) {
    const x = limb(a, <u32>i), y = limb(b, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Number of significant bits of a (k limbs). Variable time: public values only. */
export function bnBitLengthPublic(a: usize, k: u32): u32 {
  for (let i = <i32>k - 1; i >= 0; i--) {
    const x = limb(a, <u32>i);
    if (x != 0) return (<u32>i << 5) + 32 - <u32>clz(x);
  }
  return 0;
}

/** a = 2a (k limbs); returns the bit shifted out. */
export function bnShiftLeft1(a: usize, k: u32): u32 {
  let carry: u32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    const x = limb(a, i);
    setLimb(a, i, (x << 1) | carry);
    carry = x >> 31;
  }
  return carry;
}
