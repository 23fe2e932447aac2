// RSA building blocks inside the core: limb arithmetic against 64-bit integer arithmetic
// (Montgomery products: montgomery.spec.ts), the DER reader's edge cases, the PKCS#1 v1.5 masks, RSA
// Laboratories' PKCS#1 v1.5 signature examples 1.1–1.3 (key 1, 1024 bits, SHA-1; copied
// from vectors/rsa/pkcs1v15sign-vectors.txt) and the built-in self-test.
import { OK, E_DER_TRUNCATED, E_DER_LENGTH, E_DER_TAG, E_DER_INTEGER, E_RSA_BAD_SIGNATURE, E_RSA_SIGNATURE_LENGTH } from "../status";
import { HASH_CTX_SIZE, HASH_SHA1, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";
import { bnAdd, bnSub, bnMul, bnFromBytes, bnToBytes, bnEqualMask, limb, setLimb } from "../rsa/bigNat";
import { pkcs1EncryptionMask } from "../rsa/pkcs1";
import { RSA_PUB_SIZE, rsaPublicFromParts, rsaVerifyPkcs1 } from "../rsa/rsaPublicKey";
import { derReadAny, derReadUnsigned, derLength, derValue } from "../der/derReader";
import { selftestRsa } from "../rsa/rsaSelftest";

const N = "a56e4a0e701017589a5187dc7ea841d156f2ec0e36ad52a44dfeb1e61f7ad991d8c51056ffedb162b4c0f283a12a88a394dff526ab7291cbb307ceabfce0b1dfd5cd9508096d5b2b8b6df5d671ef6377c0921cb23c270a70e2598e6ff89d19f105acc2d3f0cb35f29280e1386b6f64c4ef22e1e1f20d0ce8cffb2249bd9a2137";
const EXAMPLES: string[][] = [
  ["cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b6084acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd223c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0",
   "6bc3a06656842930a247e30d5864b4d819236ba7c68965862ad7dbc4e24af28e86bb531f03358be5fb74777c6086f850caef893f0d6fcc2d0c91ec013693b4ea00b80cd49aac4ecb5f8911afe539ada4a8f3823d1d13e472d1490547c659c7617f3d24087ddb6f2b72096167fc097cab18e9a458fcb634cdce8ee35894c484d7"],
  ["851384cdfe819c22ed6c4ccb30daeb5cf059bc8e1166b7e3530c4c233e2b5f8f71a1cca582d43ecc72b1bca16dfc7013226b9e",
   "84fd2ce734ec1da828d0f15bf49a8707c15d05948136de537a3db421384167c86fae022587ee9e137daee754738262932d271c744c6d3a189ad4311bdb020492e322fbddc40406ea860d4e8ea2a4084aa98b9622a446756fdb740ddb3d91db7670e211661bbf8709b11c08a70771422d1a12def29f0688a192aebd89e0f896f8"],
  ["a4b159941761c40c6a82f2b80d1b94f5aa2654fd17e12d588864679b54cd04ef8bd03012be8dc37f4b83af7963faff0dfa225477437c48017ff2be8191cf3955fc07356eab3f322f7f620e21d254e5db4324279fe067e0910e2e81ca2cab31c745e67a54058eb50d993cdb9ed0b4d029c06d21a94ca661c3ce27fae1d6cb20f4564d66ce4767583d0e5f060215b59017be85ea848939127bd8c9c4d47b51056c031cf336f17c9980f3b8f5b9b6878e8b797aa43b882684333e17893fe9caa6aa299f7ed1a18ee2c54864b7b2b99b72618fb02574d139ef50f019c9eef416971338e7d470",
   "0b1f2e5180e5c7b4b5e672929f664c4896e50c35134b6de4d5a934252a3a245ff48340920e1034b7d5a5b524eb0e1cf12befef49b27b732d2c19e1c43217d6e1417381111a1d36de6375cf455b3c9812639dbc27600c751994fb61799ecf7da6bcf51540afd0174db4033188556675b1d763360af46feeca5b60f882829ee7b2"],
];

const A: usize = memory.data(64, 8);
const B: usize = memory.data(64, 8);
const R: usize = memory.data(128, 8);
const KEY: usize = memory.data(<i32>RSA_PUB_SIZE, 8);
const CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const DIGEST: usize = memory.data(20, 8);
const BYTES: usize = memory.data(512, 8);

function fromHex(hex: string, at: usize): u32 {
  const len = hex.length >> 1;
  for (let i = 0; i < len; i++) store<u8>(at + i, <u8>I32.parseInt(hex.substr(i * 2, 2), 16));
  return <u32>len;
}

let seed: u64 = 0x9e3779b97f4a7c15;
function random32(): u32 {
  seed ^= seed << 13;
  seed ^= seed >> 7;
  seed ^= seed << 17;
  return <u32>(seed >> 16);
}

describe("limb arithmetic", () => {
  it("adds, subtracts and multiplies two-limb numbers like u64 arithmetic", () => {
    for (let t = 0; t < 500; t++) {
      const x = (<u64>random32() << 32) | random32(), y = (<u64>random32() << 32) | random32();
      store<u64>(A, x);
      store<u64>(B, y);
      const carry = bnAdd(R, A, B, 2);
      expect<u64>(load<u64>(R)).toBe(x + y);
      expect<u32>(carry).toBe(x + y < x ? 1 : 0);
      const borrow = bnSub(R, A, B, 2);
      expect<u64>(load<u64>(R)).toBe(x - y);
      expect<u32>(borrow).toBe(x < y ? 1 : 0);
      store<u32>(A, <u32>x); store<u32>(B, <u32>y);
      bnMul(R, A, B, 1);
      expect<u64>(load<u64>(R)).toBe(<u64><u32>x * <u64><u32>y);
    }
  });
  it("converts big-endian bytes both ways", () => {
    fromHex("0102030405060708090a", BYTES);
    bnFromBytes(A, 3, BYTES, 10);
    expect<u32>(limb(A, 0)).toBe(0x0708090a);
    expect<u32>(limb(A, 2)).toBe(0x0102);
    bnToBytes(BYTES + 16, 12, A);
    expect<u8>(load<u8>(BYTES + 16)).toBe(0);
    expect<u8>(load<u8>(BYTES + 18)).toBe(1);
    expect<u8>(load<u8>(BYTES + 27)).toBe(10);
  });
  it("bnEqualMask is all ones only for equal numbers", () => {
    store<u64>(A, 12345); store<u64>(B, 12345);
    expect<u32>(bnEqualMask(A, B, 2)).toBe(0xffffffff);
    store<u64>(B, 12345 | (<u64>1 << 63));
    expect<u32>(bnEqualMask(A, B, 2)).toBe(0);
  });
});

describe("DER reader", () => {
  it("reads short and long lengths and refuses bad ones", () => {
    fromHex("04817f", BYTES); // long form for a length under 128
    expect<u32>(derReadAny(BYTES, BYTES + 3)).toBe(E_DER_LENGTH);
    fromHex("0480", BYTES); // indefinite
    expect<u32>(derReadAny(BYTES, BYTES + 2)).toBe(E_DER_LENGTH);
    fromHex("04820081", BYTES); // leading zero in the length
    expect<u32>(derReadAny(BYTES, BYTES + 4)).toBe(E_DER_LENGTH);
    fromHex("048181", BYTES); // 129 bytes declared, none there
    expect<u32>(derReadAny(BYTES, BYTES + 3)).toBe(E_DER_TRUNCATED);
    fromHex("1f01", BYTES); // multi-byte tag
    expect<u32>(derReadAny(BYTES, BYTES + 2)).toBe(E_DER_TAG);
    expect<u32>(derReadAny(BYTES, BYTES)).toBe(E_DER_TRUNCATED);
    fromHex("0403616263", BYTES);
    expect<u32>(derReadAny(BYTES, BYTES + 5)).toBe(OK);
    expect<u32>(derLength).toBe(3);
    expect<usize>(derValue).toBe(BYTES + 2);
  });
  it("accepts only non-negative, minimal integers and strips the sign octet", () => {
    fromHex("020200ff", BYTES);
    expect<u32>(derReadUnsigned(BYTES, BYTES + 4)).toBe(OK);
    expect<u32>(derLength).toBe(1);
    fromHex("0202007f", BYTES);
    expect<u32>(derReadUnsigned(BYTES, BYTES + 4)).toBe(E_DER_INTEGER);
    fromHex("0201ff", BYTES);
    expect<u32>(derReadUnsigned(BYTES, BYTES + 3)).toBe(E_DER_INTEGER);
    fromHex("0200", BYTES);
    expect<u32>(derReadUnsigned(BYTES, BYTES + 2)).toBe(E_DER_INTEGER);
  });
});

describe("PKCS#1 v1.5", () => {
  it("the encryption mask accepts 00 02 PS(≥ 8 nonzero) 00 M of the asked length only", () => {
    const k: u32 = 64;
    memory.fill(BYTES, 0x33, k);
    store<u8>(BYTES, 0); store<u8>(BYTES + 1, 2); store<u8>(BYTES + k - 17, 0);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, 16)).toBe(0xffffffff);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, 15)).toBe(0);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, 17)).toBe(0);
    store<u8>(BYTES + 5, 0);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, 16)).toBe(0);
    store<u8>(BYTES + 5, 1); store<u8>(BYTES + 1, 1);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, 16)).toBe(0);
    store<u8>(BYTES + 1, 2);
    expect<u32>(pkcs1EncryptionMask(BYTES, k, k - 10)).toBe(0); // PS of 7 octets
  });
  it("verifies RSA Laboratories' signature examples 1.1–1.3 and refuses altered ones", () => {
    const nLen = fromHex(N, BYTES);
    expect<u32>(rsaPublicFromParts(KEY, BYTES, nLen, 65537)).toBe(OK);
    for (let i = 0; i < EXAMPLES.length; i++) {
      const msgLen = fromHex(EXAMPLES[i][0], BYTES);
      hashInit(CTX, HASH_SHA1);
      hashUpdate(CTX, BYTES, msgLen);
      hashFinal(CTX, DIGEST);
      const sigLen = fromHex(EXAMPLES[i][1], BYTES);
      expect<u32>(rsaVerifyPkcs1(KEY, HASH_SHA1, DIGEST, BYTES, sigLen)).toBe(OK);
      expect<u32>(rsaVerifyPkcs1(KEY, HASH_SHA1, DIGEST, BYTES, sigLen - 1)).toBe(E_RSA_SIGNATURE_LENGTH);
      store<u8>(BYTES + 40, load<u8>(BYTES + 40) ^ 4);
      expect<u32>(rsaVerifyPkcs1(KEY, HASH_SHA1, DIGEST, BYTES, sigLen)).toBe(E_RSA_BAD_SIGNATURE);
    }
  });
  it("the built-in self-test passes", () => {
    expect<i32>(selftestRsa()).toBe(0);
  });
});
