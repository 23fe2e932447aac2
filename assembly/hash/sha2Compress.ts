// The SHA-2 compression function shared by SHA-256 (T = u32, 64 rounds) and SHA-512
// (T = u64, 80 rounds): FIPS 180-4 §6.2.2 and §6.4.2 are the same algorithm on another word
// size with other rotation amounts and constants. Generic over T, so each instantiation
// compiles to straight code on its own word type (the size tests below are resolved at
// compile time).
//
// Speed: sixteen rounds are unrolled per pass, so the eight working variables are renamed
// rather than shifted and the message schedule is a rolling window of 16 locals that is
// extended in place before each later pass. Each round adds the terms that do not depend on
// the previous round first. Words are read big-endian straight from the input via bswap.

@inline function ch<T>(x: T, y: T, z: T): T {
  return z ^ (x & (y ^ z));
}
@inline function maj<T>(x: T, y: T, z: T): T {
  return (x & y) | (z & (x | y));
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
/** Word i of a block, big-endian. */
@inline function word<T>(p: usize, i: usize): T {
  return bswap<T>(load<T>(p + i * sizeof<T>()));
}

/** Compress `blocks` consecutive blocks (16 words of T each) at p into the eight-word state,
 *  using `rounds` round constants at k (64 for SHA-256, 80 for SHA-512). */
@inline export function sha2Blocks<T>(state: usize, p: usize, blocks: usize, kTable: usize, rounds: usize): void {
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
  const kEnd = kTable + rounds * W;
  while (p < end) {
    let w0 = word<T>(p, 0), w1 = word<T>(p, 1), w2 = word<T>(p, 2), w3 = word<T>(p, 3);
    let w4 = word<T>(p, 4), w5 = word<T>(p, 5), w6 = word<T>(p, 6), w7 = word<T>(p, 7);
    let w8 = word<T>(p, 8), w9 = word<T>(p, 9), w10 = word<T>(p, 10), w11 = word<T>(p, 11);
    let w12 = word<T>(p, 12), w13 = word<T>(p, 13), w14 = word<T>(p, 14), w15 = word<T>(p, 15);
    for (let k = kTable; k < kEnd; k += 16 * W) {
      if (k != kTable) {
        // Extend the schedule by 16 words in place: w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16].
        w0 += sigma1<T>(w14) + w9 + sigma0<T>(w1);
        w1 += sigma1<T>(w15) + w10 + sigma0<T>(w2);
        w2 += sigma1<T>(w0) + w11 + sigma0<T>(w3);
        w3 += sigma1<T>(w1) + w12 + sigma0<T>(w4);
        w4 += sigma1<T>(w2) + w13 + sigma0<T>(w5);
        w5 += sigma1<T>(w3) + w14 + sigma0<T>(w6);
        w6 += sigma1<T>(w4) + w15 + sigma0<T>(w7);
        w7 += sigma1<T>(w5) + w0 + sigma0<T>(w8);
        w8 += sigma1<T>(w6) + w1 + sigma0<T>(w9);
        w9 += sigma1<T>(w7) + w2 + sigma0<T>(w10);
        w10 += sigma1<T>(w8) + w3 + sigma0<T>(w11);
        w11 += sigma1<T>(w9) + w4 + sigma0<T>(w12);
        w12 += sigma1<T>(w10) + w5 + sigma0<T>(w13);
        w13 += sigma1<T>(w11) + w6 + sigma0<T>(w14);
        w14 += sigma1<T>(w12) + w7 + sigma0<T>(w15);
        w15 += sigma1<T>(w13) + w8 + sigma0<T>(w0);
      }
      h = h + load<T>(k + 0 * W) + w0 + ch<T>(e, f, g) + bigSigma1<T>(e); d += h; h = h + maj<T>(a, b, c) + bigSigma0<T>(a);
      g = g + load<T>(k + 1 * W) + w1 + ch<T>(d, e, f) + bigSigma1<T>(d); c += g; g = g + maj<T>(h, a, b) + bigSigma0<T>(h);
      f = f + load<T>(k + 2 * W) + w2 + ch<T>(c, d, e) + bigSigma1<T>(c); b += f; f = f + maj<T>(g, h, a) + bigSigma0<T>(g);
      e = e + load<T>(k + 3 * W) + w3 + ch<T>(b, c, d) + bigSigma1<T>(b); a += e; e = e + maj<T>(f, g, h) + bigSigma0<T>(f);
      d = d + load<T>(k + 4 * W) + w4 + ch<T>(a, b, c) + bigSigma1<T>(a); h += d; d = d + maj<T>(e, f, g) + bigSigma0<T>(e);
      c = c + load<T>(k + 5 * W) + w5 + ch<T>(h, a, b) + bigSigma1<T>(h); g += c; c = c + maj<T>(d, e, f) + bigSigma0<T>(d);
      b = b + load<T>(k + 6 * W) + w6 + ch<T>(g, h, a) + bigSigma1<T>(g); f += b; b = b + maj<T>(c, d, e) + bigSigma0<T>(c);
      a = a + load<T>(k + 7 * W) + w7 + ch<T>(f, g, h) + bigSigma1<T>(f); e += a; a = a + maj<T>(b, c, d) + bigSigma0<T>(b);
      h = h + load<T>(k + 8 * W) + w8 + ch<T>(e, f, g) + bigSigma1<T>(e); d += h; h = h + maj<T>(a, b, c) + bigSigma0<T>(a);
      g = g + load<T>(k + 9 * W) + w9 + ch<T>(d, e, f) + bigSigma1<T>(d); c += g; g = g + maj<T>(h, a, b) + bigSigma0<T>(h);
      f = f + load<T>(k + 10 * W) + w10 + ch<T>(c, d, e) + bigSigma1<T>(c); b += f; f = f + maj<T>(g, h, a) + bigSigma0<T>(g);
      e = e + load<T>(k + 11 * W) + w11 + ch<T>(b, c, d) + bigSigma1<T>(b); a += e; e = e + maj<T>(f, g, h) + bigSigma0<T>(f);
      d = d + load<T>(k + 12 * W) + w12 + ch<T>(a, b, c) + bigSigma1<T>(a); h += d; d = d + maj<T>(e, f, g) + bigSigma0<T>(e);
      c = c + load<T>(k + 13 * W) + w13 + ch<T>(h, a, b) + bigSigma1<T>(h); g += c; c = c + maj<T>(d, e, f) + bigSigma0<T>(d);
      b = b + load<T>(k + 14 * W) + w14 + ch<T>(g, h, a) + bigSigma1<T>(g); f += b; b = b + maj<T>(c, d, e) + bigSigma0<T>(c);
      a = a + load<T>(k + 15 * W) + w15 + ch<T>(f, g, h) + bigSigma1<T>(f); e += a; a = a + maj<T>(b, c, d) + bigSigma0<T>(b);
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
