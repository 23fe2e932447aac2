// SHA-1 (FIPS 180-4 §6.1). Still needed: the peer signs trust lists and configs with it.
// Rounds are unrolled with the five working variables renamed round by round instead of
// shifted, the message schedule is a rolling window of 16 locals, and big-endian words are
// read straight from the input with bswap. The two parity phases share one copy of code.

/** Load the FIPS 180-4 initial hash value (five u32 words, native order). */
export function sha1Init(state: usize): void {
  store<u32>(state, 0x67452301, 0);
  store<u32>(state, 0xefcdab89, 4);
  store<u32>(state, 0x98badcfe, 8);
  store<u32>(state, 0x10325476, 12);
  store<u32>(state, 0xc3d2e1f0, 16);
}

@inline function ch(x: u32, y: u32, z: u32): u32 {
  return z ^ (x & (y ^ z));
}
@inline function parity(x: u32, y: u32, z: u32): u32 {
  return x ^ y ^ z;
}
@inline function maj(x: u32, y: u32, z: u32): u32 {
  return (x & y) | (z & (x | y));
}
@inline function be32(p: usize, offset: usize): u32 {
  return bswap<u32>(load<u32>(p + offset));
}

/** Compress `blocks` consecutive 64-byte blocks at p into state. */
export function sha1Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let e = load<u32>(state, 16);
  const end = p + (blocks << 6);
  while (p < end) {
    let w0 = be32(p, 0), w1 = be32(p, 4), w2 = be32(p, 8), w3 = be32(p, 12);
    let w4 = be32(p, 16), w5 = be32(p, 20), w6 = be32(p, 24), w7 = be32(p, 28);
    let w8 = be32(p, 32), w9 = be32(p, 36), w10 = be32(p, 40), w11 = be32(p, 44);
    let w12 = be32(p, 48), w13 = be32(p, 52), w14 = be32(p, 56), w15 = be32(p, 60);
    // rounds 0–19: ch
    e = e + 0x5a827999 + w0 + ch(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
    d = d + 0x5a827999 + w1 + ch(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
    c = c + 0x5a827999 + w2 + ch(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
    b = b + 0x5a827999 + w3 + ch(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
    a = a + 0x5a827999 + w4 + ch(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
    e = e + 0x5a827999 + w5 + ch(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
    d = d + 0x5a827999 + w6 + ch(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
    c = c + 0x5a827999 + w7 + ch(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
    b = b + 0x5a827999 + w8 + ch(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
    a = a + 0x5a827999 + w9 + ch(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
    e = e + 0x5a827999 + w10 + ch(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
    d = d + 0x5a827999 + w11 + ch(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
    c = c + 0x5a827999 + w12 + ch(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
    b = b + 0x5a827999 + w13 + ch(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
    a = a + 0x5a827999 + w14 + ch(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
    e = e + 0x5a827999 + w15 + ch(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    d = d + 0x5a827999 + w0 + ch(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    c = c + 0x5a827999 + w1 + ch(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    b = b + 0x5a827999 + w2 + ch(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    a = a + 0x5a827999 + w3 + ch(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
    // Rounds 20–39 and 60–79 both use parity: one copy of that code runs twice, with rounds
    // 40–59 (maj) after the first run and the window renamed by eight words so that round 60
    // finds its words where round 20 did.
    let k: u32 = 0x6ed9eba1;
    for (let pass = 0; ; pass++) {
      w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
      e = e + k + w4 + parity(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
      d = d + k + w5 + parity(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
      c = c + k + w6 + parity(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
      b = b + k + w7 + parity(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
      a = a + k + w8 + parity(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
      e = e + k + w9 + parity(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
      d = d + k + w10 + parity(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
      c = c + k + w11 + parity(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
      b = b + k + w12 + parity(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
      a = a + k + w13 + parity(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
      e = e + k + w14 + parity(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
      d = d + k + w15 + parity(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
      c = c + k + w0 + parity(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
      b = b + k + w1 + parity(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
      a = a + k + w2 + parity(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
      e = e + k + w3 + parity(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
      d = d + k + w4 + parity(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
      c = c + k + w5 + parity(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
      b = b + k + w6 + parity(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
      a = a + k + w7 + parity(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      if (pass != 0) break;
      // rounds 40–59: maj
      w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
      e = e + 0x8f1bbcdc + w8 + maj(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
      d = d + 0x8f1bbcdc + w9 + maj(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
      c = c + 0x8f1bbcdc + w10 + maj(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
      b = b + 0x8f1bbcdc + w11 + maj(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
      a = a + 0x8f1bbcdc + w12 + maj(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
      e = e + 0x8f1bbcdc + w13 + maj(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
      d = d + 0x8f1bbcdc + w14 + maj(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
      c = c + 0x8f1bbcdc + w15 + maj(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
      b = b + 0x8f1bbcdc + w0 + maj(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
      a = a + 0x8f1bbcdc + w1 + maj(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
      e = e + 0x8f1bbcdc + w2 + maj(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
      d = d + 0x8f1bbcdc + w3 + maj(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
      c = c + 0x8f1bbcdc + w4 + maj(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
      b = b + 0x8f1bbcdc + w5 + maj(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
      a = a + 0x8f1bbcdc + w6 + maj(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
      e = e + 0x8f1bbcdc + w7 + maj(b, c, d) + rotl<u32>(a, 5); b = rotl<u32>(b, 30);
      w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
      d = d + 0x8f1bbcdc + w8 + maj(a, b, c) + rotl<u32>(e, 5); a = rotl<u32>(a, 30);
      w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
      c = c + 0x8f1bbcdc + w9 + maj(e, a, b) + rotl<u32>(d, 5); e = rotl<u32>(e, 30);
      w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
      b = b + 0x8f1bbcdc + w10 + maj(d, e, a) + rotl<u32>(c, 5); d = rotl<u32>(d, 30);
      w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
      a = a + 0x8f1bbcdc + w11 + maj(c, d, e) + rotl<u32>(b, 5); c = rotl<u32>(c, 30);
      let spare: u32;
      spare = w0; w0 = w8; w8 = spare;
      spare = w1; w1 = w9; w9 = spare;
      spare = w2; w2 = w10; w10 = spare;
      spare = w3; w3 = w11; w11 = spare;
      spare = w4; w4 = w12; w12 = spare;
      spare = w5; w5 = w13; w13 = spare;
      spare = w6; w6 = w14; w14 = spare;
      spare = w7; w7 = w15; w15 = spare;
      k = 0xca62c1d6;
    }
    // Feed forward through memory rather than keeping eight more values live in locals.
    a += load<u32>(state, 0); store<u32>(state, a, 0);
    b += load<u32>(state, 4); store<u32>(state, b, 4);
    c += load<u32>(state, 8); store<u32>(state, c, 8);
    d += load<u32>(state, 12); store<u32>(state, d, 12);
    e += load<u32>(state, 16); store<u32>(state, e, 16);
    p += 64;
  }
}

/** Write the 20-byte digest: the state words big-endian. */
export function sha1Output(state: usize, out: usize): void {
  for (let i: usize = 0; i < 20; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(state + i)));
}
