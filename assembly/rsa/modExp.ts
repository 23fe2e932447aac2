// Modular exponentiation in the Montgomery domain.
// modExpPublic: square-and-multiply over a public exponent (the sequence of
// operations depends on e only). modExpSecret: fixed 4-bit windows over every bit
// of the exponent's k limbs, each table entry fetched by scanning the whole table
// with masks, so neither branches nor memory addresses depend on the exponent.
import { limb, setLimb, bnZero, bnCopy } from "./bigNat";
import { montMul } from "./montgomery";

const WINDOW_BITS: u32 = 4;
/** Entries of the window table (2^WINDOW_BITS). */
export const WINDOW_ENTRIES: u32 = 1 << WINDOW_BITS;

/**
 * r = x^e mod n for plain x < n and a public e ≥ 1; rr = R² mod n.
 * xm and one are scratch of k limbs; r must not alias them.
 */
export function modExpPublic(r: usize, x: usize, e: u32, n: usize, n0inv: u32, rr: usize, k: u32, xm: usize, one: usize): void {
  montMul(xm, x, rr, n, n0inv, k);
  bnCopy(r, xm, k);
  for (let bit = 30 - <i32>clz(e); bit >= 0; bit--) {
    montMul(r, r, r, n, n0inv, k);
    if ((e >> bit) & 1) montMul(r, r, xm, n, n0inv, k);
  }
  bnZero(one, k);
  setLimb(one, 0, 1);
  montMul(r, r, one, n, n0inv, k); // leave the Montgomery domain
}

/** sel = table[index] (k limbs each), reading every entry: no index-dependent address. */
function tableSelect(sel: usize, table: usize, index: u32, k: u32): void {
  bnZero(sel, k);
  const stride = <usize>k << 2;
  for (let entry: u32 = 0; entry < WINDOW_ENTRIES; entry++) {
    const mask = 0 - (((entry ^ index) - 1) >> 31); // all ones only when entry == index
    const row = table + <usize>entry * stride;
    for (let i: u32 = 0; i < k; i++) setLimb(sel, i, limb(sel, i) | (limb(row, i) & mask));
  }
}

/**
 * acc = xM^exp in the Montgomery domain (xM = x·R mod n, oneM = R mod n), over all 32k
 * bits of exp (k limbs, a secret). table holds WINDOW_ENTRIES × k limbs; sel is k limbs.
 */
export function modExpSecret(acc: usize, xM: usize, oneM: usize, exp: usize, n: usize, n0inv: u32, k: u32, table: usize, sel: usize): void {
  const stride = <usize>k << 2;
  bnCopy(table, oneM, k);
  bnCopy(table + stride, xM, k);
  for (let i: u32 = 2; i < WINDOW_ENTRIES; i++) {
    montMul(table + <usize>i * stride, table + <usize>(i - 1) * stride, xM, n, n0inv, k);
  }
  const windows = (k << 5) / WINDOW_BITS;
  tableSelect(acc, table, windowAt(exp, windows - 1), k);
  for (let w = <i32>windows - 2; w >= 0; w--) {
    for (let s: u32 = 0; s < WINDOW_BITS; s++) montMul(acc, acc, acc, n, n0inv, k);
    tableSelect(sel, table, windowAt(exp, <u32>w), k);
    montMul(acc, acc, sel, n, n0inv, k);
  }
}

/** The w-th 4-bit window of exp (w counts from the least significant). */
@inline function windowAt(exp: usize, w: u32): u32 {
  return (limb(exp, w >> 3) >> ((w & 7) << 2)) & 15;
}
