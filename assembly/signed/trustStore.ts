// The trust store held in the core: two banks of record slots. One bank is the
// installed list; the other receives the list being parsed (install, check or
// inspect). Installing flips which bank is installed, so nothing is copied and a
// refused list never touches the installed one.
import { OK, E_UNKNOWN_SIGNER, E_SIGNER_ROLE, E_SIGNER_KEY } from "../status";
import { RECORD_SIZE, R_ROLE, R_KEY_TYPE, R_SERIAL, R_SERIAL_LENGTH } from "./trustRecord";
import { KEY_RSA } from "./engineModes";

/** Records per list (each slot holds up to a 4096-bit RSA key). */
export const STORE_CAPACITY: u32 = 32;
// Logical bank numbers as the ABI sees them.
/** the installed trust list */
export const BANK_INSTALLED: u32 = 0;
/** the list parsed by the last session */
export const BANK_PARSED: u32 = 1;

/** Two banks: the installed list and the one being parsed. */
export const BANK_COUNT: u32 = 2;
export const BANK_BYTES: u32 = STORE_CAPACITY * RECORD_SIZE;
const BANKS: usize = memory.data(<i32>(BANK_COUNT * BANK_BYTES), 8);

let installedPhysical: u32 = 0;
let installedCount: u32 = 0;
let parsedCount: u32 = 0;
let foundIndex: u32 = 0;

function physical(bank: u32): u32 {
  return bank == BANK_INSTALLED ? installedPhysical : 1 - installedPhysical;
}

export function storeCount(bank: u32): u32 {
  return bank == BANK_INSTALLED ? installedCount : parsedCount;
}

/** Address of record `index` of `bank`, or 0 past the last record. */
export function storeSlot(bank: u32, index: u32): usize {
  if (index >= storeCount(bank)) return 0;
  return BANKS + <usize>physical(bank) * BANK_BYTES + <usize>index * RECORD_SIZE;
}

/** Claim the next slot of `bank` (0 when full). */
export function storeAppendSlot(bank: u32): usize {
  let n = storeCount(bank);
  if (n >= STORE_CAPACITY) return 0;
  if (bank == BANK_INSTALLED) installedCount = n + 1;
  else parsedCount = n + 1;
  return storeSlot(bank, n);
}

/** Empty the parsed bank before a new list is read into it. */
export function storeResetParsed(): void {
  parsedCount = 0;
}

/** The parsed list becomes the installed one; the old installed bank is free again. */
export function storeInstallParsed(): void {
  installedPhysical = 1 - installedPhysical;
  installedCount = parsedCount;
  parsedCount = 0;
}

/** Forget the installed list (a phone reset to factory state). */
export function storeClearInstalled(): void {
  installedCount = 0;
}

/** Index set by the last successful storeFindSigner. */
export function storeFoundIndex(): u32 {
  return foundIndex;
}

/**
 * Find the record that may have signed a file: same serial (compared as an
 * integer), a role in `roleMask` (bit r = role r) and a usable RSA key. One
 * certificate often appears under several roles, so every record is looked at.
 */
export function storeFindSigner(bank: u32, serial: usize, serialLength: u32, roleMask: u32): u32 {
  let serialKnown = false;
  let roleKnown = false;
  let n = storeCount(bank);
  for (let i: u32 = 0; i < n; i++) {
    let slot = storeSlot(bank, i);
    if (!sameInteger(slot + R_SERIAL, load<u32>(slot + R_SERIAL_LENGTH), serial, serialLength)) continue;
    serialKnown = true;
    let role = load<u32>(slot + R_ROLE);
    if (role >= 32 || ((<u32>1 << role) & roleMask) == 0) continue;
    roleKnown = true;
    if (load<u32>(slot + R_KEY_TYPE) != KEY_RSA) continue;
    foundIndex = i;
    return OK;
  }
  if (roleKnown) return E_SIGNER_KEY;
  return serialKnown ? E_SIGNER_ROLE : E_UNKNOWN_SIGNER;
}

/** Unsigned big-endian integers equal, ignoring leading zero bytes. */
function sameInteger(a: usize, aLength: u32, b: usize, bLength: u32): bool {
  while (aLength > 0 && load<u8>(a) == 0) { a++; aLength--; }
  while (bLength > 0 && load<u8>(b) == 0) { b++; bLength--; }
  if (aLength != bLength) return false;
  return memory.compare(a, b, aLength) == 0;
}
