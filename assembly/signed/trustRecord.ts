// One trust-list record (formats.md §3) as the store keeps it: a fixed-size slot
// holding what verification, role lookup, CAPF pinning and inspect need.
// trustListReader.ts fills slots; trustStore.ts owns them.

// ---- the stored layout of a record (RECORD_SIZE bytes per slot)
export const R_ROLE: usize = 0;
export const R_KEY_TYPE: usize = 4;
export const R_RECORD_LENGTH: usize = 8;
export const R_KEY_LENGTH: usize = 12; // tag 7 length
export const R_SIGNATURE_LENGTH: usize = 16; // tag 8 length
export const R_CERTIFICATE_LENGTH: usize = 20; // tag 9 length
export const R_SUBJECT_LENGTH: usize = 24; // full length, the stored copy is capped
export const R_ISSUER_LENGTH: usize = 28;
export const R_SERIAL_LENGTH: usize = 32;
export const R_SEEN: usize = 36; // bit t set when tag t was present
export const R_CERT_SHA1: usize = 40; // 20 bytes
export const R_SERIAL: usize = 60; // 32 bytes
export const R_SUBJECT: usize = 92; // NAME_CAP bytes
export const R_ISSUER: usize = 252; // NAME_CAP bytes
export const R_KEY: usize = 412; // the parsed RSA key, or the raw EC point
/** Room for the key: RSA_PUB_SIZE is at most 544 (docs/architecture.md); selftest checks it. */
export const KEY_AREA: u32 = 544;
export const EC_POINT_CAP: u32 = 136;
export const RECORD_SIZE: u32 = 960; // R_KEY + KEY_AREA rounded up to 8
export const RECORD_NAME_CAP: u32 = 160;
export const RECORD_SERIAL_CAP: u32 = 32;

