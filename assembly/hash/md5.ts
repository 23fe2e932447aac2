// MD5 (RFC 1321). Only for the certHash of a certificate (MD5 of its DER) and
// `cnfguard hash md5`; never for anything that needs collision resistance.
// The 64 steps are unrolled with the sine constants inline, the chaining value and
// the 16 message words live in locals, and blocks are read straight from the input.

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

/** Compress `blocks` consecutive 64-byte blocks at p into state. */
export function md5Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  const end = p + (blocks << 6);
  while (p < end) {
    // Message words are read where they are used (MD5 is little-endian, as wasm loads are):
    // sixteen more live locals would only spill.
    // round 1
    a = ff(a, b, c, d, load<u32>(p, 0), 7, 0xd76aa478);
    d = ff(d, a, b, c, load<u32>(p, 4), 12, 0xe8c7b756);
    c = ff(c, d, a, b, load<u32>(p, 8), 17, 0x242070db);
    b = ff(b, c, d, a, load<u32>(p, 12), 22, 0xc1bdceee);
    a = ff(a, b, c, d, load<u32>(p, 16), 7, 0xf57c0faf);
    d = ff(d, a, b, c, load<u32>(p, 20), 12, 0x4787c62a);
    c = ff(c, d, a, b, load<u32>(p, 24), 17, 0xa8304613);
    b = ff(b, c, d, a, load<u32>(p, 28), 22, 0xfd469501);
    a = ff(a, b, c, d, load<u32>(p, 32), 7, 0x698098d8);
    d = ff(d, a, b, c, load<u32>(p, 36), 12, 0x8b44f7af);
    c = ff(c, d, a, b, load<u32>(p, 40), 17, 0xffff5bb1);
    b = ff(b, c, d, a, load<u32>(p, 44), 22, 0x895cd7be);
    a = ff(a, b, c, d, load<u32>(p, 48), 7, 0x6b901122);
    d = ff(d, a, b, c, load<u32>(p, 52), 12, 0xfd987193);
    c = ff(c, d, a, b, load<u32>(p, 56), 17, 0xa679438e);
    b = ff(b, c, d, a, load<u32>(p, 60), 22, 0x49b40821);
    // round 2
    a = gg(a, b, c, d, load<u32>(p, 4), 5, 0xf61e2562);
    d = gg(d, a, b, c, load<u32>(p, 24), 9, 0xc040b340);
    c = gg(c, d, a, b, load<u32>(p, 44), 14, 0x265e5a51);
    b = gg(b, c, d, a, load<u32>(p, 0), 20, 0xe9b6c7aa);
    a = gg(a, b, c, d, load<u32>(p, 20), 5, 0xd62f105d);
    d = gg(d, a, b, c, load<u32>(p, 40), 9, 0x02441453);
    c = gg(c, d, a, b, load<u32>(p, 60), 14, 0xd8a1e681);
    b = gg(b, c, d, a, load<u32>(p, 16), 20, 0xe7d3fbc8);
    a = gg(a, b, c, d, load<u32>(p, 36), 5, 0x21e1cde6);
    d = gg(d, a, b, c, load<u32>(p, 56), 9, 0xc33707d6);
    c = gg(c, d, a, b, load<u32>(p, 12), 14, 0xf4d50d87);
    b = gg(b, c, d, a, load<u32>(p, 32), 20, 0x455a14ed);
    a = gg(a, b, c, d, load<u32>(p, 52), 5, 0xa9e3e905);
    d = gg(d, a, b, c, load<u32>(p, 8), 9, 0xfcefa3f8);
    c = gg(c, d, a, b, load<u32>(p, 28), 14, 0x676f02d9);
    b = gg(b, c, d, a, load<u32>(p, 48), 20, 0x8d2a4c8a);
    // round 3
    a = hh(a, b, c, d, load<u32>(p, 20), 4, 0xfffa3942);
    d = hh(d, a, b, c, load<u32>(p, 32), 11, 0x8771f681);
    c = hh(c, d, a, b, load<u32>(p, 44), 16, 0x6d9d6122);
    b = hh(b, c, d, a, load<u32>(p, 56), 23, 0xfde5380c);
    a = hh(a, b, c, d, load<u32>(p, 4), 4, 0xa4beea44);
    d = hh(d, a, b, c, load<u32>(p, 16), 11, 0x4bdecfa9);
    c = hh(c, d, a, b, load<u32>(p, 28), 16, 0xf6bb4b60);
    b = hh(b, c, d, a, load<u32>(p, 40), 23, 0xbebfbc70);
    a = hh(a, b, c, d, load<u32>(p, 52), 4, 0x289b7ec6);
    d = hh(d, a, b, c, load<u32>(p, 0), 11, 0xeaa127fa);
    c = hh(c, d, a, b, load<u32>(p, 12), 16, 0xd4ef3085);
    b = hh(b, c, d, a, load<u32>(p, 24), 23, 0x04881d05);
    a = hh(a, b, c, d, load<u32>(p, 36), 4, 0xd9d4d039);
    d = hh(d, a, b, c, load<u32>(p, 48), 11, 0xe6db99e5);
    c = hh(c, d, a, b, load<u32>(p, 60), 16, 0x1fa27cf8);
    b = hh(b, c, d, a, load<u32>(p, 8), 23, 0xc4ac5665);
    // round 4
    a = ii(a, b, c, d, load<u32>(p, 0), 6, 0xf4292244);
    d = ii(d, a, b, c, load<u32>(p, 28), 10, 0x432aff97);
    c = ii(c, d, a, b, load<u32>(p, 56), 15, 0xab9423a7);
    b = ii(b, c, d, a, load<u32>(p, 20), 21, 0xfc93a039);
    a = ii(a, b, c, d, load<u32>(p, 48), 6, 0x655b59c3);
    d = ii(d, a, b, c, load<u32>(p, 12), 10, 0x8f0ccc92);
    c = ii(c, d, a, b, load<u32>(p, 40), 15, 0xffeff47d);
    b = ii(b, c, d, a, load<u32>(p, 4), 21, 0x85845dd1);
    a = ii(a, b, c, d, load<u32>(p, 32), 6, 0x6fa87e4f);
    d = ii(d, a, b, c, load<u32>(p, 60), 10, 0xfe2ce6e0);
    c = ii(c, d, a, b, load<u32>(p, 24), 15, 0xa3014314);
    b = ii(b, c, d, a, load<u32>(p, 52), 21, 0x4e0811a1);
    a = ii(a, b, c, d, load<u32>(p, 16), 6, 0xf7537e82);
    d = ii(d, a, b, c, load<u32>(p, 44), 10, 0xbd3af235);
    c = ii(c, d, a, b, load<u32>(p, 8), 15, 0x2ad7d2bb);
    b = ii(b, c, d, a, load<u32>(p, 36), 21, 0xeb86d391);
    // Feed forward through memory rather than keeping eight more values live in locals.
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
