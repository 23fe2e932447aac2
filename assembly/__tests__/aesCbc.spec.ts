// AES-128-CBC in the core against NIST vectors (CAVP KAT/MMT and SP 800-38A, generated
// from vectors/aes/ by scripts/genAesVectors.mjs) and the S-box circuit against an S-box
// computed here from its definition (inverse in GF(2^8), then the affine map).
import { AES_CBC_VECTORS } from "./generated/aesVectors";
import { AES_CBC_CTX_SIZE, aesCbcInit, aesCbcEncrypt, aesCbcDecrypt } from "../aes/aesCbc";
import { packBlocks, unpackBlocks } from "../aes/aesBitslice";
import { subBytes } from "../aes/aesSbox";
import { selftestAes } from "../aes/aesSelftest";

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (<i32>bytes[i]).toString(16).padStart(2, "0");
  return s;
}

function gfMul(a: u32, b: u32): u32 {
  let p: u32 = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    a = (a << 1) ^ (a & 0x80 ? 0x11b : 0);
    b >>= 1;
  }
  return p & 0xff;
}

/** S(x) = A(x⁻¹) ⊕ 0x63 with 0⁻¹ = 0, straight from FIPS-197 §5.1.1. */
function referenceSbox(x: u32): u32 {
  let inv: u32 = 0;
  for (let y: u32 = 1; y < 256; y++) if (gfMul(x, y) == 1) inv = y;
  let s: u32 = 0;
  for (let i: u32 = 0; i < 8; i++) {
    const bit = ((inv >> i) ^ (inv >> ((i + 4) & 7)) ^ (inv >> ((i + 5) & 7)) ^ (inv >> ((i + 6) & 7)) ^ (inv >> ((i + 7) & 7)) ^ (0x63 >> i)) & 1;
    s |= bit << i;
  }
  return s;
}

/** Run one whole call (or pieces of `piece` bytes) in the given direction, optionally in place. */
function cbc(encrypt: bool, key: Uint8Array, iv: Uint8Array, input: Uint8Array, piece: i32, inPlace: bool): Uint8Array {
  const ctx = new Uint8Array(<i32>AES_CBC_CTX_SIZE);
  aesCbcInit(ctx.dataStart, key.dataStart, iv.dataStart);
  const src = inPlace ? input.slice(0) : input;
  const dst = inPlace ? src : new Uint8Array(input.length);
  for (let off = 0; off < input.length; off += piece) {
    const n = min(piece, input.length - off);
    if (encrypt) aesCbcEncrypt(ctx.dataStart, src.dataStart + off, dst.dataStart + off, n);
    else aesCbcDecrypt(ctx.dataStart, src.dataStart + off, dst.dataStart + off, n);
  }
  return dst;
}

describe("AES S-box circuit", () => {
  it("equals the S-box from its definition for all 256 bytes", () => {
    const planes = new Uint8Array(64);
    const bytes = new Uint8Array(64);
    for (let base = 0; base < 256; base += 64) {
      for (let i = 0; i < 64; i++) bytes[i] = <u8>(base + i);
      packBlocks(planes.dataStart, bytes.dataStart, 4);
      subBytes(planes.dataStart);
      unpackBlocks(planes.dataStart, bytes.dataStart);
      for (let i = 0; i < 64; i++) expect<u32>(bytes[i]).toBe(referenceSbox(base + i), "S(" + (base + i).toString() + ")");
    }
  });

  it("packs and unpacks four blocks unchanged", () => {
    const planes = new Uint8Array(64);
    const bytes = new Uint8Array(64);
    const back = new Uint8Array(64);
    for (let i = 0; i < 64; i++) bytes[i] = <u8>(i * 37 + 11);
    packBlocks(planes.dataStart, bytes.dataStart, 4);
    unpackBlocks(planes.dataStart, back.dataStart);
    expect(toHex(back)).toBe(toHex(bytes));
  });
});

