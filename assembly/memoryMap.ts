// The fixed windows through which a host talks to the core.
// Reserved once at compile time; nothing in the core allocates after start-up.
// The host writes input at IN, calls an export with a length, and reads results
// from OUT and the result registers REG (u32 each). assembly/README.md documents
// which export uses which register.

/** Input window: the host copies up to IN_CAP bytes here before each call. */
export const IN_CAP: u32 = 16384;
export const IN: usize = memory.data(16384, 16);

/** Output window: digests, plaintext, record fields. 64 bytes of slack past OUT_CAP
 *  so that a feed of IN_CAP bytes can emit the AES block held over from the last one. */
export const OUT_CAP: u32 = 16384 + 64;
export const OUT: usize = memory.data(16384 + 64, 16);

/** Result registers: REG_COUNT little-endian u32 values. */
export const REG_COUNT: u32 = 64;
export const REG: usize = memory.data(64 * 4, 8);

@inline export function setReg(i: u32, v: u32): void {
  store<u32>(REG + (<usize>i << 2), v);
}
@inline export function getReg(i: u32): u32 {
  return load<u32>(REG + (<usize>i << 2));
}
