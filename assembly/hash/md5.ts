// MD5 (RFC 1321). Only for the certHash of a certificate (MD5 of its DER) and
// `cnfguard hash md5`; never for anything that needs collision resistance.
// Each of the four rounds is a loop of four passes over four unrolled steps (the step
// pattern repeats every four steps, so the four working variables return to their roles);
// message words are read straight from the input at the round's index sequence.

/** The sine constants T[i] = floor(2^32 · |sin(i + 1)|), in step order. */
const T: usize = memory.data<u32>([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** Load the RFC 1321 initial chaining value (four little-endian-order u32 words). */
export function md5Init(state: usize): void {
  store<u32>(state, 0x67452301, 0);
  store<u32>(state, 0xefcdab89, 4);
  store<u32>(state, 0x98badcfe, 8);
  store<u32>(state, 0x10325476, 12);
}

// One step each: a' = b + rotl(a + m + t + f(b, c, d), s); the sum that does not depend
// on the previous step (b) comes first, so as little as possible waits for b; g splits
// into (c & ~d) + (b & d) for the same reason (the two terms never share a set bit).
@inline function ff(a: u32, b: u32, c: u32, d: u32, m: u32, s: u32, t: u32): u32 {
  return b + rotl<u32>(a + m + t + (d ^ (b & (c ^ d))), s);
}
@inline function gg(a: u32, b: u32, c: u32, d: u32, m: u32, s: u32, t: u32): u32 {
  return b + rotl<u32>(a + m + t + (c & ~d) + (b & d), s);
}
@inline function hh(a: u32, b: u32, c: u32, d: u32, m: u32, s: u32, t: u32): u32 {
  return b + rotl<u32>(a + m + t + (b ^ (c ^ d)), s);
}
@inline function ii(a: u32, b: u32, c: u32, d: u32, m: u32, s: u32, t: u32): u32 {
  return b + rotl<u32>(a + m + t + (c ^ (b | ~d)), s);
}

/** Message word (k & 15) of the block at p. */
@inline function m(p: usize, k: usize): u32 {
  return load<u32>(p + ((k & 15) << 2));
}

/** Compress `blocks` consecutive 64-byte blocks at p into state. */
export function md5Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  const end = p + (blocks << 6);
  while (p < end) {
    // Round 1: words 0, 1, 2, … in order.
    for (let i: usize = 0, t = T; i < 16; i += 4, t += 16) {
      const q = p + (i << 2);
      a = ff(a, b, c, d, load<u32>(q, 0), 7, load<u32>(t, 0));
      d = ff(d, a, b, c, load<u32>(q, 4), 12, load<u32>(t, 4));
      c = ff(c, d, a, b, load<u32>(q, 8), 17, load<u32>(t, 8));
      b = ff(b, c, d, a, load<u32>(q, 12), 22, load<u32>(t, 12));
    }
    // Round 2: word (1 + 5i) mod 16 at step i.
    for (let k: usize = 1, t = T + 64; k < 81; k += 20, t += 16) {
      a = gg(a, b, c, d, m(p, k), 5, load<u32>(t, 0));
      d = gg(d, a, b, c, m(p, k + 5), 9, load<u32>(t, 4));
      c = gg(c, d, a, b, m(p, k + 10), 14, load<u32>(t, 8));
      b = gg(b, c, d, a, m(p, k + 15), 20, load<u32>(t, 12));
    }
    // Round 3: word (5 + 3i) mod 16.
    for (let k: usize = 5, t = T + 128; k < 53; k += 12, t += 16) {
      a = hh(a, b, c, d, m(p, k), 4, load<u32>(t, 0));
      d = hh(d, a, b, c, m(p, k + 3), 11, load<u32>(t, 4));
      c = hh(c, d, a, b, m(p, k + 6), 16, load<u32>(t, 8));
      b = hh(b, c, d, a, m(p, k + 9), 23, load<u32>(t, 12));
    }
    // Round 4: word 7i mod 16.
    for (let k: usize = 0, t = T + 192; k < 112; k += 28, t += 16) {
      a = ii(a, b, c, d, m(p, k), 6, load<u32>(t, 0));
      d = ii(d, a, b, c, m(p, k + 7), 10, load<u32>(t, 4));
      c = ii(c, d, a, b, m(p, k + 14), 15, load<u32>(t, 8));
      b = ii(b, c, d, a, m(p, k + 21), 21, load<u32>(t, 12));
    }
    a += load<u32>(state, 0); store<u32>(state, a, 0);
    b += load<u32>(state, 4); store<u32>(state, b, 4);
    c += load<u32>(state, 8); store<u32>(state, c, 8);
    d += load<u32>(state, 12); store<u32>(state, d, 12);
    p += 64;
  }
}

/** Write the 16-byte digest: the state words in little-endian order. */
export function md5Output(state: usize, out: usize): void {
  memory.copy(out, state, 16);
}
