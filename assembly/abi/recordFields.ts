// What file_record_info and file_record_bytes report about a trust-list record: register
// numbers and byte-string selectors (part of the ABI schema, assembly/abi/schema.json).

/** role (tag 4): CNFGUARD_ROLE_* or another role number */
export const RECORD_REG_ROLE: u32 = 0;
/** key type: CNFGUARD_KEY_* */
export const RECORD_REG_KEY_TYPE: u32 = 1;
/** record length */
export const RECORD_REG_RECORD_LENGTH: u32 = 2;
/** public key length (tag 7) */
export const RECORD_REG_KEY_LENGTH: u32 = 3;
/** signature length (tag 8) */
export const RECORD_REG_SIGNATURE_LENGTH: u32 = 4;
/** certificate length (tag 9) */
export const RECORD_REG_CERTIFICATE_LENGTH: u32 = 5;
/** subject length (full) */
export const RECORD_REG_SUBJECT_LENGTH: u32 = 6;
/** issuer length (full) */
export const RECORD_REG_ISSUER_LENGTH: u32 = 7;
/** serial length */
export const RECORD_REG_SERIAL_LENGTH: u32 = 8;
/** RSA modulus bytes when the core can use the key, else 0 */
export const RECORD_REG_MODULUS_BYTES: u32 = 9;

/** subject (≤ 160 bytes stored) */
export const RECORD_BYTES_SUBJECT: u32 = 0;
/** issuer (≤ 160 bytes stored) */
export const RECORD_BYTES_ISSUER: u32 = 1;
/** serial number */
export const RECORD_BYTES_SERIAL: u32 = 2;
/** SHA-1 of the certificate DER (computed as it streamed; a CAPF TLS certificate must match) */
export const RECORD_BYTES_CERT_SHA1: u32 = 3;
/** EC point, uncompressed (empty for RSA) */
export const RECORD_BYTES_EC_POINT: u32 = 4;
export const RECORD_BYTES_LAST: u32 = 4;
