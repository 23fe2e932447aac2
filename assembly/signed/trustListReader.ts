// Streaming reader for a trust list's body (formats.md §3): records arrive split
// at any byte; each is written straight into the next free slot of a store bank.
// Certificates are hashed (SHA-1) as they pass and never kept.
import { OK, E_RECORD, E_RECORD_INCOMPLETE, E_TOO_MANY_RECORDS } from "../status";
import { HASH_CTX_SIZE, HASH_SHA1, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";
import { rsaPublicFromDer } from "../rsa/rsaPublicKey";
import { KEY_NONE, KEY_RSA, KEY_EC, KEY_RSA_UNSUPPORTED } from "./engineModes";
import { storeAppendSlot } from "./trustStore";
import { TLV_TOKENIZER_SIZE, TLV_MORE, TLV_TAG, TLV_LENGTH, TLV_VALUE, tlvAt, tlvStart, tlvInput, tlvNext, tlvInsideElement, tlvCopyValue } from "./tlvTokenizer";
import {
  R_TAG_RECORD_LENGTH, R_TAG_SUBJECT, R_TAG_ROLE, R_TAG_ISSUER, R_TAG_SERIAL, R_TAG_PUBLIC_KEY, R_TAG_SIGNATURE,
  R_TAG_CERTIFICATE,
} from "./tags";
import {
  R_ROLE, R_KEY_TYPE, R_RECORD_LENGTH, R_KEY_LENGTH, R_SIGNATURE_LENGTH, R_CERTIFICATE_LENGTH,
  R_SUBJECT_LENGTH, R_ISSUER_LENGTH, R_SERIAL_LENGTH, R_SEEN, R_CERT_SHA1, R_SERIAL, R_SUBJECT,
  R_ISSUER, R_KEY, EC_POINT_CAP, RECORD_SIZE, RECORD_NAME_CAP, RECORD_SERIAL_CAP, KEY_STAGING_CAP,
} from "./trustRecord";

/** The public-key DER is staged here until complete, then parsed into the slot. */
const KEY_STAGING: usize = memory.data(<i32>KEY_STAGING_CAP, 8);
const CERT_SHA1_CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const TOKENS = tlvAt(memory.data(TLV_TOKENIZER_SIZE, 8));

let recordStart: u32 = 0; // body offset of the current record's first byte
let recordEnd: u32 = 0; // 0 = between records
let slot: usize = 0;
let bank: u32 = 0;

export function recordsStart(intoBank: u32): void {
  bank = intoBank;
  tlvStart(TOKENS);
  recordEnd = 0;
}

/** True when the body ended exactly at a record boundary. */
export function recordsAtBoundary(): bool {
  return recordEnd == 0 && !tlvInsideElement(TOKENS);
}

/** Read body bytes of a trust list into the bank. */
export function recordsRead(data: usize, len: u32): u32 {
  let t = TOKENS;
  let status: u32 = OK;
  tlvInput(t, data, len);
  while (status == OK) {
    let ev = tlvNext(t);
    if (ev == TLV_MORE) break;
    if (ev == TLV_TAG) status = startElement(t.tag);
    else if (ev == TLV_LENGTH) status = startValue(t.length);
    else if (ev == TLV_VALUE) captureValue();
    else status = endValue();
  }
  return status;
}

function startElement(b: u32): u32 {
  let pos = TOKENS.pos;
  if (recordEnd == 0) {
    // A record begins: its first element must be the record length.
    if (b != R_TAG_RECORD_LENGTH) return E_RECORD;
    recordStart = pos - 1;
  } else if (pos + 2 > recordEnd) return E_RECORD;
  return OK;
}

function startValue(len: u32): u32 {
  if (recordEnd == 0) return len != 2 ? E_RECORD : OK;
  if (TOKENS.pos + len > recordEnd) return E_RECORD;
  return beginField(TOKENS.tag, len); // the value follows (TLV_END at once when it is empty)
}

/** A record's element is starting: note its length, prepare its sink. */
function beginField(tag: u32, len: u32): u32 {
  store<u32>(slot + R_SEEN, load<u32>(slot + R_SEEN) | (tag < 32 ? <u32>1 << tag : 0));
  switch (tag) {
    case R_TAG_SUBJECT: store<u32>(slot + R_SUBJECT_LENGTH, len); break;
    case R_TAG_ISSUER: store<u32>(slot + R_ISSUER_LENGTH, len); break;
    case R_TAG_ROLE: if (len != 2) return E_RECORD; break;
    case R_TAG_SERIAL:
      if (len < 1 || len > RECORD_SERIAL_CAP) return E_RECORD;
      store<u32>(slot + R_SERIAL_LENGTH, len);
      break;
    case R_TAG_PUBLIC_KEY: store<u32>(slot + R_KEY_LENGTH, len); break;
    case R_TAG_SIGNATURE: store<u32>(slot + R_SIGNATURE_LENGTH, len); break;
    case R_TAG_CERTIFICATE:
      store<u32>(slot + R_CERTIFICATE_LENGTH, len);
      hashInit(CERT_SHA1_CTX, HASH_SHA1);
      break;
  }
  return OK;
}

/** Value bytes of a record's element (the record length and role are scalars the tokenizer keeps). */
function captureValue(): void {
  let t = TOKENS;
  if (recordEnd == 0) return;
  switch (t.tag) {
    case R_TAG_SUBJECT: tlvCopyValue(t, slot + R_SUBJECT, RECORD_NAME_CAP); break;
    case R_TAG_ISSUER: tlvCopyValue(t, slot + R_ISSUER, RECORD_NAME_CAP); break;
    case R_TAG_SERIAL: tlvCopyValue(t, slot + R_SERIAL, RECORD_SERIAL_CAP); break;
    case R_TAG_PUBLIC_KEY: tlvCopyValue(t, KEY_STAGING, KEY_STAGING_CAP); break;
    case R_TAG_CERTIFICATE: hashUpdate(CERT_SHA1_CTX, t.at, t.count); break;
  }
}

function endValue(): u32 {
  let t = TOKENS;
  if (recordEnd == 0) return openRecord(t.scalar);
  switch (t.tag) {
    case R_TAG_ROLE: store<u32>(slot + R_ROLE, t.scalar); break;
    case R_TAG_PUBLIC_KEY: parseKey(t.length); break;
    case R_TAG_CERTIFICATE: hashFinal(CERT_SHA1_CTX, slot + R_CERT_SHA1); break;
  }
  if (t.pos == recordEnd) return closeRecord();
  return OK;
}

/** The record-length element is read: claim a slot. */
function openRecord(length: u32): u32 {
  if (length < 5) return E_RECORD;
  slot = storeAppendSlot(bank);
  if (slot == 0) return E_TOO_MANY_RECORDS;
  memory.fill(slot, 0, RECORD_SIZE);
  recordEnd = recordStart + length;
  store<u32>(slot + R_RECORD_LENGTH, length);
  if (TOKENS.pos == recordEnd) return closeRecord();
  return OK;
}

/** Role, serial and key make a record usable; anything less is refused. */
function closeRecord(): u32 {
  recordEnd = 0;
  let seen = load<u32>(slot + R_SEEN);
  let needed: u32 = (1 << R_TAG_ROLE) | (1 << R_TAG_SERIAL) | (1 << R_TAG_PUBLIC_KEY);
  if ((seen & needed) != needed) return E_RECORD_INCOMPLETE;
  return OK;
}

/** RSA keys are PKCS#1 RSAPublicKey DER; EC keys an uncompressed point. */
function parseKey(len: u32): void {
  let first = len > 0 ? <u32>load<u8>(KEY_STAGING) : 0;
  let type = KEY_NONE;
  if (first == 0x30) {
    type = KEY_RSA_UNSUPPORTED;
    if (len <= KEY_STAGING_CAP && rsaPublicFromDer(slot + R_KEY, KEY_STAGING, len) == OK) type = KEY_RSA;
  } else if (first == 0x04 && len <= EC_POINT_CAP && (len & 1) == 1) {
    memory.copy(slot + R_KEY, KEY_STAGING, len);
    type = KEY_EC;
  }
  store<u32>(slot + R_KEY_TYPE, type);
}
