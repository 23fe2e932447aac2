// Montgomery arithmetic modulo an odd n of k limbs of LIMB_BITS (montRadix.ts), R = 2^(LIMB_BITS·k) ≥ 16n.
//
// Lazy carries: a product is accumulated into a table T of 2k u64 columns without carrying
// (each limb product is below 2^(2·LIMB_BITS), so a column holds SAFE_PRODUCTS of them), then
// reduced row by row, and carried once at the end. Sizes whose columns would take more
// products than that carry the table between rows (carryFrom), at points fixed by k. Four
// rows are handled per pass (addRows4), so each column is loaded and stored once for four
// products. Squaring computes each cross product once.
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

/** T[t + j] += a_j·b0 + a_{j−1}·b1 + a_{j−2}·b2 + a_{j−3}·b3 for j = 0 … len+2, with a_j
 *  zero outside 0 … len−1: four rows of a product for one load and store of each column,
 *  four columns per iteration (the loop runs at the machine's instruction rate, not its
 *  multiplier's, so its bookkeeping counts). */
@inline function addRows4(t: usize, a: usize, len: usize, b0: u64, b1: u64, b2: u64, b3: u64): void {
  let p1: u64 = 0, p2: u64 = 0, p3: u64 = 0; // a_{j−1}, a_{j−2}, a_{j−3}
  const end = a + (len << 2);
  // The first len mod 4 columns one at a time (a count fixed by len), the rest in fours.
  for (let r = len & 3; r > 0; r--, a += 4, t += 8) {
    const x = <u64>load<u32>(a);
    store<u64>(t, load<u64>(t) + x * b0 + p1 * b1 + p2 * b2 + p3 * b3);
    p3 = p2;
    p2 = p1;
    p1 = x;
  }
  for (; a < end; a += 16, t += 32) {
    const x0 = <u64>load<u32>(a), x1 = <u64>load<u32>(a, 4), x2 = <u64>load<u32>(a, 8), x3 = <u64>load<u32>(a, 12);
    store<u64>(t, load<u64>(t) + x0 * b0 + p1 * b1 + p2 * b2 + p3 * b3);
    store<u64>(t, load<u64>(t, 8) + x1 * b0 + x0 * b1 + p1 * b2 + p2 * b3, 8);
    store<u64>(t, load<u64>(t, 16) + x2 * b0 + x1 * b1 + x0 * b2 + p1 * b3, 16);
    store<u64>(t, load<u64>(t, 24) + x3 * b0 + x2 * b1 + x1 * b2 + x0 * b3, 24);
    p3 = x1;
    p2 = x2;
    p1 = x3;
  }
  store<u64>(t, load<u64>(t) + p1 * b1 + p2 * b2 + p3 * b3);
  store<u64>(t, load<u64>(t, 8) + p1 * b2 + p2 * b3, 8);
  store<u64>(t, load<u64>(t, 16) + p1 * b3, 16);
}

/** T[t + j] += a_j·b0 for j = 0 … len−1. */
@inline function addRow1(t: usize, a: usize, len: usize, b0: u64): void {
  const end = a + (len << 2);
  for (; a < end; a += 4, t += 8) store<u64>(t, load<u64>(t) + <u64>load<u32>(a) * b0);
}

@inline function clearColumns(k: u32): void {
  memory.fill(T, 0, <usize>(2 * k + 4) << 3);
}

/** T = a·b, partly carried; returns how many products a column holds since its last carry. */
function productColumns(a: usize, b: usize, k: u32): u32 {
  clearColumns(k);
  const kBytes = <usize>k << 2;
  let rows: u32 = 0; // since the last carry; a column gets at most one product per row
  let i: usize = 0;
  for (; i + 16 <= kBytes; i += 16, rows += 4) {
    if (rows + 4 > SAFE_PRODUCTS) rows = carryAll(k);
    addRows4(T + (i << 1), a, k, <u64>load<u32>(b + i), <u64>load<u32>(b + i, 4), <u64>load<u32>(b + i, 8), <u64>load<u32>(b + i, 12));
  }
  for (; i < kBytes; i += 4, rows++) {
    if (rows + 1 > SAFE_PRODUCTS) rows = carryAll(k);
    addRow1(T + (i << 1), a, k, <u64>load<u32>(b + i));
  }
  return min(rows, k);
}