describe("AES-128-CBC against NIST CAVP and SP 800-38A", () => {
  it("has the vectors", () => {
    expect<i32>(AES_CBC_VECTORS.length).toBeGreaterThan(500);
  });

  it("encrypts and decrypts every vector in one call", () => {
    for (let i = 0; i < AES_CBC_VECTORS.length; i++) {
      const v = AES_CBC_VECTORS[i];
      const key = fromHex(v[2]), iv = fromHex(v[3]), plain = fromHex(v[4]), cipher = fromHex(v[5]);
      expect(toHex(cbc(true, key, iv, plain, plain.length, false))).toBe(v[5], v[0] + " encrypt");
      expect(toHex(cbc(false, key, iv, cipher, cipher.length, false))).toBe(v[4], v[0] + " decrypt");
    }
  });

  it("gives the same answers in place and block by block (chaining carried between calls)", () => {
    for (let i = 0; i < AES_CBC_VECTORS.length; i++) {
      const v = AES_CBC_VECTORS[i];
      const key = fromHex(v[2]), iv = fromHex(v[3]), plain = fromHex(v[4]), cipher = fromHex(v[5]);
      expect(toHex(cbc(true, key, iv, plain, 16, true))).toBe(v[5], v[0] + " encrypt in place, 16-byte pieces");
      expect(toHex(cbc(false, key, iv, cipher, 16, true))).toBe(v[4], v[0] + " decrypt in place, 16-byte pieces");
      expect(toHex(cbc(false, key, iv, cipher, 48, true))).toBe(v[4], v[0] + " decrypt in place, 48-byte pieces");
    }
  });

  it("decrypts tails of 1, 2 and 3 blocks after full groups of four", () => {
    // The ten-block MMT vector: 4 + 4 + 2 in one call, and 5 + 5 (4 + 1 each).
    for (let i = 0; i < AES_CBC_VECTORS.length; i++) {
      const v = AES_CBC_VECTORS[i];
      if (v[5].length != 320) continue;
      const key = fromHex(v[2]), iv = fromHex(v[3]), cipher = fromHex(v[5]);
      expect(toHex(cbc(false, key, iv, cipher, 80, false))).toBe(v[4], v[0] + " in pieces of 80");
      expect(toHex(cbc(false, key, iv, cipher, 112, true))).toBe(v[4], v[0] + " in pieces of 112, in place");
    }
  });
});

describe("AES-CBC in place", () => {
  it("equals the out-of-place result for 1…13 blocks of pseudo-random data, whole and in every two-piece split", () => {
    // The out-of-place path is checked against node:crypto in test/aes.test.ts; here the
    // in-place path (src == dst, as the signed-file engine may call it) must agree with it.
    let seed: u32 = 0x9e3779b9;
    for (let n = 1; n <= 13; n++) {
      const key = new Uint8Array(16), iv = new Uint8Array(16), data = new Uint8Array(n * 16);
      for (let i = 0; i < 16; i++) { seed = seed * 1664525 + 1013904223; key[i] = <u8>(seed >> 24); }
      for (let i = 0; i < 16; i++) { seed = seed * 1664525 + 1013904223; iv[i] = <u8>(seed >> 24); }
      for (let i = 0; i < data.length; i++) { seed = seed * 1664525 + 1013904223; data[i] = <u8>(seed >> 24); }
      for (let e = 0; e < 2; e++) {
        const encrypt = e == 1;
        const expected = toHex(cbc(encrypt, key, iv, data, data.length, false));
        expect(toHex(cbc(encrypt, key, iv, data, data.length, true))).toBe(expected, n.toString() + " blocks in place");
        for (let cut = 1; cut < n; cut++) {
          expect(toHex(cbcSplit(encrypt, key, iv, data, cut * 16))).toBe(expected, n.toString() + " blocks in place, cut after " + cut.toString());
        }
      }
    }
  });
});

/** One stream in place, in two calls: the first `first` bytes, then the rest. */
function cbcSplit(encrypt: bool, key: Uint8Array, iv: Uint8Array, input: Uint8Array, first: i32): Uint8Array {
  const ctx = new Uint8Array(<i32>AES_CBC_CTX_SIZE);
  aesCbcInit(ctx.dataStart, key.dataStart, iv.dataStart);
  const buf = input.slice(0);
  const p = buf.dataStart, rest = <usize>(input.length - first);
  if (encrypt) {
    aesCbcEncrypt(ctx.dataStart, p, p, first);
    aesCbcEncrypt(ctx.dataStart, p + first, p + first, rest);
  } else {
    aesCbcDecrypt(ctx.dataStart, p, p, first);
    aesCbcDecrypt(ctx.dataStart, p + first, p + first, rest);
  }
  return buf;
}

describe("AES-CBC contract edges", () => {
  it("leaves a trailing partial block untouched instead of reading past it", () => {
    const v = AES_CBC_VECTORS[AES_CBC_VECTORS.length - 1];
    const key = fromHex(v[2]), iv = fromHex(v[3]), cipher = fromHex(v[5]);
    const ctx = new Uint8Array(<i32>AES_CBC_CTX_SIZE);
    const out = new Uint8Array(40).fill(0xa5);
    aesCbcInit(ctx.dataStart, key.dataStart, iv.dataStart);
    aesCbcDecrypt(ctx.dataStart, cipher.dataStart, out.dataStart, 40);
    expect(toHex(out.slice(0, 32))).toBe(v[4].substr(0, 64));
    expect(toHex(out.slice(32))).toBe("a5a5a5a5a5a5a5a5");
    aesCbcInit(ctx.dataStart, key.dataStart, iv.dataStart);
    aesCbcEncrypt(ctx.dataStart, cipher.dataStart, out.dataStart, 8);
    expect(toHex(out.slice(0, 8))).toBe(v[4].substr(0, 16), "nothing written for less than a block");
  });
});

describe("selftestAes", () => {
  it("passes its built-in known answers", () => {
    expect<i32>(selftestAes()).toBe(0);
  });
});
