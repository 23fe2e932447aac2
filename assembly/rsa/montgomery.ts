// Montgomery arithmetic modulo an odd n of k 32-bit limbs, R = 2^(32k).
// montMul is the coarsely integrated operand scanning (CIOS) product with the
// multiplication and reduction loops fused; its final subtraction is by mask,
// so its running time depends only on k.
import { MAX_LIMBS, limb, setLimb, bnZero, bnSub, bnSelect, bnShiftLeft1 } from "./bigNat";

/** Accumulator of montMul (k + 1 limbs) and scratch of montSquareOfR. */
const T: usize = memory.data(<i32>(MAX_LIMBS + 2) << 2, 8);

/** −n⁻¹ mod 2³² for odd n0 (Newton's iteration doubles the correct bits each step). */
export function montInverse(n0: u32): u32 {
  let x = n0; // correct to 3 bits for odd n0
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  return 0 - x;
}

/** r = a · b · R⁻¹ mod n, for a < R and b < n; r may alias a or b. */
export function montMul(r: usize, a: usize, b: usize, n: usize, n0inv: u32, k: u32): void {
  bnZero(T, k + 1);
  const kBytes = <usize>k << 2;
  for (let i: u32 = 0; i < k; i++) {
    const bi = <u64>limb(b, i);
    const x0 = <u64>load<u32>(T) + <u64>load<u32>(a) * bi;
    let c1 = x0 >> 32;
    const m = <u64>(<u32>x0 * n0inv);
    let c2 = (<u64>(<u32>x0) + m * <u64>load<u32>(n)) >> 32;
    // Limbs 1 … k−1: single steps until a multiple of four remain, then four per turn
    // (fewer loop branches; the carries chain through c1 and c2 either way).
    let j: usize = 4;
    for (; ((kBytes - j) & 12) != 0; j += 4) {
      const x = <u64>load<u32>(T + j) + <u64>load<u32>(a + j) * bi + c1;
      c1 = x >> 32;
      const y = (x & 0xffffffff) + m * <u64>load<u32>(n + j) + c2;
      c2 = y >> 32;
      store<u32>(T + j - 4, <u32>y);
    }
    for (; j < kBytes; j += 16) {
      const x0 = <u64>load<u32>(T + j) + <u64>load<u32>(a + j) * bi + c1;
      const y0 = (x0 & 0xffffffff) + m * <u64>load<u32>(n + j) + c2;
      store<u32>(T + j - 4, <u32>y0);
      const x1 = <u64>load<u32>(T + j, 4) + <u64>load<u32>(a + j, 4) * bi + (x0 >> 32);
      const y1 = (x1 & 0xffffffff) + m * <u64>load<u32>(n + j, 4) + (y0 >> 32);
      store<u32>(T + j, <u32>y1);
      const x2 = <u64>load<u32>(T + j, 8) + <u64>load<u32>(a + j, 8) * bi + (x1 >> 32);
      const y2 = (x2 & 0xffffffff) + m * <u64>load<u32>(n + j, 8) + (y1 >> 32);
      store<u32>(T + j, <u32>y2, 4);
      const x3 = <u64>load<u32>(T + j, 12) + <u64>load<u32>(a + j, 12) * bi + (x2 >> 32);
      const y3 = (x3 & 0xffffffff) + m * <u64>load<u32>(n + j, 12) + (y2 >> 32);
      store<u32>(T + j, <u32>y3, 8);
      c1 = x3 >> 32;
      c2 = y3 >> 32;
    }
    const top = <u64>load<u32>(T + kBytes) + c1 + c2;
    store<u32>(T + kBytes - 4, <u32>top);
    store<u32>(T + kBytes, <u32>(top >> 32));
  }
  // T < 2n: keep T when it is already below n (no overflow limb and T − n borrows).
  const borrow = bnSub(r, T, n, k);
  const keep = borrow & (1 - limb(T, k));
  bnSelect(r, T, r, k, 0 - keep);
}

/** rr = R² mod n, where n has `bits` significant bits (bits > 32(k−1)). Constant time in n. */
export function montSquareOfR(rr: usize, n: usize, n0inv: u32, k: u32, bits: u32): void {
  // Start at 2^(bits−1) < n, double up to R·2^k mod n, then square five times in the
  // Montgomery domain: (R·2^s)² / R = R·2^(2s), and 2^5 · k = 32k, so the result is R·R.
  bnZero(rr, k);
  setLimb(rr, (bits - 1) >> 5, 1 << ((bits - 1) & 31));
  for (let d: u32 = (k << 5) - bits + 1 + k; d > 0; d--) {
    const carry = bnShiftLeft1(rr, k);
    const borrow = bnSub(T, rr, n, k);
    bnSelect(rr, T, rr, k, 0 - (carry | (1 - borrow)));
  }
  for (let s = 0; s < 5; s++) montMul(rr, rr, rr, n, n0inv, k);
}
