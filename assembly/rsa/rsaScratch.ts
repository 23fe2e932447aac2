// Working memory shared by the RSA operations. Nothing here outlives one call, and
// the regions are laid out so that no two live values of one call share bytes:
//  - the private operation uses WINDOW_TABLE for its window table, then (once the
//    exponentiations are done) the public operation that checks its result;
//  - the public operation (verify, raw, that check) uses PUBLIC_* inside WINDOW_TABLE.
import { MAX_LIMBS } from "./bigNat";
import { MAX_MONT_LIMBS } from "./montgomery";
import { LIMB_BITS } from "./montRadix";
import { WINDOW_ENTRIES } from "./modExp";

const WIDE_BYTES: i32 = <i32>MAX_LIMBS << 2; // one value modulo n: 512 bytes
const HALF_BYTES: i32 = WIDE_BYTES >> 1; //     one value modulo p or q: 256 bytes
const MONT_WIDE_BYTES: i32 = <i32>MAX_MONT_LIMBS << 2; // modulo n in 29-bit limbs: 568 bytes
const MONT_HALF_BYTES: i32 = <i32>((MAX_LIMBS * 16 + 4 + LIMB_BITS - 1) / LIMB_BITS) << 2; // modulo p, 29-bit limbs: 284 bytes

/** Window table of the secret exponentiation: WINDOW_ENTRIES values modulo p, 29-bit limbs. */
export const WINDOW_TABLE: usize = memory.data(<i32>WINDOW_ENTRIES * MONT_HALF_BYTES, 8);
/** Public operation's modulus, base and its Montgomery form (29-bit limbs), encoded message. */
export const PUBLIC_N: usize = WINDOW_TABLE;
export const PUBLIC_X: usize = PUBLIC_N + <usize>MONT_WIDE_BYTES;
export const PUBLIC_XM: usize = PUBLIC_X + <usize>MONT_WIDE_BYTES;
export const PUBLIC_EM: usize = PUBLIC_XM + <usize>MONT_WIDE_BYTES;
/** Public result used by the private operation's check (keeps WIDE_* intact). */
export const PUBLIC_CHECK: usize = PUBLIC_EM + <usize>WIDE_BYTES;
// The public regions take 3 · 568 + 2 · 512 = 2 728 bytes of the table’s 16 · 284 = 4 544.

/** Operation input (a signature or ciphertext as limbs). */
export const WIDE_INPUT: usize = memory.data(WIDE_BYTES, 8);
/** Operation output (the message representative as limbs). */
export const WIDE_OUTPUT: usize = memory.data(WIDE_BYTES, 8);
/** Values modulo p or q during the private operation (32-bit limbs). */
export const HALF_A: usize = memory.data(HALF_BYTES, 8);
export const HALF_B: usize = memory.data(HALF_BYTES, 8);
export const HALF_C: usize = memory.data(HALF_BYTES, 8);
export const HALF_E: usize = memory.data(HALF_BYTES, 8);
export const HALF_F: usize = memory.data(HALF_BYTES, 8);
/** Values modulo p or q in 29-bit limbs: the prime, and working values. */
export const MONT_PRIME: usize = memory.data(MONT_HALF_BYTES, 8);
export const MONT_A: usize = memory.data(MONT_HALF_BYTES, 8);
export const MONT_B: usize = memory.data(MONT_HALF_BYTES, 8);
export const MONT_C: usize = memory.data(MONT_HALF_BYTES, 8);
export const MONT_SEL: usize = memory.data(MONT_HALF_BYTES, 8);
