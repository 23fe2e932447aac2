// Streaming reader for a trust list's body (formats.md §3): records arrive split
// at any byte; each is written straight into the next free slot of a store bank.
// Certificates are hashed (SHA-1) as they pass and never kept.
import { OK, E_RECORD, E_RECORD_INCOMPLETE, E_TOO_MANY_RECORDS } from "../status";
import { HASH_CTX_SIZE, HASH_SHA1, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";
import { rsaPublicFromDer } from "../rsa/rsaPublicKey";
import { KEY_NONE, KEY_RSA, KEY_EC, KEY_RSA_UNSUPPORTED } from "./engineModes";
import { storeAppendSlot } from "./trustStore";
import {
  R_ROLE, R_KEY_TYPE, R_RECORD_LENGTH, R_KEY_LENGTH, R_SIGNATURE_LENGTH, R_CERTIFICATE_LENGTH,
  R_SUBJECT_LENGTH, R_ISSUER_LENGTH, R_SERIAL_LENGTH, R_SEEN, R_CERT_SHA1, R_SERIAL, R_SUBJECT,
  R_ISSUER, R_KEY, EC_POINT_CAP, RECORD_SIZE, RECORD_NAME_CAP, RECORD_SERIAL_CAP,
} from "./trustRecord";

// Record tags.
const T_RECORD_LENGTH: u32 = 1;
const T_SUBJECT: u32 = 3;
const T_ROLE: u32 = 4;
const T_ISSUER: u32 = 5;
const T_SERIAL: u32 = 6;
const T_PUBLIC_KEY: u32 = 7;
const T_SIGNATURE: u32 = 8;
const T_CERTIFICATE: u32 = 9;

/** The public-key DER is staged here until complete, then parsed into the slot. */
const KEY_STAGING_CAP: u32 = 544;
const KEY_STAGING: usize = memory.data(544, 8);
const CERT_SHA1_CTX: usize = memory.data(HASH_CTX_SIZE, 8);

const ST_TAG: u32 = 0;
const ST_LENGTH_HIGH: u32 = 1;
const ST_LENGTH_LOW: u32 = 2;
const ST_VALUE: u32 = 3;

let state: u32 = ST_TAG;
let recordStart: u32 = 0; // body offset of the current record's first byte
let recordEnd: u32 = 0; // 0 = between records
let pos: u32 = 0; // body bytes consumed
let tag: u32 = 0;
let valueLength: u32 = 0;
let valueRead: u32 = 0;
let scalar: u32 = 0;
let slot: usize = 0;
let bank: u32 = 0;

export function recordsStart(intoBank: u32): void {
  bank = intoBank;
  state = ST_TAG;
  recordEnd = 0;
  pos = 0;
}

/** True when the body ended exactly at a record boundary. */
export function recordsAtBoundary(): bool {
  return recordEnd == 0 && state == ST_TAG;
}

/** Read body bytes of a trust list into the bank. */
export function recordsRead(data: usize, len: u32): u32 {
  let i: u32 = 0;
  let status: u32 = OK;
  while (i < len && status == OK) {
    if (state == ST_VALUE) {
      let n = min(len - i, valueLength - valueRead);
      captureValue(data + i, n);
      i += n;
      pos += n;
      valueRead += n;
      if (valueRead == valueLength) status = endValue();
      continue;
    }
    let b = <u32>load<u8>(data + i);
    i++;
    pos++;
    if (state == ST_TAG) status = startElement(b);
    else if (state == ST_LENGTH_HIGH) {
      valueLength = b << 8;
      state = ST_LENGTH_LOW;
    } else status = startValue(valueLength | b);
  }
  return status;
}

function startElement(b: u32): u32 {
  if (recordEnd == 0) {
    // A record begins: its first element must be the record length.
    if (b != T_RECORD_LENGTH) return E_RECORD;
    recordStart = pos - 1;
  } else if (pos + 2 > recordEnd) return E_RECORD;
  tag = b;
  state = ST_LENGTH_HIGH;
  return OK;
}

function startValue(len: u32): u32 {
  valueLength = len;
  valueRead = 0;
  scalar = 0;
  if (recordEnd == 0) {
    if (len != 2) return E_RECORD;
  } else {
    if (pos + len > recordEnd) return E_RECORD;
    let s = beginField(len);
    if (s != OK) return s;
  }
  state = ST_VALUE;
  return len == 0 ? endValue() : OK;
}

/** A record's element is starting: note its length, prepare its sink. */
function beginField(len: u32): u32 {
  store<u32>(slot + R_SEEN, load<u32>(slot + R_SEEN) | (tag < 32 ? <u32>1 << tag : 0));
  switch (tag) {
    case T_SUBJECT: store<u32>(slot + R_SUBJECT_LENGTH, len); break;
    case T_ISSUER: store<u32>(slot + R_ISSUER_LENGTH, len); break;
    case T_ROLE: if (len != 2) return E_RECORD; break;
    case T_SERIAL:
      if (len < 1 || len > RECORD_SERIAL_CAP) return E_RECORD;
      store<u32>(slot + R_SERIAL_LENGTH, len);
      break;
    case T_PUBLIC_KEY: store<u32>(slot + R_KEY_LENGTH, len); break;
    case T_SIGNATURE: store<u32>(slot + R_SIGNATURE_LENGTH, len); break;
    case T_CERTIFICATE:
      store<u32>(slot + R_CERTIFICATE_LENGTH, len);
      hashInit(CERT_SHA1_CTX, HASH_SHA1);
      break;
  }
  return OK;
}

function captureValue(src: usize, n: u32): void {
  if (recordEnd == 0 || tag == T_ROLE) {
    for (let k: u32 = 0; k < n; k++) scalar = (scalar << 8) | <u32>load<u8>(src + k);
    return;
  }
  switch (tag) {
    case T_SUBJECT: copyCapped(slot + R_SUBJECT, RECORD_NAME_CAP, src, n); break;
    case T_ISSUER: copyCapped(slot + R_ISSUER, RECORD_NAME_CAP, src, n); break;
    case T_SERIAL: copyCapped(slot + R_SERIAL, RECORD_SERIAL_CAP, src, n); break;
    case T_PUBLIC_KEY: copyCapped(KEY_STAGING, KEY_STAGING_CAP, src, n); break;
    case T_CERTIFICATE: hashUpdate(CERT_SHA1_CTX, src, n); break;
  }
}

function copyCapped(dst: usize, cap: u32, src: usize, n: u32): void {
  if (valueRead < cap) memory.copy(dst + valueRead, src, min(n, cap - valueRead));
}

function endValue(): u32 {
  state = ST_TAG;
  if (recordEnd == 0) return openRecord(scalar);
  switch (tag) {
    case T_ROLE: store<u32>(slot + R_ROLE, scalar); break;
    case T_PUBLIC_KEY: parseKey(valueLength); break;
    case T_CERTIFICATE: hashFinal(CERT_SHA1_CTX, slot + R_CERT_SHA1); break;
  }
  if (pos == recordEnd) return closeRecord();
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
  if (pos == recordEnd) return closeRecord();
  return OK;
}

/** Role, serial and key make a record usable; anything less is refused. */
function closeRecord(): u32 {
  recordEnd = 0;
  let seen = load<u32>(slot + R_SEEN);
  let needed: u32 = (1 << T_ROLE) | (1 << T_SERIAL) | (1 << T_PUBLIC_KEY);
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
