// The Montgomery arithmetic on 29-bit limbs against BigInt (scripts/genMontVectors.mjs writes
// the cases, fresh random operands each run plus the edges) for every modulus size: products,
// squares, R², wide reductions and leaving the Montgomery form, each result congruent and in
// the promised range (below 2n, or 3n for an input of all-ones limbs), and the conversions
// between 32- and 29-bit limbs.
import { bnFromBytes, bnToBytes } from "../rsa/bigNat";
import { montInverse, montMul, montSqr, montSquareOfR, montReduceWide, montLeave } from "../rsa/montgomery";
import { LIMB_MASK, montLimbs, toMontRadix, fromMontRadix, montRadixReduceOnce } from "../rsa/montRadix";
import { MONT_VECTORS } from "./generated/montVectors";

const WORDS: u32 = 260; // 32-bit limbs of the largest value here (a wide 8192-bit one), and slack
const BYTES: usize = memory.data(WORDS * 4, 8);
const W32: usize = memory.data(WORDS * 4, 8);
const N: usize = memory.data(WORDS * 4, 8);
const A: usize = memory.data(WORDS * 4, 8);
const B: usize = memory.data(WORDS * 4, 8);
const R: usize = memory.data(WORDS * 4, 8);
const WANT: usize = memory.data(WORDS * 4, 8);
const GOT: usize = memory.data(WORDS * 4, 8);

/** 32-bit limbs (WORDS of them) of a hex number, at dst. */
function limbs32(hex: string, dst: usize): void {
  const len = hex.length >> 1;
  for (let i = 0; i < len; i++) store<u8>(BYTES + i, <u8>I32.parseInt(hex.substr(i * 2, 2), 16));
  bnFromBytes(dst, WORDS, BYTES, <u32>len);
}

/** A hex number in k 29-bit limbs at dst. */
function limbs28(hex: string, dst: usize, k: u32): void {
  limbs32(hex, W32);
  toMontRadix(dst, k, W32, WORDS);
}

/** r (k 29-bit limbs, below 3n) reduced to [0, n) equals the hex number. */
function expectCanonical(r: usize, n: usize, k: u32, want: string, what: string): void {
  montRadixReduceOnce(R, r, n, k);
  montRadixReduceOnce(R, R, n, k);
  fromMontRadix(W32, WORDS, R, k);
  bnToBytes(GOT, WORDS * 4, W32);
  limbs32(want, W32);
  bnToBytes(WANT, WORDS * 4, W32);
  expect<i32>(memory.compare(GOT, WANT, WORDS * 4)).toBe(0, what);
}

describe("29-bit limbs", () => {
  it("converts from and to 32-bit limbs without loss", () => {
    for (let i: u32 = 0; i < 64; i++) store<u32>(A + (<usize>i << 2), 0x9e3779b9 * (i + 1));
    const k = montLimbs(64 * 32);
    toMontRadix(B, k, A, 64);
    for (let i: u32 = 0; i < k; i++) expect<u32>(load<u32>(B + (<usize>i << 2)) & ~LIMB_MASK).toBe(0);
    fromMontRadix(R, 64, B, k);
    expect<i32>(memory.compare(R, A, 256)).toBe(0);
  });
  it("montInverse gives −n⁻¹ mod 2²⁸ for odd n", () => {
    for (let n: u32 = 1; n < 0x10000000; n += 0x12345 * 2) {
      expect<u32>((n * montInverse(n)) & LIMB_MASK).toBe(LIMB_MASK);
    }
  });
});

describe("Montgomery arithmetic against BigInt", () => {
  it("products, squares, R², wide reductions and montLeave for every size and edge", () => {
    for (let c = 0; c < MONT_VECTORS.length; c++) {
      const v = MONT_VECTORS[c];
      const name = v[0];
      const bits = <u32>I32.parseInt(v[1]);
      const k = montLimbs(bits);
      limbs28(v[2], N, k);
      const n0inv = montInverse(load<u32>(N));
      limbs28(v[3], A, k);
      limbs28(v[4], B, k);
      montMul(R, A, B, N, n0inv, k);
      expectCanonical(R, N, k, v[5], name + ": montMul");
      if (v[6].length > 0) {
        montSqr(R, A, N, n0inv, k);
        expectCanonical(R, N, k, v[6], name + ": montSqr");
        montMul(R, A, A, N, n0inv, k);
        expectCanonical(R, N, k, v[6], name + ": montMul(a, a)");
      }
      montSquareOfR(R, N, n0inv, k, bits);
      expectCanonical(R, N, k, v[7], name + ": montSquareOfR");
      limbs32(v[8], W32);
      montReduceWide(R, W32, (2 * bits + 31) / 32, N, n0inv, k);
      expectCanonical(R, N, k, v[9], name + ": montReduceWide");
      montLeave(GOT, A, N, n0inv, k);
      limbs32(v[10], W32);
      toMontRadix(WANT, k, W32, WORDS);
      expect<i32>(memory.compare(GOT, WANT, <usize>k << 2)).toBe(0, name + ": montLeave is canonical");
    }
  });
});
