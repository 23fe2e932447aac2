// Hash exports: a few static slots, each one streaming context (assembly/abi/hashAbi.md).
// The host picks a slot, begins it with an algorithm, feeds IN[0..len) any number of
// times, and ends it to get the digest in OUT (its length in REG[0]).
import { OK, E_ARGUMENT, E_STATE } from "../status";
import { IN, IN_CAP, OUT, setReg } from "../memoryMap";
import { HASH_CTX_SIZE, hashInit, hashUpdate, hashFinal, hashDigestLength } from "../hash/hashContext";

/** Number of hash slots (independent streams in flight). */
const HASH_SLOTS: u32 = 3;
const SLOTS: usize = memory.data(HASH_CTX_SIZE * HASH_SLOTS, 8);
/** Bit i set = slot i has begun and not yet ended (a global, so zeroed memory means "idle"). */
let busySlots: u32 = 0;

@inline function slotContext(slot: u32): usize {
  return SLOTS + <usize>slot * HASH_CTX_SIZE;
}
@inline function isBusy(slot: u32): bool {
  return ((busySlots >>> slot) & 1) != 0;
}

/** Number of hash slots: valid slot numbers are 0 … hash_slots() - 1. */
export function hash_slots(): u32 {
  return HASH_SLOTS;
}

/** Digest length in bytes of alg (0 = MD5, 1 = SHA-1, 2 = SHA-256, 3 = SHA-512); 0 if unknown. */
export function hash_digest_length(alg: u32): u32 {
  return hashDigestLength(alg);
}

/** Start (or restart) a hash of alg in slot. OK, E_ARGUMENT (no such slot), E_HASH_ALGORITHM. */
export function hash_begin(slot: u32, alg: u32): u32 {
  if (slot >= HASH_SLOTS) return E_ARGUMENT;
  busySlots &= ~(<u32>1 << slot);
  const status = hashInit(slotContext(slot), alg);
  if (status == OK) busySlots |= <u32>1 << slot;
  return status;
}

/** Absorb IN[0..len). OK, E_ARGUMENT (no such slot, len > in_cap()), E_STATE (slot not begun). */
export function hash_update(slot: u32, len: u32): u32 {
  if (slot >= HASH_SLOTS || len > IN_CAP) return E_ARGUMENT;
  if (!isBusy(slot)) return E_STATE;
  hashUpdate(slotContext(slot), IN, len);
  return OK;
}

/** Finish: digest to OUT[0..REG[0]), the slot becomes idle. OK, E_ARGUMENT, E_STATE (not begun). */
export function hash_end(slot: u32): u32 {
  if (slot >= HASH_SLOTS) return E_ARGUMENT;
  if (!isBusy(slot)) return E_STATE;
  setReg(0, hashFinal(slotContext(slot), OUT));
  busySlots &= ~(<u32>1 << slot);
  return OK;
}
