// Montgomery arithmetic modulo an odd n of k limbs of LIMB_BITS (montRadix.ts), R = 2^(LIMB_BITS·k) ≥ 16n.
//
// Lazy carries: a product is accumulated into a table T of 2k u64 columns without carrying
// (each limb product is below 2^(2·LIMB_BITS), so a column holds SAFE_PRODUCTS of them), then
// reduced row by row, and carried once at the end (for k a multiple of 4 inside the last pass,
// carryColumns). Sizes whose columns would take more products than that settle the table
// between rows (settleColumns: every column's high bits move up one column at once, with no
// carry chain), at points fixed by k. Four rows are
// handled per pass (addRows4), so each column is loaded and stored once for four products.
// Squaring computes each cross product once, against the doubled limb, so it needs no
// doubling pass. The reduction works out each group's row factors in registers, overlapping
// the previous group's pass (reduceColumns says how).
// No final subtraction: with R ≥ 16n, inputs below 4n give an output below 2n, and an input
// below R times one below 2n gives one below 3n, so values stay in range without the masked
// correction (montLeave makes the result canonical once, at the end).
// Every loop runs a number of times fixed by k alone.
import { MAX_LIMBS } from "./bigNat";
import { LIMB_BITS, LIMB_MASK, toMontRadix, montRadixReduceOnce, montRadixDouble } from "./montRadix";

/** Limbs of the largest supported modulus (4096 bits) in this form. */
export const MAX_MONT_LIMBS: u32 = (32 * MAX_LIMBS + 4 + LIMB_BITS - 1) / LIMB_BITS;

/** Products a column takes between carries: 2^64 / 2^(2·LIMB_BITS), less room for the
 *  carried residue and the carries added on the way. */
const SAFE_PRODUCTS: u32 = (1 << (64 - 2 * LIMB_BITS)) - 4;

/** Columns of the lazy product (2k, and slack). */
const T: usize = memory.data(<i32>(2 * MAX_MONT_LIMBS + 4) << 3, 8);

/** −n⁻¹ mod 2^LIMB_BITS for odd n0 (Newton's iteration doubles the correct bits each step). */
export function montInverse(n0: u32): u32 {
  let x = n0; // correct to 3 bits for odd n0
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  x *= 2 - n0 * x;
  return (0 - x) & LIMB_MASK;
}

/** The result limbs r[0 … 3] of four column sums s0 … s3 plus the carry from the column below
 *  (the last pass of a reduction); returns the carry out of s3. Doing the final carry in that
 *  pass rather than in a loop of its own puts its one-cycle-a-step chain beside the products
 *  instead of after them. */
@inline function carryColumns(r: usize, s0: u64, s1: u64, s2: u64, s3: u64, carry: u64): u64 {
  let v = s0 + carry;
  store<u32>(r, <u32>v & LIMB_MASK);
  v = s1 + (v >> LIMB_BITS);
  store<u32>(r, <u32>v & LIMB_MASK, 4);
  v = s2 + (v >> LIMB_BITS);
  store<u32>(r, <u32>v & LIMB_MASK, 8);
  v = s3 + (v >> LIMB_BITS);
  store<u32>(r, <u32>v & LIMB_MASK, 12);
  return v >> LIMB_BITS;
}

/** Columns j0 … j1−1 of addRows4 (j0 = 0 or j0 ≥ 3, j1 ≤ len + 3): the same sums, a span at a
 *  time, so the reduction can leave out the columns it works out in registers. With `out`
 *  (j1 = len + 3, the reduction's last pass), column j0 + i goes to the result limb r[i]
 *  instead, carried (carryColumns); returns the carry out of the last column. */
