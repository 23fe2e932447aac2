// What the header reader learned: a table of u32 fields (copied verbatim into the
// result registers by file_header_info) and the byte strings it captured.
// Strings are capped; the table keeps each one's full length so nothing is hidden.
// Each region is reserved with its capacity constant (assembly/__tests__/layout.spec.ts).

// Field indexes into the table (= register numbers after file_header_info).
/** version, major·256 + minor */
export const F_VERSION: u32 = 0;
/** header length */
export const F_HEADER_LENGTH: u32 = 1;
/** hash algorithm 1 SHA-1 · 2 SHA-256 · 3 SHA-512 */
export const F_HASH_ALGORITHM: u32 = 2;
/** signature length */
export const F_SIGNATURE_LENGTH: u32 = 3;
/** modulus size index (tag 11) */
export const F_MODULUS_INDEX: u32 = 4;
/** timestamp (u32 seconds) */
export const F_TIMESTAMP: u32 = 5;
/** signer version, major·256 + minor (tag 28, trust lists) */
export const F_SIGNER_VERSION: u32 = 6;
/** IV length */
export const F_IV_LENGTH: u32 = 7;
/** padding count */
export const F_PADDING: u32 = 8;
/** key size in bits (tag 23) */
export const F_KEY_SIZE: u32 = 9;
/** key algorithm (tag 24) */
export const F_KEY_ALGORITHM: u32 = 10;
/** wrapped key length (tag 25) */
export const F_WRAPPED_KEY_LENGTH: u32 = 11;
/** content hash algorithm (tag 26) */
export const F_CONTENT_HASH_ALGORITHM: u32 = 12;
/** content hash length */
export const F_CONTENT_HASH_LENGTH: u32 = 13;
/** unknown elements skipped */
export const F_UNKNOWN_TAGS: u32 = 14;
/** signer name length (full) */
export const F_SIGNER_NAME_LENGTH: u32 = 15;
/** signer issuer length (full) */
export const F_SIGNER_ISSUER_LENGTH: u32 = 16;
/** serial length */
export const F_SERIAL_LENGTH: u32 = 17;
/** filename length (full) */
export const F_FILENAME_LENGTH: u32 = 18;
/** bit t set = tag t present (1…28) */
export const F_SEEN: u32 = 19;
/** offset of the signature element's tag byte (what the signature excludes starts here) */
export const F_SIGNATURE_OFFSET: u32 = 20;
export const F_COUNT: u32 = 21;

const TABLE: usize = memory.data(<i32>F_COUNT * 4, 8);

@inline export function field(f: u32): u32 {
  return load<u32>(TABLE + (<usize>f << 2));
}
@inline export function setField(f: u32, v: u32): void {
  store<u32>(TABLE + (<usize>f << 2), v);
}
@inline export function sawTag(tag: u32): bool {
  return (field(F_SEEN) & (1 << tag)) != 0;
}
export function fieldTable(): usize {
  return TABLE;
}
export function clearFields(): void {
  memory.fill(TABLE, 0, F_COUNT * 4);
}

/** Capacities of the captured byte strings. */
export const NAME_CAP: u32 = 160;
export const SERIAL_CAP: u32 = 32;
/** Tag 11's largest modulus size index: 3 → 512 bytes (formats.md §1). */
export const MAX_MODULUS_INDEX: u32 = 3;
/** Signature and wrapped key: one modulus of the largest RSA key a header can declare (4096 bits). */
export const SIGNATURE_CAP: u32 = <u32>64 << MAX_MODULUS_INDEX;
/** The AES-CBC IV: one block. */
export const IV_CAP: u32 = 16;
export const WRAPPED_KEY_CAP: u32 = SIGNATURE_CAP;
/** The longest digest tag 26 may name (SHA-512). */
export const CONTENT_HASH_CAP: u32 = 64;

// Byte-string selectors for file_header_bytes.
/** signer name (≤ 160 bytes stored) */
export const B_SIGNER_NAME: u32 = 0;
/** signer issuer (≤ 160 bytes stored) */
export const B_SIGNER_ISSUER: u32 = 1;
/** signer serial number */
export const B_SERIAL: u32 = 2;
/** filename (≤ 160 bytes stored) */
export const B_FILENAME: u32 = 3;
/** signature */
export const B_SIGNATURE: u32 = 4;
/** IV */
export const B_IV: u32 = 5;
/** wrapped key */
export const B_WRAPPED_KEY: u32 = 6;
/** content hash */
export const B_CONTENT_HASH: u32 = 7;
export const B_LAST: u32 = 7;

export const SIGNER_NAME: usize = memory.data(<i32>NAME_CAP, 8);
export const SIGNER_ISSUER: usize = memory.data(<i32>NAME_CAP, 8);
export const SERIAL: usize = memory.data(<i32>SERIAL_CAP, 8);
export const FILENAME: usize = memory.data(<i32>NAME_CAP, 8);
export const SIGNATURE: usize = memory.data(<i32>SIGNATURE_CAP, 8);
export const IV: usize = memory.data(<i32>IV_CAP, 8);
export const WRAPPED_KEY: usize = memory.data(<i32>WRAPPED_KEY_CAP, 8);
export const CONTENT_HASH: usize = memory.data(<i32>CONTENT_HASH_CAP, 8);

/** Where a byte string lives. */
export function bytesPointer(sel: u32): usize {
  switch (sel) {
    case B_SIGNER_NAME: return SIGNER_NAME;
    case B_SIGNER_ISSUER: return SIGNER_ISSUER;
    case B_SERIAL: return SERIAL;
    case B_FILENAME: return FILENAME;
    case B_SIGNATURE: return SIGNATURE;
    case B_IV: return IV;
    case B_WRAPPED_KEY: return WRAPPED_KEY;
    default: return CONTENT_HASH;
  }
}

/** How many bytes of the string are stored (the capped length). */
export function bytesStored(sel: u32): u32 {
  switch (sel) {
    case B_SIGNER_NAME: return min(field(F_SIGNER_NAME_LENGTH), NAME_CAP);
    case B_SIGNER_ISSUER: return min(field(F_SIGNER_ISSUER_LENGTH), NAME_CAP);
    case B_SERIAL: return field(F_SERIAL_LENGTH);
    case B_FILENAME: return min(field(F_FILENAME_LENGTH), NAME_CAP);
    case B_SIGNATURE: return field(F_SIGNATURE_LENGTH);
    case B_IV: return field(F_IV_LENGTH);
    case B_WRAPPED_KEY: return field(F_WRAPPED_KEY_LENGTH);
    default: return field(F_CONTENT_HASH_LENGTH);
  }
}
