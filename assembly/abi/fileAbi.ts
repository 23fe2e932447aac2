// Exports of the file engine and the trust store (assembly/abi/fileAbi.md is the contract).
// Everything is i32/u32: data travels through IN, OUT and the result registers.
import { OK, E_ARGUMENT, E_STATE, E_INDEX } from "../status";
import { OUT, setReg } from "../memoryMap";
import { engineBegin, engineFeed, engineFinish } from "../signed/fileEngine";
import { headerComplete } from "../signed/signedHeader";
import { F_COUNT, B_LAST, fieldTable, bytesPointer, bytesStored } from "../signed/headerFields";
import { BANK_PARSED, storeCount, storeSlot, storeClearInstalled } from "../signed/trustStore";
import {
  R_ROLE, R_KEY_TYPE, R_RECORD_LENGTH, R_KEY_LENGTH, R_SIGNATURE_LENGTH, R_CERTIFICATE_LENGTH,
  R_SUBJECT_LENGTH, R_ISSUER_LENGTH, R_SERIAL_LENGTH, R_CERT_SHA1, R_SERIAL, R_SUBJECT, R_ISSUER,
  R_KEY, RECORD_NAME_CAP, EC_POINT_CAP,
} from "../signed/trustRecord";
import { KEY_EC, KEY_RSA } from "../signed/engineModes";
import { rsaPublicModulusBytes } from "../rsa/rsaPublicKey";
import {
  RECORD_REG_ROLE, RECORD_REG_KEY_TYPE, RECORD_REG_RECORD_LENGTH, RECORD_REG_KEY_LENGTH, RECORD_REG_SIGNATURE_LENGTH,
  RECORD_REG_CERTIFICATE_LENGTH, RECORD_REG_SUBJECT_LENGTH, RECORD_REG_ISSUER_LENGTH, RECORD_REG_SERIAL_LENGTH,
  RECORD_REG_MODULUS_BYTES, RECORD_BYTES_SUBJECT, RECORD_BYTES_ISSUER, RECORD_BYTES_SERIAL, RECORD_BYTES_EC_POINT,
  RECORD_BYTES_LAST,
} from "./recordFields";

/** Start a session: mode 0 config, 1 trust-list install, 2 trust-list check, 3 inspect, 4 config signature only. */
export function file_begin(mode: u32): u32 {
  return engineBegin(mode);
}

/** Feed `len` bytes from IN. REG0 = events (1 header ready, 2 output), REG1 = output bytes at OUT. */
export function file_feed(len: u32): u32 {
  return engineFeed(len);
}

/** End of file: OK = verified (installed, parsed) or the rejection. REG0/REG1 as feed; REG2 inspect verdict; REG3/REG4 signer index/bank; REG5 records parsed. */
export function file_finish(): u32 {
  return engineFinish();
}

/** After "header ready": copy the header's number table into REG0…REG20 (see fileAbi.md). */
export function file_header_info(): u32 {
  if (!headerComplete()) return E_STATE;
  for (let i: u32 = 0; i < F_COUNT; i++) setReg(i, load<u32>(fieldTable() + (<usize>i << 2)));
  return OK;
}

/** After "header ready": copy byte string `selector` to OUT; REG0 = its stored length. */
export function file_header_bytes(selector: u32): u32 {
  if (selector > B_LAST) return E_ARGUMENT;
  if (!headerComplete()) return E_STATE;
  let n = bytesStored(selector);
  memory.copy(OUT, bytesPointer(selector), n);
  setReg(0, n);
  return OK;
}

/** Records in `bank` (0 installed, 1 the list parsed by the last session). */
export function file_record_count(bank: u32): u32 {
  return bank > BANK_PARSED ? 0 : storeCount(bank);
}

/** Numbers of record `index`: REG0 role, REG1 key type, REG2 record length, REG3/4/5 lengths of tags 7/8/9, REG6/7 full subject/issuer lengths, REG8 serial length, REG9 RSA modulus bytes. */
export function file_record_info(bank: u32, index: u32): u32 {
  if (bank > BANK_PARSED) return E_ARGUMENT;
  let slot = storeSlot(bank, index);
  if (slot == 0) return E_INDEX;
  setReg(RECORD_REG_ROLE, load<u32>(slot + R_ROLE));
  setReg(RECORD_REG_KEY_TYPE, load<u32>(slot + R_KEY_TYPE));
  setReg(RECORD_REG_RECORD_LENGTH, load<u32>(slot + R_RECORD_LENGTH));
  setReg(RECORD_REG_KEY_LENGTH, load<u32>(slot + R_KEY_LENGTH));
  setReg(RECORD_REG_SIGNATURE_LENGTH, load<u32>(slot + R_SIGNATURE_LENGTH));
  setReg(RECORD_REG_CERTIFICATE_LENGTH, load<u32>(slot + R_CERTIFICATE_LENGTH));
  setReg(RECORD_REG_SUBJECT_LENGTH, load<u32>(slot + R_SUBJECT_LENGTH));
  setReg(RECORD_REG_ISSUER_LENGTH, load<u32>(slot + R_ISSUER_LENGTH));
  setReg(RECORD_REG_SERIAL_LENGTH, load<u32>(slot + R_SERIAL_LENGTH));
  setReg(RECORD_REG_MODULUS_BYTES, load<u32>(slot + R_KEY_TYPE) == KEY_RSA ? rsaPublicModulusBytes(slot + R_KEY) : 0);
  return OK;
}

/** Copy a byte field of a record to OUT (0 subject, 1 issuer, 2 serial, 3 certificate SHA-1, 4 EC point); REG0 = length. */
export function file_record_bytes(bank: u32, index: u32, selector: u32): u32 {
  if (bank > BANK_PARSED || selector > RECORD_BYTES_LAST) return E_ARGUMENT;
  let slot = storeSlot(bank, index);
  if (slot == 0) return E_INDEX;
  let from: usize = slot + R_CERT_SHA1;
  let n: u32 = 20;
  if (selector == RECORD_BYTES_SUBJECT) { from = slot + R_SUBJECT; n = min(load<u32>(slot + R_SUBJECT_LENGTH), RECORD_NAME_CAP); }
  else if (selector == RECORD_BYTES_ISSUER) { from = slot + R_ISSUER; n = min(load<u32>(slot + R_ISSUER_LENGTH), RECORD_NAME_CAP); }
  else if (selector == RECORD_BYTES_SERIAL) { from = slot + R_SERIAL; n = load<u32>(slot + R_SERIAL_LENGTH); }
  else if (selector == RECORD_BYTES_EC_POINT) {
    from = slot + R_KEY;
    n = load<u32>(slot + R_KEY_TYPE) == KEY_EC ? min(load<u32>(slot + R_KEY_LENGTH), EC_POINT_CAP) : 0;
  }
  memory.copy(OUT, from, n);
  setReg(0, n);
  return OK;
}

/** Forget the installed trust list (factory reset). */
export function file_store_clear(): u32 {
  storeClearInstalled();
  return OK;
}