@inline function addRows4Span(t: usize, a: usize, len: usize, j0: usize, j1: usize, b0: u64, b1: u64, b2: u64, b3: u64, out: bool = false, r: usize = 0, carry: u64 = 0): u64 {
  let p1: u64 = 0, p2: u64 = 0, p3: u64 = 0; // a_{j−1}, a_{j−2}, a_{j−3}
  if (j0 >= 3) {
    p1 = <u64>load<u32>(a + ((j0 - 1) << 2));
    p2 = <u64>load<u32>(a + ((j0 - 2) << 2));
    p3 = <u64>load<u32>(a + ((j0 - 3) << 2));
  }
  const stop = min(j1, len);
  t += j0 << 3;
  let x = a + (j0 << 2);
  const end = a + (stop << 2);
  for (let left = (stop - j0) & 3; left > 0; left--, x += 4, t += 8) {
    const v = <u64>load<u32>(x);
    const s = load<u64>(t) + v * b0 + p1 * b1 + p2 * b2 + p3 * b3;
    if (out) {
      const c = s + carry;
      store<u32>(r, <u32>c & LIMB_MASK);
      carry = c >> LIMB_BITS;
      r += 4;
    } else store<u64>(t, s);
    p3 = p2;
    p2 = p1;
    p1 = v;
  }
  for (; x < end; x += 16, t += 32) {
    const x0 = <u64>load<u32>(x), x1 = <u64>load<u32>(x, 4), x2 = <u64>load<u32>(x, 8), x3 = <u64>load<u32>(x, 12);
    if (out) {
      carry = carryColumns(r, load<u64>(t) + x0 * b0 + p1 * b1 + p2 * b2 + p3 * b3, load<u64>(t, 8) + x1 * b0 + x0 * b1 + p1 * b2 + p2 * b3,
        load<u64>(t, 16) + x2 * b0 + x1 * b1 + x0 * b2 + p1 * b3, load<u64>(t, 24) + x3 * b0 + x2 * b1 + x1 * b2 + x0 * b3, carry);
      r += 16;
    } else {
      store<u64>(t, load<u64>(t) + x0 * b0 + p1 * b1 + p2 * b2 + p3 * b3);
      store<u64>(t, load<u64>(t, 8) + x1 * b0 + x0 * b1 + p1 * b2 + p2 * b3, 8);
      store<u64>(t, load<u64>(t, 16) + x2 * b0 + x1 * b1 + x0 * b2 + p1 * b3, 16);
      store<u64>(t, load<u64>(t, 24) + x3 * b0 + x2 * b1 + x1 * b2 + x0 * b3, 24);
    }
    p3 = x1;
    p2 = x2;
    p1 = x3;
  }
  if (j1 > len) {
    const s0 = load<u64>(t) + p1 * b1 + p2 * b2 + p3 * b3, s1 = load<u64>(t, 8) + p1 * b2 + p2 * b3, s2 = load<u64>(t, 16) + p1 * b3;
    if (out) return carryColumns(r, s0, s1, s2, load<u64>(t, 24), carry); // column len+3 of T: its top, 2k−1
    store<u64>(t, s0);
    store<u64>(t, s1, 8);
    store<u64>(t, s2, 16);
  }
  return carry;
}

/** T[t + j] += a_j·b0 + a_{j−1}·b1 + a_{j−2}·b2 + a_{j−3}·b3 for j = 0 … len+2, with a_j
 *  zero outside 0 … len−1: four rows of a product for one load and store of each column,
 *  four columns per iteration (the loop runs at the machine's instruction rate, not its
 *  multiplier's, so its bookkeeping counts). */
@inline function addRows4(t: usize, a: usize, len: usize, b0: u64, b1: u64, b2: u64, b3: u64): void {
  addRows4Span(t, a, len, 0, len + 3, b0, b1, b2, b3);
}

/** T[t + j] += a_j·b0 for j = 0 … len−1. */
@inline function addRow1(t: usize, a: usize, len: usize, b0: u64): void {
  const end = a + (len << 2);
  for (; a < end; a += 4, t += 8) store<u64>(t, load<u64>(t) + <u64>load<u32>(a) * b0);
}

/** T's columns 0 … 2k+3 = 0. A loop of stores rather than memory.fill: the engine makes a call
 *  for memory.fill, which costs more than these few stores (2k + 4 is even). */
@inline function clearColumns(k: u32): void {
  const end = T + (<usize>(2 * k + 4) << 3);
  for (let t = T; t < end; t += 16) {
    store<u64>(t, 0);
    store<u64>(t, 0, 8);
  }
}

/** T = a·b, partly carried; returns how many products a column holds since its last carry. */
function productColumns(a: usize, b: usize, k: u32): u32 {
  clearColumns(k);
  const kBytes = <usize>k << 2;
  let rows: u32 = 0; // since the last carry; a column gets at most one product per row
  let i: usize = 0;
  for (; i + 16 <= kBytes; i += 16, rows += 4) {
    if (rows + 4 > SAFE_PRODUCTS) rows = settleAll(k);
    addRows4(T + (i << 1), a, k, <u64>load<u32>(b + i), <u64>load<u32>(b + i, 4), <u64>load<u32>(b + i, 8), <u64>load<u32>(b + i, 12));
  }
  for (; i < kBytes; i += 4, rows++) {
    if (rows + 1 > SAFE_PRODUCTS) rows = settleAll(k);
    addRow1(T + (i << 1), a, k, <u64>load<u32>(b + i));
  }
  return min(rows, k);
}

