// Every status code the core can return, in one place.
// The doc comment above each constant is the sentence the host shows for it:
// scripts/genStatus.mjs turns this file into host/generated/status.ts, so keep
// one `/** sentence */` line directly above each `export const`.
// Ranges: 0 ok · 1–19 ABI · 20–39 hash/AES · 40–79 DER/RSA · 80–159 signed files and trust.

/** success */
export const OK: u32 = 0;

// ---- ABI (1–19)
/** an argument is out of range (length larger than its window, unknown selector) */
export const E_ARGUMENT: u32 = 1;
/** call made in the wrong state (e.g. feed before begin, update after final) */
export const E_STATE: u32 = 2;
// 3 is retired: it was E_CAPACITY, which the core never returned (an input longer than
// its window is E_ARGUMENT). Status numbers are ABI: 3 stays unused, never reassigned.
/** index past the last item */
export const E_INDEX: u32 = 4;

// ---- hashes and AES (20–39)
/** unknown hash algorithm */
export const E_HASH_ALGORITHM: u32 = 20;
/** AES-CBC data length is not a multiple of 16 bytes */
export const E_AES_LENGTH: u32 = 21;

// ---- DER and RSA (40–79)
/** DER: truncated element */
export const E_DER_TRUNCATED: u32 = 40;
/** DER: unexpected tag */
export const E_DER_TAG: u32 = 41;
/** DER: invalid length encoding */
export const E_DER_LENGTH: u32 = 42;
/** DER: integer is negative or not minimally encoded */
export const E_DER_INTEGER: u32 = 43;
/** DER: trailing bytes after the structure */
export const E_DER_TRAILING: u32 = 44;
/** the key is not an RSA key (unsupported algorithm OID) */
export const E_KEY_NOT_RSA: u32 = 45;
/** RSA modulus size not supported (need 1024, 2048, 3072 or 4096 bits) */
export const E_RSA_SIZE: u32 = 46;
/** RSA public exponent not supported (must be odd, 3 … 2^32-1) */
export const E_RSA_EXPONENT: u32 = 47;
/** RSA private key is inconsistent (CRT parameters do not match the modulus) */
export const E_RSA_KEY_INVALID: u32 = 48;
/** signature length does not equal the key's modulus length */
export const E_RSA_SIGNATURE_LENGTH: u32 = 49;
/** RSA signature does not verify */
export const E_RSA_BAD_SIGNATURE: u32 = 50;
/** no device private key is loaded */
export const E_RSA_NO_PRIVATE_KEY: u32 = 51;
/** ciphertext length does not equal the device key's modulus length */
export const E_RSA_CIPHERTEXT_LENGTH: u32 = 52;
/** RSA input is not smaller than the modulus */
export const E_RSA_INPUT_RANGE: u32 = 53;
/** X.509: not a certificate this reader understands */
export const E_X509: u32 = 54;
/** RSA modulus is even, so it cannot be an RSA key */
export const E_RSA_MODULUS: u32 = 55;
/** RSA private operation failed its check (re-encryption mismatch: a fault or a corrupt key) */
export const E_RSA_FAULT: u32 = 56;

// ---- signed files and trust (80–159): owned by assembly/signed/
/** file is truncated: it ended inside the header or before its declared length */
export const E_TRUNCATED: u32 = 80;
/** an element overruns the header length */
export const E_ELEMENT_OVERRUNS_HEADER: u32 = 81;
/** an element overruns the end of the file */
export const E_ELEMENT_OVERRUNS_FILE: u32 = 82;
/** a container's length is inconsistent with its elements */
export const E_CONTAINER_LENGTH: u32 = 83;
/** the version element (tag 1) is missing or not first */
export const E_MISSING_VERSION: u32 = 84;
/** the header length element (tag 2) is missing or not second */
export const E_MISSING_HEADER_LENGTH: u32 = 85;
/** the signature element (tag 12) is missing */
export const E_MISSING_SIGNATURE: u32 = 86;
/** the hash algorithm element (tag 8) is missing */
export const E_MISSING_HASH_ALGORITHM: u32 = 87;
/** the signer serial number (tag 5) is missing */
export const E_MISSING_SERIAL: u32 = 88;
/** unsupported file version */
export const E_VERSION: u32 = 89;
/** header length is smaller than its elements or larger than the file */
export const E_HEADER_LENGTH: u32 = 90;
/** unknown hash algorithm in the header */
export const E_HEADER_HASH_ALGORITHM: u32 = 91;
/** signature length does not match the modulus size declared in tag 11 */
export const E_SIGNATURE_LENGTH: u32 = 92;
/** an element has a length its tag does not allow */
export const E_ELEMENT_LENGTH: u32 = 93;
/** an element appears twice */
export const E_DUPLICATE_ELEMENT: u32 = 94;
/** encryption info is missing or incomplete in a 2.0 file */
export const E_MISSING_ENCRYPTION: u32 = 95;
/** padding count is outside 1…16 or larger than the body */
export const E_PADDING: u32 = 96;
/** encrypted body length is not a multiple of 16 bytes */
export const E_BODY_LENGTH: u32 = 97;
/** no trust list is installed */
export const E_NO_TRUST_LIST: u32 = 98;
/** the signer is not in the trust list (no record with that serial number) */
export const E_UNKNOWN_SIGNER: u32 = 99;
/** the signer is in the trust list but lacks the role this file needs (TFTP or CCM+TFTP for configs, SAST for trust lists) */
export const E_SIGNER_ROLE: u32 = 100;
/** the signer's key is not an RSA key */
export const E_SIGNER_KEY: u32 = 101;
/** the signature does not verify with the signer's key */
export const E_BAD_SIGNATURE: u32 = 102;
/** the wrapped key does not fit the device key (size mismatch) */
export const E_KEY_MISMATCH: u32 = 103;
/** content hash mismatch: wrong device key, or the body was altered */
export const E_CONTENT_HASH: u32 = 104;
/** the trust list is not signed by a SAST record it contains */
export const E_TRUST_LIST_SELF: u32 = 105;
/** the new trust list is not signed by a SAST already installed */
export const E_TRUST_LIST_NOT_KNOWN_SAST: u32 = 106;
/** a trust-list record is malformed */
export const E_RECORD: u32 = 107;
/** a trust-list record overruns the file */
export const E_RECORD_OVERRUN: u32 = 108;
/** too many trust-list records for the core's store */
export const E_TOO_MANY_RECORDS: u32 = 109;
/** a trust-list record lacks a required element (role, serial or public key) */
export const E_RECORD_INCOMPLETE: u32 = 110;
/** this is not a trust list (version is not 1.2) */
export const E_NOT_TRUST_LIST: u32 = 111;
/** this is not a signed config (version is not 1.0 or 2.0) */
export const E_NOT_SIGNED_FILE: u32 = 112;
/** the encryption key algorithm is not AES-128 */
export const E_KEY_ALGORITHM: u32 = 113;
/** the file is longer than the core accepts (4 GiB) */
export const E_FILE_TOO_LARGE: u32 = 114;