/** T = a², carried (columns below 2^LIMB_BITS): the cross products once, then doubled, plus the squares. */
function squareColumns(a: usize, k: u32): void {
  clearColumns(k);
  const kBytes = <usize>k << 2;
  // A column gets at most one cross product per row and k/2 in all (the doubling below
  // splits each column first, so it takes the whole budget). The test is on k alone.
  const carries = k >> 1 > SAFE_PRODUCTS;
  let rows: u32 = 0;
  let i: usize = 0;
  for (; i + 16 <= kBytes; i += 16, rows += 4) {
    if (carries && rows + 4 > SAFE_PRODUCTS) rows = carryAll(k);
    // Rows a_i … a_{i+3}: the six products among themselves, then the block against a_{i+4} ….
    const b0 = <u64>load<u32>(a + i), b1 = <u64>load<u32>(a + i, 4), b2 = <u64>load<u32>(a + i, 8), b3 = <u64>load<u32>(a + i, 12);
    const t = T + (i << 2); // column 2i
    store<u64>(t, load<u64>(t, 8) + b0 * b1, 8);
    store<u64>(t, load<u64>(t, 16) + b0 * b2, 16);
    store<u64>(t, load<u64>(t, 24) + b0 * b3 + b1 * b2, 24);
    store<u64>(t, load<u64>(t, 32) + b1 * b3, 32);
    store<u64>(t, load<u64>(t, 40) + b2 * b3, 40);
    addRows4(t + 32, a + i + 16, (kBytes - i - 16) >> 2, b0, b1, b2, b3);
  }
  for (; i < kBytes; i += 4, rows++) {
    if (carries && rows + 1 > SAFE_PRODUCTS) rows = carryAll(k);
    addRow1(T + (i << 2) + 8, a + i + 4, (kBytes - i - 4) >> 2, <u64>load<u32>(a + i));
  }
  // Double the cross products and add the squares a_j² (column 2j), carrying as we go. A
  // column may be too large to double in place, so its low limb and its carry are doubled apart.
  let carry: u64 = 0;
  let t = T;
  for (let j: usize = 0; j < kBytes; j += 4, t += 16) {
    const x = <u64>load<u32>(a + j);
    const c0 = load<u64>(t), c1 = load<u64>(t, 8);
    const even = ((c0 & LIMB_MASK) << 1) + x * x + carry;
    store<u64>(t, even & LIMB_MASK);
    const odd = ((c1 & LIMB_MASK) << 1) + ((c0 >> LIMB_BITS) << 1) + (even >> LIMB_BITS);
    store<u64>(t, odd & LIMB_MASK, 8);
    carry = ((c1 >> LIMB_BITS) << 1) + (odd >> LIMB_BITS);
  }
}

/** Carry `count` columns from t, with carry into the first. The value is unchanged: it fits
 *  the columns (a partial product or reduction is below R²), so nothing leaves the top one. */
function carryFrom(t: usize, count: u32, carry: u64): void {
  const end = t + (<usize>count << 3);
  for (; t < end; t += 8) {
    const v = load<u64>(t) + carry;
    store<u64>(t, v & LIMB_MASK);
    carry = v >> LIMB_BITS;
  }
}

/** Carry all 2k columns; returns 0, the products a column holds since then. */
function carryAll(k: u32): u32 {
  carryFrom(T, k << 1, 0);
  return 0;
}

@inline function rowFactor(t: u64, n0inv: u32): u64 {
  return <u64>((<u32>t * n0inv) & LIMB_MASK);
}

/** r (k limbs) = T·R⁻¹ mod n, in [0, T/R + n): add m·n with m chosen limb by limb so the low
 *  k columns vanish, four rows per pass, then carry the high columns into r. `pending` is
 *  how many products T's columns hold since their last carry. */
function reduceColumns(r: usize, n: usize, n0inv: u32, k: u32, pending: u32): void {
  const kBytes = <usize>k << 2;
  const n0 = <u64>load<u32>(n), n1 = <u64>load<u32>(n, 4), n2 = <u64>load<u32>(n, 8);
  let carry: u64 = 0;
  let i: usize = 0;
  for (; i + 16 <= kBytes; i += 16, pending += 4) {
    // Columns below i are done; the ones from i on are carried, with the pending carry, when
    // four more rows would overflow them.
    if (pending + 4 > SAFE_PRODUCTS) {
      carryFrom(T + (i << 1), (k << 1) - <u32>(i >> 2), carry);
      carry = 0;
      pending = 0;
    }
    // The four row factors depend on each other through the low columns: work them out on
    // the side (column + carry + earlier rows' products), then add all four rows at once.
    const t = T + (i << 1);
    const t0 = load<u64>(t) + carry;
    store<u64>(t, t0);
    const m0 = rowFactor(t0, n0inv);
    let c = (t0 + m0 * n0) >> LIMB_BITS;
    const t1 = load<u64>(t, 8) + m0 * n1 + c;
    const m1 = rowFactor(t1, n0inv);
    c = (t1 + m1 * n0) >> LIMB_BITS;
    const t2 = load<u64>(t, 16) + m0 * n2 + m1 * n1 + c;
    const m2 = rowFactor(t2, n0inv);
    c = (t2 + m2 * n0) >> LIMB_BITS;
    const t3 = load<u64>(t, 24) + m0 * <u64>load<u32>(n, 12) + m1 * n2 + m2 * n1 + c;
    const m3 = rowFactor(t3, n0inv);
    addRows4(t, n, k, m0, m1, m2, m3);
    carry = load<u64>(t) >> LIMB_BITS;
    carry = (load<u64>(t, 8) + carry) >> LIMB_BITS;
    carry = (load<u64>(t, 16) + carry) >> LIMB_BITS;
    carry = (load<u64>(t, 24) + carry) >> LIMB_BITS;
  }
  for (; i < kBytes; i += 4, pending++) {
    if (pending + 1 > SAFE_PRODUCTS) {
      carryFrom(T + (i << 1), (k << 1) - <u32>(i >> 2), carry);
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
