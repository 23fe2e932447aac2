// Working memory shared by the RSA operations. Nothing here outlives one call, and
// the regions are laid out so that no two live values of one call share bytes:
//  - the private operation uses WINDOW_TABLE for its window table, then (once the
//    exponentiations are done) the public operation that checks its result;
//  - the public operation (verify, raw, that check) uses PUBLIC_* inside WINDOW_TABLE.
import { MAX_LIMBS } from "./bigNat";
import { WINDOW_ENTRIES } from "./modExp";

const WIDE_BYTES: i32 = <i32>MAX_LIMBS << 2; // one value modulo n: 512 bytes
const HALF_BYTES: i32 = WIDE_BYTES >> 1; //     one value modulo p or q: 256 bytes

/** Window table of the secret exponentiation: WINDOW_ENTRIES values modulo p. */
export const WINDOW_TABLE: usize = memory.data(<i32>WINDOW_ENTRIES * HALF_BYTES, 8);
/** Public operation's base in Montgomery form, the constant one, encoded message. */
export const PUBLIC_XM: usize = WINDOW_TABLE;
export const PUBLIC_ONE: usize = WINDOW_TABLE + <usize>WIDE_BYTES;
export const PUBLIC_EM: usize = WINDOW_TABLE + 2 * <usize>WIDE_BYTES;
/** Public result used by the private operation's check (keeps WIDE_* intact). */
export const PUBLIC_CHECK: usize = WINDOW_TABLE + 3 * <usize>WIDE_BYTES;

/** Operation input (a signature or ciphertext as limbs). */
export const WIDE_INPUT: usize = memory.data(WIDE_BYTES, 8);
/** Operation output (the message representative as limbs). */
export const WIDE_OUTPUT: usize = memory.data(WIDE_BYTES, 8);
/** Values modulo p or q during the private operation. */
export const HALF_A: usize = memory.data(HALF_BYTES, 8);
export const HALF_B: usize = memory.data(HALF_BYTES, 8);
export const HALF_C: usize = memory.data(HALF_BYTES, 8);
export const HALF_D: usize = memory.data(HALF_BYTES, 8);
export const HALF_E: usize = memory.data(HALF_BYTES, 8);
export const HALF_F: usize = memory.data(HALF_BYTES, 8);