/** T = a² with columns below 2^LIMB_BITS + 2^(64−LIMB_BITS) (see settleColumns). Each cross
 *  product is taken once against the doubled row limb, and the squares join in each block. */
function squareColumns(a: usize, k: u32): void {
  clearColumns(k);
  const kBytes = <usize>k << 2;
  // A column gets at most one doubled cross product (two products' worth) per row, k/2 of them
  // in all, and its square; the test is on k alone.
  const carries = k + 1 > SAFE_PRODUCTS;
  let units: u32 = 1;
  let i: usize = 0;
  for (; i + 16 <= kBytes; i += 16, units += 8) {
    // Columns below twice this row are final; the ones from there on are settled when another
    // block could overflow them.
    if (carries && units + 8 > SAFE_PRODUCTS) units = settleFrom(i >> 1, k);
    // Rows a_i … a_{i+3}: their squares and the six products among themselves, then the block
    // against a_{i+4} … with the doubled limbs.
    const b0 = <u64>load<u32>(a + i), b1 = <u64>load<u32>(a + i, 4), b2 = <u64>load<u32>(a + i, 8), b3 = <u64>load<u32>(a + i, 12);
    const d0 = b0 << 1, d1 = b1 << 1, d2 = b2 << 1, d3 = b3 << 1;
    const t = T + (i << 2); // column 2i
    store<u64>(t, load<u64>(t) + b0 * b0);
    store<u64>(t, load<u64>(t, 8) + d0 * b1, 8);
    store<u64>(t, load<u64>(t, 16) + d0 * b2 + b1 * b1, 16);
    store<u64>(t, load<u64>(t, 24) + d0 * b3 + d1 * b2, 24);
    store<u64>(t, load<u64>(t, 32) + d1 * b3 + b2 * b2, 32);
    store<u64>(t, load<u64>(t, 40) + d2 * b3, 40);
    store<u64>(t, load<u64>(t, 48) + b3 * b3, 48);
    addRows4(t + 32, a + i + 16, (kBytes - i - 16) >> 2, d0, d1, d2, d3);
  }
  for (; i < kBytes; i += 4, units += 2) {
    if (carries && units + 2 > SAFE_PRODUCTS) units = settleFrom(i >> 1, k);
    const b = <u64>load<u32>(a + i);
    const t = T + (i << 2);
    store<u64>(t, load<u64>(t) + b * b);
    addRow1(t + 8, a + i + 4, (kBytes - i - 4) >> 2, b << 1);
  }
  if (carries) {
    settleColumns(T, k << 1, 0);
    return;
  }
  // Only the middle columns need settling: the reduction adds at most min(c + 1, 2k − 1 − c)
  // products to column c, and the square holds at most min(c, 2k − 2 − c) + 2 products' worth,
  // so column c can overflow only from SETTLE_FIRST up to (4k − SAFE_PRODUCTS)/2 − 1.
  const last = (<i32>(k << 2) - <i32>SAFE_PRODUCTS) / 2 - 1;
  if (last < <i32>SETTLE_FIRST) return;
  // The column just above the settled ones takes the last one's high bits.
  const rise = settleColumns(T + (<usize>SETTLE_FIRST << 3), <u32>last + 1 - SETTLE_FIRST, 0);
  const above = T + (<usize>(last + 1) << 3);
  store<u64>(above, load<u64>(above) + rise);
}

/** The first column of a square that can overflow when reduced: below it a column holds at
 *  most 2c + 3 products' worth in all. */
const SETTLE_FIRST: u32 = (SAFE_PRODUCTS - 3) / 2 + 1;

/** Settle columns `from` … 2k−1; returns 2, the products' worth a column then holds (its square included). */
function settleFrom(from: usize, k: u32): u32 {
  settleColumns(T + (from << 3), (k << 1) - <u32>from, 0);
  return 2;
}

/** Move each column's bits above LIMB_BITS into the next column, all at once (no carry chain):
 *  afterwards every column is below 2^LIMB_BITS + 2^(64−LIMB_BITS), a few products' worth.
 *  `carry` joins the first column. The value is unchanged: the top column of a value below R²
 *  (all of T here) is below 2^LIMB_BITS, so nothing leaves it. */
