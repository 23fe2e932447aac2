// Modular exponentiation in the Montgomery domain, on 29-bit limbs (montRadix.ts).
// modExpPublic: square-and-multiply over a public exponent (the sequence of
// operations depends on e only). modExpSecret: fixed 4-bit windows over every bit
// of the exponent's limbs, each table entry fetched by scanning the whole table
// with masks, so neither branches nor memory addresses depend on the exponent.
import { limb } from "./bigNat";
import { montMul, montSqr, montLeave } from "./montgomery";

const WINDOW_BITS: u32 = 4;
/** Entries of the window table (2^WINDOW_BITS). */
export const WINDOW_ENTRIES: u32 = 1 << WINDOW_BITS;

/**
 * r = x^e mod n (canonical) for x < n and a public e ≥ 1; rr = R² mod n; all k limbs.
 * xm is scratch of k limbs; r may alias x but not xm.
 */
export function modExpPublic(r: usize, x: usize, e: u32, n: usize, n0inv: u32, rr: usize, k: u32, xm: usize): void {
  montMul(xm, x, rr, n, n0inv, k);
  memory.copy(r, xm, <usize>k << 2);
  for (let bit = 30 - <i32>clz(e); bit >= 0; bit--) {
    montSqr(r, r, n, n0inv, k);
    if ((e >> bit) & 1) montMul(r, r, xm, n, n0inv, k);
  }
  montLeave(r, r, n, n0inv, k);
}

/** One all-ones or all-zero u64 mask per table entry (tableSelect). */
const ENTRY_MASKS: usize = memory.data(<i32>WINDOW_ENTRIES << 3, 8);

/** sel = table[index] (k limbs each), reading every entry: no index-dependent address. Each
 *  32-byte stretch of sel is gathered in registers across all entries and stored once: the
 *  scan reads 16 entries, and rewriting sel for each of them cost as much again. */
function tableSelect(sel: usize, table: usize, index: u32, k: u32): void {
  const stride = <usize>k << 2;
  for (let entry: u32 = 0; entry < WINDOW_ENTRIES; entry++) {
    const equal = 0 - (((entry ^ index) - 1) >> 31); // all ones only when entry == index
    store<u64>(ENTRY_MASKS + (<usize>entry << 3), <u64><i64><i32>equal);
  }
  const masksEnd = ENTRY_MASKS + (<usize>WINDOW_ENTRIES << 3);
  let i: usize = 0;
  for (; i + 32 <= stride; i += 32) {
    let w0: u64 = 0, w1: u64 = 0, w2: u64 = 0, w3: u64 = 0;
    let row = table + i;
    for (let m = ENTRY_MASKS; m < masksEnd; m += 8, row += stride) {
      const mask = load<u64>(m);
      w0 |= load<u64>(row) & mask;
      w1 |= load<u64>(row, 8) & mask;
      w2 |= load<u64>(row, 16) & mask;
      w3 |= load<u64>(row, 24) & mask;
    }
    store<u64>(sel + i, w0);
    store<u64>(sel + i, w1, 8);
    store<u64>(sel + i, w2, 16);
    store<u64>(sel + i, w3, 24);
  }
  for (; i + 8 <= stride; i += 8) {
    let w: u64 = 0;
    let row = table + i;
    for (let m = ENTRY_MASKS; m < masksEnd; m += 8, row += stride) w |= load<u64>(row) & load<u64>(m);
    store<u64>(sel + i, w);
  }
  if (i < stride) {
    let w: u32 = 0; // the last limb of an odd k
    let row = table + i;
    for (let m = ENTRY_MASKS; m < masksEnd; m += 8, row += stride) w |= load<u32>(row) & load<u32>(m);
    store<u32>(sel + i, w);
  }
}

/**
 * acc = xM^exp in the Montgomery domain (xM = x·R mod n, below 3n; oneM = R mod n, below 2n),
 * over all 32·expLimbs bits of exp (32-bit limbs, a secret); acc is below 2n. table holds
 * WINDOW_ENTRIES × k limbs; sel is k limbs.
 */
export function modExpSecret(acc: usize, xM: usize, oneM: usize, exp: usize, expLimbs: u32, n: usize, n0inv: u32, k: u32, table: usize, sel: usize): void {
  const stride = <usize>k << 2;
  memory.copy(table, oneM, stride);
  memory.copy(table + stride, xM, stride);
  for (let i: u32 = 2; i < WINDOW_ENTRIES; i++) {
    const entry = table + <usize>i * stride;
    if (i & 1) montMul(entry, table + <usize>(i - 1) * stride, xM, n, n0inv, k);
    else montSqr(entry, table + <usize>(i >> 1) * stride, n, n0inv, k);
  }
  const windows = (expLimbs << 5) / WINDOW_BITS;
  tableSelect(acc, table, windowAt(exp, windows - 1), k);
  for (let w = <i32>windows - 2; w >= 0; w--) {
    for (let s: u32 = 0; s < WINDOW_BITS; s++) montSqr(acc, acc, n, n0inv, k);
    tableSelect(sel, table, windowAt(exp, <u32>w), k);
    montMul(acc, acc, sel, n, n0inv, k);
  }
}

/** The w-th 4-bit window of exp (w counts from the least significant). */
@inline function windowAt(exp: usize, w: u32): u32 {
  return (limb(exp, w >> 3) >> ((w & 7) << 2)) & 15;
}
