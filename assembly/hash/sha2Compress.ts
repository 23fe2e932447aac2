// The SHA-2 compression function, generic over the word: SHA-512 (T = u64, 80 rounds) runs
// it; SHA-256 (T = u32, 64 rounds) runs its fully unrolled form from scripts/genSha256Rounds.mjs
// (faster in 32-bit words, where it fits in locals) and shares the digest output here.
// FIPS 180-4 §6.2.2 and §6.4.2 are the same algorithm on another word size with other rotation
// amounts and constants; each instantiation compiles to straight code on its own word type
// (the size tests below are resolved at compile time).
//
// Speed and size: rounds run in groups of eight, unrolled, so the eight working variables
// are renamed rather than shifted; the message schedule lives in a 16-word window in memory
// (scheduleWindow.ts) that each group extends by eight words; each round adds the terms that
// do not depend on the previous round first, and maj reuses the previous round's a ^ b.
// Words are read big-endian straight from the input via bswap.
import { SCHEDULE } from "./scheduleWindow";

/** Round constants: the first 64 bits of the fractional parts of the cube roots of the first
 *  80 primes (SHA-512). SHA-256's constants are the first 32 bits of the same numbers for the
 *  first 64 primes, so SHA-256 reads the high halves of this one table. */
const SHA2_K: usize = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]);

/** Round constant i for word type T. */
@inline function roundConstant<T>(i: usize): T {
  if (sizeof<T>() == 8) return load<T>(SHA2_K + (i << 3));
  return load<T>(SHA2_K + (i << 3) + 4); // the high half of a little-endian u64
}

@inline function ch<T>(x: T, y: T, z: T): T {
  return z ^ (x & (y ^ z));
}
@inline function bigSigma0<T>(x: T): T {
  if (sizeof<T>() == 8) return rotr<T>(x, 28) ^ rotr<T>(x, 34) ^ rotr<T>(x, 39);
  return rotr<T>(x, 2) ^ rotr<T>(x, 13) ^ rotr<T>(x, 22);
}
@inline function bigSigma1<T>(x: T): T {
  if (sizeof<T>() == 8) return rotr<T>(x, 14) ^ rotr<T>(x, 18) ^ rotr<T>(x, 41);
  return rotr<T>(x, 6) ^ rotr<T>(x, 11) ^ rotr<T>(x, 25);
}
@inline function sigma0<T>(x: T): T {
  if (sizeof<T>() == 8) return rotr<T>(x, 1) ^ rotr<T>(x, 8) ^ (x >>> 7);
  return rotr<T>(x, 7) ^ rotr<T>(x, 18) ^ (x >>> 3);
}
@inline function sigma1<T>(x: T): T {
  if (sizeof<T>() == 8) return rotr<T>(x, 19) ^ rotr<T>(x, 61) ^ (x >>> 6);
  return rotr<T>(x, 17) ^ rotr<T>(x, 19) ^ (x >>> 10);
}

/** Compress `blocks` consecutive blocks (16 words of T each) at p into the eight-word state,
 *  in `rounds` rounds (64 for SHA-256, 80 for SHA-512). */