function settleColumns(t: usize, count: u32, carry: u64): u64 {
  const end = t + (<usize>count << 3);
  let below = carry << LIMB_BITS; // the previous column as it was
  for (; t < end; t += 8) {
    const v = load<u64>(t);
    store<u64>(t, (v & LIMB_MASK) + (below >> LIMB_BITS));
    below = v;
  }
  return below >> LIMB_BITS; // what the last column passes on
}

/** Settle all 2k columns; returns 0, the products a column holds since then. */
function settleAll(k: u32): u32 {
  settleColumns(T, k << 1, 0);
  return 0;
}

@inline function rowFactor(t: u64, n0inv: u32): u64 {
  return <u64>((<u32>t * n0inv) & LIMB_MASK);
}

/** r (k limbs) = T·R⁻¹ mod n, in [0, T/R + n): add m·n with m chosen limb by limb so the low
 *  k columns vanish, four rows (a group) per pass, then carry the high columns into r.
 *  `pending` is how many products T's columns hold since they were last settled.
 *
 *  A group's four row factors depend on each other and on every earlier row, one after the
 *  other (about forty cycles of latency per group). They are worked out in registers from the
 *  group's four columns as they stand in T plus the previous group's products on them, before
 *  that previous group's pass over the remaining columns, so the processor runs the chain
 *  alongside that pass instead of after it. The first eight columns of a group's rows live only
 *  in registers (the chain needs them and nothing else does), so no product is computed twice. */
function reduceColumns(r: usize, n: usize, n0inv: u32, k: u32, pending: u32): void {
  const kBytes = <usize>k << 2;
  const groups = k >> 2;
  const n0 = <u64>load<u32>(n), n1 = <u64>load<u32>(n, 4), n2 = <u64>load<u32>(n, 8), n3 = <u64>load<u32>(n, 12);
  const n4 = <u64>load<u32>(n, 16), n5 = <u64>load<u32>(n, 20), n6 = <u64>load<u32>(n, 24), n7 = <u64>load<u32>(n, 28);
  let m0: u64 = 0, m1: u64 = 0, m2: u64 = 0, m3: u64 = 0; // the previous group's row factors
  let carry: u64 = 0; // into the next group's first column
  if (groups > 0 && pending + 4 > SAFE_PRODUCTS) {
    settleColumns(T, k << 1, 0);
    pending = 0;
  }
  for (let j: u32 = 0; j <= groups; j++) {
    const next = T + (<usize>j << 5); // group j's first column (4j)
    if (j < groups) {
      // Columns from 4j on will take group j−1's rows and group j's: settle them first if needed.
      if (j > 0 && pending + 8 > SAFE_PRODUCTS) {
        settleColumns(next, (k << 1) - (j << 2), 0);
        pending = 0;
      }
      const q0 = load<u64>(next) + m0 * n4 + m1 * n3 + m2 * n2 + m3 * n1 + carry;
      const a0 = rowFactor(q0, n0inv);
      let c = (q0 + a0 * n0) >> LIMB_BITS;
      const q1 = load<u64>(next, 8) + m0 * n5 + m1 * n4 + m2 * n3 + m3 * n2 + a0 * n1 + c;
      const a1 = rowFactor(q1, n0inv);
      c = (q1 + a1 * n0) >> LIMB_BITS;
      const q2 = load<u64>(next, 16) + m0 * n6 + m1 * n5 + m2 * n4 + m3 * n3 + a0 * n2 + a1 * n1 + c;
      const a2 = rowFactor(q2, n0inv);
      c = (q2 + a2 * n0) >> LIMB_BITS;
      const q3 = load<u64>(next, 24) + m0 * n7 + m1 * n6 + m2 * n5 + m3 * n4 + a0 * n3 + a1 * n2 + a2 * n1 + c;
      const a3 = rowFactor(q3, n0inv);
      carry = (q3 + a3 * n0) >> LIMB_BITS;
      // Group j−1's rows on columns 4j + 4 … (its first eight columns are done in registers).
      if (j > 0) addRows4Span(next - 32, n, k, 8, k + 3, m0, m1, m2, m3);
      m0 = a0;
      m1 = a1;
      m2 = a2;
      m3 = a3;
    } else if (j > 0) {
      // The last group: no chain follows, so its rows go to T from its fifth column on, and
      // `carry` goes into that column with the single rows or the final pass below.
      if (pending + 4 > SAFE_PRODUCTS) {
        settleColumns(next, (k << 1) - (j << 2), 0);
        pending = 0;
      }
      if ((k & 3) == 0) {
        // No single rows follow: this pass covers columns k … 2k−2, the result's.
        // Its last carried column is T's top one (2k−1), the result's last limb.
        addRows4Span(next - 32, n, k, 4, k + 3, m0, m1, m2, m3, true, r, carry);
        return;
      }
      addRows4Span(next - 32, n, k, 4, k + 3, m0, m1, m2, m3);
    }
    if (j > 0) pending += 4;
  }
  let i: usize = <usize>groups << 4;
  for (; i < kBytes; i += 4, pending++) {
    if (pending + 1 > SAFE_PRODUCTS) {
      settleColumns(T + (i << 1), (k << 1) - <u32>(i >> 2), carry);
      carry = 0;
      pending = 0;
    }
    const t = T + (i << 1);
    const t0 = load<u64>(t) + carry;
    store<u64>(t, t0);
    addRow1(t, n, k, rowFactor(t0, n0inv));
    carry = load<u64>(t) >> LIMB_BITS;
  }
  let t = T + (kBytes << 1);
  for (let j: usize = 0; j < kBytes; j += 4, t += 8) {
    const v = load<u64>(t) + carry;
    store<u32>(r + j, <u32>v & LIMB_MASK);
    carry = v >> LIMB_BITS;
  }
}

