// The file engine's vocabulary shared by the engine, the ABI and the host:
// what a session is for (mode), what a feed produced (events) and which result
// register carries what. assembly/abi/fileAbi.md documents the same numbers.

/** Signed config (.sgn 1.0 or .enc.sgn 2.0): signer needs TFTP or CCM+TFTP in the installed list; 2.0 is decrypted. */
export const MODE_CONFIG: u32 = 0;
/** Trust list: install it (trust on first use, or replacement signed by an installed SAST). */
export const MODE_TRUST_INSTALL: u32 = 1;
/** Trust list: the same checks as install, but the installed list stays as it is. */
export const MODE_TRUST_CHECK: u32 = 2;
/** Any file: parse everything, verify what can be verified, decide nothing. */
export const MODE_INSPECT: u32 = 3;
/** Signed config, signature and role only: a 2.0 body is hashed but not decrypted (no device key needed). */
export const MODE_CONFIG_VERIFY: u32 = 4;
export const MODE_LAST: u32 = 4;

/** the header became complete during this call: file_header_* are now valid */
export const EVENT_HEADER_READY: u32 = 1;
/** OUT holds REG[REG_OUT_LENGTH] bytes of provisional output: copy them before the next call */
export const EVENT_OUTPUT: u32 = 2;
/** the session is over: file_finish returned (OK or not), or a file_feed failed */
export const EVENT_DONE: u32 = 4;

/** Register: event bits of the last feed/finish. */
export const REG_EVENTS: u32 = 0;
/** Register: bytes of output placed at OUT by the last feed/finish. */
export const REG_OUT_LENGTH: u32 = 1;
/** Register (after finish): the signature verdict in inspect mode (OK or the rejection). */
export const REG_SIGNATURE_STATUS: u32 = 2;
/** Register (after finish): index of the record that signed the file, or 0xFFFFFFFF. */
export const REG_SIGNER_INDEX: u32 = 3;
/** Register (after finish): which bank the signer index refers to (0 installed, 1 parsed). */
export const REG_SIGNER_BANK: u32 = 4;
/** Register (after finish): number of records parsed from a trust list. */
export const REG_RECORD_COUNT: u32 = 5;

// Role numbers of trust-list records (formats.md §3).
/** SAST: signs trust lists */
export const ROLE_SAST: u32 = 0;
/** CCM+TFTP: signs configs */
export const ROLE_CCM_TFTP: u32 = 2;
/** TFTP: signs configs */
export const ROLE_TFTP: u32 = 3;
/** CAPF: the certificate a host pins for CAPF TLS */
export const ROLE_CAPF: u32 = 4;

// Key types stored per record.
/** no public key */
export const KEY_NONE: u32 = 0;
/** RSA key the core can verify with */
export const KEY_RSA: u32 = 1;
/** EC key (kept as its point, never verifies files) */
export const KEY_EC: u32 = 2;
/** RSA key the core cannot use (size or exponent unsupported): shown, never used to verify */
export const KEY_RSA_UNSUPPORTED: u32 = 3;
