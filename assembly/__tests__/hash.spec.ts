// The core's hashes on the standard vectors (vectors/hash/, through scripts/genHashSpecs.mjs):
// RFC 1321 for MD5, NIST CAVP short and long messages for SHA-1/256/512, each hashed whole
// and in three uneven pieces; plus the ABI's slots and the built-in KATs.
import { HASH_CTX_SIZE, HASH_MD5, HASH_SHA1, HASH_SHA256, HASH_SHA512, hashInit, hashUpdate, hashFinal, hashDigestLength } from "../hash/hashContext";
import { selftestHashes } from "../hash/hashSelftest";
import { hash_begin, hash_update, hash_end, hash_slots } from "../abi/hashAbi";
import { IN, OUT, getReg } from "../memoryMap";
import { OK, E_ARGUMENT, E_STATE, E_HASH_ALGORITHM } from "../status";
import { MD5_VECTORS, SHA1_VECTORS, SHA256_VECTORS, SHA512_VECTORS } from "./generated/hashVectors";

const CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const DIGEST: usize = memory.data(64, 8);

function hexValue(c: i32): u8 {
  return <u8>(c <= 57 ? c - 48 : c - 87);
}

function fromHex(hex: string): ArrayBuffer {
  const out = new ArrayBuffer(hex.length >> 1);
  for (let i = 0; i < out.byteLength; i++) {
    store<u8>(changetype<usize>(out) + i, (hexValue(hex.charCodeAt(2 * i)) << 4) | hexValue(hex.charCodeAt(2 * i + 1)));
  }
  return out;
}

function toHex(p: usize, len: u32): string {
  let s = "";
  for (let i: u32 = 0; i < len; i++) {
    const b = load<u8>(p + i);
    s += "0123456789abcdef".charAt(b >> 4) + "0123456789abcdef".charAt(b & 15);
  }
  return s;
}

/** Digest of msg fed in `pieces` uneven updates (1 = whole). */
function digestHex(alg: u32, msg: ArrayBuffer, pieces: i32): string {
  expect<u32>(hashInit(CTX, alg)).toBe(OK);
  const p = changetype<usize>(msg);
  const len = <usize>msg.byteLength;
  let from: usize = 0;
  for (let i = 1; i < pieces; i++) {
    const to = (len * <usize>(2 * i + 1)) / <usize>(2 * pieces + 1);
    hashUpdate(CTX, p + from, to - from);
    from = to;
  }
  hashUpdate(CTX, p + from, len - from);
  const n = hashFinal(CTX, DIGEST);
  expect<u32>(n).toBe(hashDigestLength(alg));
  return toHex(DIGEST, n);
}

function checkAll(alg: u32, vectors: StaticArray<string>): void {
  expect<i32>(vectors.length).toBeGreaterThan(10);
  for (let i = 0; i < vectors.length; i += 2) {
    const msg = fromHex(vectors[i]);
    expect<string>(digestHex(alg, msg, 1)).toBe(vectors[i + 1], "whole, " + msg.byteLength.toString() + " bytes");
    expect<string>(digestHex(alg, msg, 3)).toBe(vectors[i + 1], "three pieces, " + msg.byteLength.toString() + " bytes");
  }
}

describe("hash vectors", () => {
  it("MD5: RFC 1321 suite", () => { checkAll(HASH_MD5, MD5_VECTORS); });
  it("SHA-1: CAVP short and long messages", () => { checkAll(HASH_SHA1, SHA1_VECTORS); });
  it("SHA-256: CAVP short and long messages", () => { checkAll(HASH_SHA256, SHA256_VECTORS); });
  it("SHA-512: CAVP short and long messages", () => { checkAll(HASH_SHA512, SHA512_VECTORS); });
  it("FIPS 180-4 example: SHA-512 and SHA-256 of the 896-bit message", () => {
    const msg = String.UTF8.encode("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu");
    expect<string>(digestHex(HASH_SHA512, msg, 2)).toBe("8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    expect<string>(digestHex(HASH_SHA256, msg, 2)).toBe("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  });
  it("unknown algorithm is refused, and a context left uninitialised by it neither traps nor writes", () => {
    expect<u32>(hashInit(CTX, 4)).toBe(E_HASH_ALGORITHM);
    expect<u32>(hashDigestLength(4)).toBe(0);
    store<u32>(CTX, 77); // a garbage selector, as in a never-initialised region
    hashUpdate(CTX, 0, 60000); // would read far past memory if it compressed
    store<u8>(DIGEST, 0xaa);
    expect<u32>(hashFinal(CTX, DIGEST)).toBe(0);
    expect<u8>(load<u8>(DIGEST)).toBe(0xaa);
  });
});

describe("hash ABI and self-test", () => {
  it("built-in known answers pass", () => {
    expect<i32>(selftestHashes()).toBe(0);
  });
  it("slots stream IN and return the digest in OUT with its length in REG[0]", () => {
    expect<u32>(hash_begin(hash_slots(), HASH_SHA1)).toBe(E_ARGUMENT);
    expect<u32>(hash_update(1, 3)).toBe(E_STATE);
    expect<u32>(hash_begin(1, HASH_SHA1)).toBe(OK);
    store<u8>(IN, 0x61); store<u8>(IN + 1, 0x62); store<u8>(IN + 2, 0x63);
    expect<u32>(hash_update(1, 1)).toBe(OK);
    memory.copy(IN, IN + 1, 2);
    expect<u32>(hash_update(1, 2)).toBe(OK);
    expect<u32>(hash_end(1)).toBe(OK);
    expect<u32>(getReg(0)).toBe(20);
    expect<string>(toHex(OUT, 20)).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect<u32>(hash_end(1)).toBe(E_STATE);
  });
});