/** r = a·b·R⁻¹ mod n, below 2n, for a, b < 4n (or a < R and b < 2n: below 3n); r may alias a or b. */
export function montMul(r: usize, a: usize, b: usize, n: usize, n0inv: u32, k: u32): void {
  reduceColumns(r, n, n0inv, k, productColumns(a, b, k));
}

/** r = a²·R⁻¹ mod n, below 2n, for a < 4n; r may alias a. */
export function montSqr(r: usize, a: usize, n: usize, n0inv: u32, k: u32): void {
  squareColumns(a, k);
  reduceColumns(r, n, n0inv, k, 0);
}

/** r = x·R⁻¹ mod n, below x/R + n, for x of `words` 32-bit limbs (at most 2·LIMB_BITS·k bits). */
export function montReduceWide(r: usize, x: usize, words: u32, n: usize, n0inv: u32, k: u32): void {
  clearColumns(k);
  toMontRadix(T, 2 * k, x, words, true);
  reduceColumns(r, n, n0inv, k, 0);
}

/** r = the canonical a·R⁻¹ mod n (in [0, n)) for a < R: leaves the Montgomery form. */
export function montLeave(r: usize, a: usize, n: usize, n0inv: u32, k: u32): void {
  clearColumns(k);
  for (let j: usize = 0; j < <usize>k << 2; j += 4) store<u64>(T + (j << 1), <u64>load<u32>(a + j));
  reduceColumns(r, n, n0inv, k, 0); // at most n
  montRadixReduceOnce(r, r, n, k);
}

/** rr = R² mod n (canonical), where n has `bits` significant bits. Constant time in n. */
export function montSquareOfR(rr: usize, n: usize, n0inv: u32, k: u32, bits: u32): void {
  // 2^(bits−1) < n doubled up to R·2 mod n, then square-and-double in the Montgomery domain
  // over the bits of e = LIMB_BITS·k: squaring takes R·2^s to R·2^(2s), doubling to R·2^(s+1), so
  // the exponent s runs through the prefixes of e and ends at R·2^e = R².
  memory.fill(rr, 0, <usize>k << 2);
  store<u32>(rr + (<usize>((bits - 1) / LIMB_BITS) << 2), 1 << ((bits - 1) % LIMB_BITS));
  for (let d: u32 = LIMB_BITS * k + 2 - bits; d > 0; d--) {
    montRadixDouble(rr, k);
    montRadixReduceOnce(rr, rr, n, k);
  }
  const e = LIMB_BITS * k;
  for (let bit = 30 - <i32>clz(e); bit >= 0; bit--) {
    montSqr(rr, rr, n, n0inv, k); // below 2n
    if ((e >> bit) & 1) {
      montRadixDouble(rr, k); // below 4n
    }
  }
  montRadixReduceOnce(rr, rr, n, k);
  montRadixReduceOnce(rr, rr, n, k);
  montRadixReduceOnce(rr, rr, n, k);
}