@inline export function sha2Blocks<T>(state: usize, p: usize, blocks: usize, rounds: usize): void {
  const W = sizeof<T>();
  let a = load<T>(state + 0 * W);
  let b = load<T>(state + 1 * W);
  let c = load<T>(state + 2 * W);
  let d = load<T>(state + 3 * W);
  let e = load<T>(state + 4 * W);
  let f = load<T>(state + 5 * W);
  let g = load<T>(state + 6 * W);
  let h = load<T>(state + 7 * W);
  const end = p + blocks * 16 * W;
  // maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b, and this round's a ^ b is the next round's b ^ c:
  // x and y carry it from round to round (two names because the rounds are unrolled).
  let x: T, y: T;
  while (p < end) {
    x = b ^ c;
    // The block's 16 words, big-endian, into the window; later words are made in place.
    for (let i: usize = 0; i < 16 * W; i += W) store<T>(SCHEDULE + i, bswap<T>(load<T>(p + i)));
    for (let t: usize = 0; t < rounds; t += 8) {
      // This group's eight schedule words go to one half of the 16-word window, the
      // previous group's are in the other half.
      const q = SCHEDULE + (t & 8) * W;
      const other = SCHEDULE + ((t + 8) & 8) * W;
      if (t >= 16) {
        // w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16]
        const w0 = sigma1<T>(load<T>(other + 6 * W)) + load<T>(other + 1 * W) + sigma0<T>(load<T>(q + 1 * W)) + load<T>(q + 0 * W);
        store<T>(q + 0 * W, w0);
        const w1 = sigma1<T>(load<T>(other + 7 * W)) + load<T>(other + 2 * W) + sigma0<T>(load<T>(q + 2 * W)) + load<T>(q + 1 * W);
        store<T>(q + 1 * W, w1);
        const w2 = sigma1<T>(w0) + load<T>(other + 3 * W) + sigma0<T>(load<T>(q + 3 * W)) + load<T>(q + 2 * W);
        store<T>(q + 2 * W, w2);
        const w3 = sigma1<T>(w1) + load<T>(other + 4 * W) + sigma0<T>(load<T>(q + 4 * W)) + load<T>(q + 3 * W);
        store<T>(q + 3 * W, w3);
        const w4 = sigma1<T>(w2) + load<T>(other + 5 * W) + sigma0<T>(load<T>(q + 5 * W)) + load<T>(q + 4 * W);
        store<T>(q + 4 * W, w4);
        const w5 = sigma1<T>(w3) + load<T>(other + 6 * W) + sigma0<T>(load<T>(q + 6 * W)) + load<T>(q + 5 * W);
        store<T>(q + 5 * W, w5);
        const w6 = sigma1<T>(w4) + load<T>(other + 7 * W) + sigma0<T>(load<T>(q + 7 * W)) + load<T>(q + 6 * W);
        store<T>(q + 6 * W, w6);
        const w7 = sigma1<T>(w5) + w0 + sigma0<T>(load<T>(other + 0 * W)) + load<T>(q + 7 * W);
        store<T>(q + 7 * W, w7);
      }
      h = h + roundConstant<T>(t + 0) + load<T>(q + 0 * W) + ch<T>(e, f, g) + bigSigma1<T>(e); d += h;
      y = a ^ b; h = h + ((y & x) ^ b) + bigSigma0<T>(a);
      g = g + roundConstant<T>(t + 1) + load<T>(q + 1 * W) + ch<T>(d, e, f) + bigSigma1<T>(d); c += g;
      x = h ^ a; g = g + ((x & y) ^ a) + bigSigma0<T>(h);
      f = f + roundConstant<T>(t + 2) + load<T>(q + 2 * W) + ch<T>(c, d, e) + bigSigma1<T>(c); b += f;
      y = g ^ h; f = f + ((y & x) ^ h) + bigSigma0<T>(g);
      e = e + roundConstant<T>(t + 3) + load<T>(q + 3 * W) + ch<T>(b, c, d) + bigSigma1<T>(b); a += e;
      x = f ^ g; e = e + ((x & y) ^ g) + bigSigma0<T>(f);
      d = d + roundConstant<T>(t + 4) + load<T>(q + 4 * W) + ch<T>(a, b, c) + bigSigma1<T>(a); h += d;
      y = e ^ f; d = d + ((y & x) ^ f) + bigSigma0<T>(e);
      c = c + roundConstant<T>(t + 5) + load<T>(q + 5 * W) + ch<T>(h, a, b) + bigSigma1<T>(h); g += c;
      x = d ^ e; c = c + ((x & y) ^ e) + bigSigma0<T>(d);
      b = b + roundConstant<T>(t + 6) + load<T>(q + 6 * W) + ch<T>(g, h, a) + bigSigma1<T>(g); f += b;
      y = c ^ d; b = b + ((y & x) ^ d) + bigSigma0<T>(c);
      a = a + roundConstant<T>(t + 7) + load<T>(q + 7 * W) + ch<T>(f, g, h) + bigSigma1<T>(f); e += a;
      x = b ^ c; a = a + ((x & y) ^ c) + bigSigma0<T>(b);
    }
    // Feed forward through memory rather than keeping eight more values live in locals.
    a += load<T>(state + 0 * W); store<T>(state + 0 * W, a);
    b += load<T>(state + 1 * W); store<T>(state + 1 * W, b);
    c += load<T>(state + 2 * W); store<T>(state + 2 * W, c);
    d += load<T>(state + 3 * W); store<T>(state + 3 * W, d);
    e += load<T>(state + 4 * W); store<T>(state + 4 * W, e);
    f += load<T>(state + 5 * W); store<T>(state + 5 * W, f);
    g += load<T>(state + 6 * W); store<T>(state + 6 * W, g);
    h += load<T>(state + 7 * W); store<T>(state + 7 * W, h);
    p += 16 * W;
  }
}

/** Write the digest: the eight state words big-endian. */
@inline export function sha2Output<T>(state: usize, out: usize): void {
  for (let i: usize = 0; i < 8 * sizeof<T>(); i += sizeof<T>()) store<T>(out + i, bswap<T>(load<T>(state + i)));
}
