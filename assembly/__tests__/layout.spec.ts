// The static regions of the signed-file readers hold what they must: every size is
// derived from the structure it holds, and these checks fail if a structure (an RSA
// key region, a digest, a record field) outgrows the room reserved for it.
import { RSA_PUB_SIZE } from "../rsa/rsaPublicKey";
import { MAX_LIMBS } from "../rsa/bigNat";
import { HASH_SHA1, HASH_SHA256, HASH_SHA512, hashDigestLength } from "../hash/hashContext";
import {
  R_ROLE, R_KEY_TYPE, R_RECORD_LENGTH, R_KEY_LENGTH, R_SIGNATURE_LENGTH, R_CERTIFICATE_LENGTH, R_SUBJECT_LENGTH,
  R_ISSUER_LENGTH, R_SERIAL_LENGTH, R_SEEN, R_CERT_SHA1, R_SERIAL, R_SUBJECT, R_ISSUER, R_KEY, KEY_AREA,
  EC_POINT_CAP, KEY_STAGING_CAP, RECORD_SIZE, RECORD_NAME_CAP, RECORD_SERIAL_CAP, CERT_SHA1_BYTES,
} from "../signed/trustRecord";
import { STORE_CAPACITY, BANK_COUNT, BANK_BYTES } from "../signed/trustStore";
import { SIGNATURE_CAP, WRAPPED_KEY_CAP, CONTENT_HASH_CAP, IV_CAP, SERIAL_CAP } from "../signed/headerFields";
import { TLV_TOKENIZER_SIZE, TlvTokenizer } from "../signed/tlvTokenizer";
import { IN_CAP, OUT_CAP, REG_COUNT } from "../memoryMap";

/** The DER of an RSAPublicKey with a 4096-bit modulus and a 32-bit exponent (long-form lengths). */
const LARGEST_RSA_PUBLIC_DER: u32 = 4 + (4 + 1 + SIGNATURE_CAP) + (2 + 5);

describe("trust record layout", () => {
  it("keeps its fields in order without overlap", () => {
    const ends: usize[] = [
      R_ROLE, R_KEY_TYPE, R_RECORD_LENGTH, R_KEY_LENGTH, R_SIGNATURE_LENGTH, R_CERTIFICATE_LENGTH, R_SUBJECT_LENGTH,
      R_ISSUER_LENGTH, R_SERIAL_LENGTH, R_SEEN, R_CERT_SHA1,
    ];
    for (let i = 1; i < ends.length; i++) expect<usize>(ends[i] - ends[i - 1]).toBe(4);
    expect<usize>(R_SERIAL).toBe(R_CERT_SHA1 + CERT_SHA1_BYTES);
    expect<usize>(R_SUBJECT).toBe(R_SERIAL + RECORD_SERIAL_CAP);
    expect<usize>(R_ISSUER).toBe(R_SUBJECT + RECORD_NAME_CAP);
    expect<usize>(R_KEY).toBe(R_ISSUER + RECORD_NAME_CAP);
  });

  it("has room for the largest key and digest", () => {
    expect<u32>(CERT_SHA1_BYTES).toBe(hashDigestLength(HASH_SHA1));
    expect<bool>(KEY_AREA >= RSA_PUB_SIZE).toBe(true);
    expect<bool>(KEY_AREA >= EC_POINT_CAP).toBe(true);
    expect<bool>(EC_POINT_CAP >= 1 + 2 * 66).toBe(true); // P-521, uncompressed
    expect<bool>(KEY_STAGING_CAP >= LARGEST_RSA_PUBLIC_DER).toBe(true);
    expect<usize>(R_KEY & 3).toBe(0); // the RSA key region is read as u32 limbs
    expect<bool>(R_KEY + KEY_AREA <= <usize>RECORD_SIZE).toBe(true);
    expect<u32>(RECORD_SIZE & 7).toBe(0);
    expect<bool>(<usize>RECORD_SIZE - (R_KEY + KEY_AREA) < 8).toBe(true);
  });

  it("fills the store's banks exactly", () => {
    expect<u32>(BANK_BYTES).toBe(STORE_CAPACITY * RECORD_SIZE);
    expect<u32>(BANK_COUNT).toBe(2);
  });
});

describe("signed header regions", () => {
  it("hold the largest signature, wrapped key, content hash and IV", () => {
    expect<u32>(SIGNATURE_CAP).toBe(<u32>64 << 3); // modulus index 3 (tag 11)
    expect<u32>(WRAPPED_KEY_CAP).toBe(SIGNATURE_CAP);
    expect<bool>(SIGNATURE_CAP <= MAX_LIMBS << 2).toBe(true); // the RSA code takes a key that large
    expect<bool>(CONTENT_HASH_CAP >= hashDigestLength(HASH_SHA1)).toBe(true);
    expect<bool>(CONTENT_HASH_CAP >= hashDigestLength(HASH_SHA256)).toBe(true);
    expect<bool>(CONTENT_HASH_CAP >= hashDigestLength(HASH_SHA512)).toBe(true);
    expect<u32>(IV_CAP).toBe(16);
    expect<bool>(SERIAL_CAP >= RECORD_SERIAL_CAP).toBe(true); // any record's serial can sign a header
  });

  it("reserve one tokenizer exactly", () => {
    expect<i32>(TLV_TOKENIZER_SIZE).toBe(<i32>offsetof<TlvTokenizer>());
  });
});

describe("the whole static layout", () => {
  it("fits in the module's two pages with room for the stack", () => {
    // The large regions alone; the node suite checks static_end() on the release build.
    const big = <u64>IN_CAP + <u64>OUT_CAP + <u64>REG_COUNT * 4 + <u64>BANK_COUNT * BANK_BYTES;
    expect<bool>(big + 16384 <= 2 * 65536).toBe(true);
  });
});
