// Every tag number the core reads, in one place (formats.md §1–§3). The signed
// header and the trust-list records are both tag/length/value streams
// (tlvTokenizer.ts); their tags are separate numberings.

// ---- signed-file header (formats.md §1, §2)
export const T_VERSION: u32 = 1;
/** Values of tag 1 (major * 256 + minor). */
export const VERSION_SIGNED: u32 = 0x0100; // .sgn
export const VERSION_ENCRYPTED: u32 = 0x0200; // .enc.sgn
export const VERSION_TRUST_LIST: u32 = 0x0102; // .tlv
export const T_HEADER_LENGTH: u32 = 2;
/** container: 4, 6, 5 */
export const T_SIGNER_INFO: u32 = 3;
export const T_SIGNER_NAME: u32 = 4;
export const T_SERIAL: u32 = 5;
export const T_SIGNER_ISSUER: u32 = 6;
/** container: 8, then 9 */
export const T_SIGNATURE_INFO: u32 = 7;
export const T_HASH_ALGORITHM: u32 = 8;
/** container: 10, 11 */
export const T_SIGNATURE_ALGORITHM_INFO: u32 = 9;
export const T_SIGNATURE_ALGORITHM: u32 = 10;
export const T_MODULUS_SIZE: u32 = 11;
/** Excluded from the signature hash: tag, length and value. */
export const T_SIGNATURE: u32 = 12;
/** One byte with no length field. */
export const T_PADDING_BYTE: u32 = 13;
export const T_FILENAME: u32 = 14;
export const T_TIMESTAMP: u32 = 15;
/** container: 17, 21 */
export const T_ENCRYPTION_INFO: u32 = 16;
/** container: 18, 19, 20 */
export const T_IV_INFO: u32 = 17;
/** 1 byte, 0 (meaning unknown) */
export const T_IV_UNKNOWN: u32 = 18;
export const T_IV: u32 = 19;
export const T_PADDING_COUNT: u32 = 20;
/** container: 22, 23, 24, 25 */
export const T_KEY_INFO: u32 = 21;
/** 1 byte, 0 (meaning unknown) */
export const T_KEY_UNKNOWN: u32 = 22;
export const T_KEY_SIZE: u32 = 23;
export const T_KEY_ALGORITHM: u32 = 24;
export const T_WRAPPED_KEY: u32 = 25;
export const T_CONTENT_HASH_ALGORITHM: u32 = 26;
export const T_CONTENT_HASH: u32 = 27;
export const T_SIGNER_VERSION: u32 = 28;
/** Tags above this are unknown: skipped by length and counted. */
export const T_LAST_KNOWN: u32 = 28;

// ---- trust-list record (formats.md §3)
/** u16, always a record's first element. */
export const R_TAG_RECORD_LENGTH: u32 = 1;
export const R_TAG_SUBJECT: u32 = 3;
export const R_TAG_ROLE: u32 = 4;
export const R_TAG_ISSUER: u32 = 5;
export const R_TAG_SERIAL: u32 = 6;
export const R_TAG_PUBLIC_KEY: u32 = 7;
export const R_TAG_SIGNATURE: u32 = 8;
export const R_TAG_CERTIFICATE: u32 = 9;
