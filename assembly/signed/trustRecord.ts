// One trust-list record (formats.md §3) as the store keeps it: a fixed-size slot
// holding what verification, role lookup, CAPF pinning and inspect need.
// trustListReader.ts fills slots; trustStore.ts owns them. Each offset follows
// from the field before it, so a field that grows moves the rest and RECORD_SIZE
// with it (assembly/__tests__/layout.spec.ts checks that everything fits).
import { RSA_PUB_SIZE } from "../rsa/rsaPublicKey";
import { SIGNATURE_CAP } from "./headerFields";

const U32: usize = 4;
/** SHA-1 digest bytes (the certificate's hash). */
export const CERT_SHA1_BYTES: u32 = 20;
export const RECORD_NAME_CAP: u32 = 160;
export const RECORD_SERIAL_CAP: u32 = 32;
/** An uncompressed EC point up to P-521 (1 + 2 × 66 bytes, padded). */
export const EC_POINT_CAP: u32 = 136;
/** Room for the key: the parsed RSA key or the raw EC point, whichever is larger. */
export const KEY_AREA: u32 = RSA_PUB_SIZE > EC_POINT_CAP ? RSA_PUB_SIZE : EC_POINT_CAP;
/** The largest public-key element staged whole: a 4096-bit modulus plus 32 bytes for the
 *  RSAPublicKey's SEQUENCE and INTEGER headers, the modulus sign byte and the exponent. */
export const KEY_STAGING_CAP: u32 = SIGNATURE_CAP + 32;

// ---- the stored layout of a record (RECORD_SIZE bytes per slot)
export const R_ROLE: usize = 0;
export const R_KEY_TYPE: usize = R_ROLE + U32;
export const R_RECORD_LENGTH: usize = R_KEY_TYPE + U32;
export const R_KEY_LENGTH: usize = R_RECORD_LENGTH + U32; // tag 7 length
export const R_SIGNATURE_LENGTH: usize = R_KEY_LENGTH + U32; // tag 8 length
export const R_CERTIFICATE_LENGTH: usize = R_SIGNATURE_LENGTH + U32; // tag 9 length
export const R_SUBJECT_LENGTH: usize = R_CERTIFICATE_LENGTH + U32; // full length, the stored copy is capped
export const R_ISSUER_LENGTH: usize = R_SUBJECT_LENGTH + U32;
export const R_SERIAL_LENGTH: usize = R_ISSUER_LENGTH + U32;
export const R_SEEN: usize = R_SERIAL_LENGTH + U32; // bit t set when tag t was present
export const R_CERT_SHA1: usize = R_SEEN + U32;
export const R_SERIAL: usize = R_CERT_SHA1 + CERT_SHA1_BYTES;
export const R_SUBJECT: usize = R_SERIAL + RECORD_SERIAL_CAP;
export const R_ISSUER: usize = R_SUBJECT + RECORD_NAME_CAP;
/** The parsed RSA key (its u32 limbs want 4-byte alignment) or the raw EC point. */
export const R_KEY: usize = R_ISSUER + RECORD_NAME_CAP;
/** Slot size, rounded up to 8 so every slot of a bank starts aligned. */
export const RECORD_SIZE: u32 = <u32>((R_KEY + KEY_AREA + 7) & ~7);
