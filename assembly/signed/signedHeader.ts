// Streaming reader for the signed-file header (formats.md §1–§2), shared by .sgn,
// .enc.sgn and .tlv. Bytes arrive in chunks of any size; the reader keeps only a
// few counters and the captured fields (headerFields.ts), so a header split at any
// byte reads the same. Every byte it consumes, except the signature element
// (tag 12: tag, length and value), goes to the signature hash as it arrives.
import {
  OK, E_ELEMENT_OVERRUNS_HEADER, E_CONTAINER_LENGTH, E_MISSING_VERSION, E_MISSING_HEADER_LENGTH,
  E_MISSING_SIGNATURE, E_MISSING_HASH_ALGORITHM, E_MISSING_SERIAL, E_VERSION, E_HEADER_LENGTH,
  E_HEADER_HASH_ALGORITHM, E_SIGNATURE_LENGTH, E_ELEMENT_LENGTH, E_DUPLICATE_ELEMENT,
  E_MISSING_ENCRYPTION, E_PADDING, E_KEY_ALGORITHM,
} from "../status";
import { hashDigestLength } from "../hash/hashContext";
import { signatureHashUpdate } from "./signatureHash";
import {
  field, setField, sawTag, clearFields,
  F_VERSION, F_HEADER_LENGTH, F_HASH_ALGORITHM, F_SIGNATURE_LENGTH, F_MODULUS_INDEX, F_TIMESTAMP,
  F_SIGNER_VERSION, F_IV_LENGTH, F_PADDING, F_KEY_SIZE, F_KEY_ALGORITHM, F_WRAPPED_KEY_LENGTH,
  F_CONTENT_HASH_ALGORITHM, F_CONTENT_HASH_LENGTH, F_UNKNOWN_TAGS, F_SIGNER_NAME_LENGTH,
  F_SIGNER_ISSUER_LENGTH, F_SERIAL_LENGTH, F_FILENAME_LENGTH, F_SEEN, F_SIGNATURE_OFFSET,
  NAME_CAP, SERIAL_CAP, SIGNATURE_CAP, IV_CAP, WRAPPED_KEY_CAP, CONTENT_HASH_CAP,
  SIGNER_NAME, SIGNER_ISSUER, SERIAL, FILENAME, SIGNATURE, IV, WRAPPED_KEY, CONTENT_HASH,
} from "./headerFields";

// Header tags (formats.md §1, §2).
const T_VERSION: u32 = 1;
const T_HEADER_LENGTH: u32 = 2;
const T_SIGNER_NAME: u32 = 4;
const T_SERIAL: u32 = 5;
const T_SIGNER_ISSUER: u32 = 6;
const T_HASH_ALGORITHM: u32 = 8;
const T_MODULUS_SIZE: u32 = 11;
const T_SIGNATURE: u32 = 12;
const T_PADDING_BYTE: u32 = 13;
const T_FILENAME: u32 = 14;
const T_TIMESTAMP: u32 = 15;
const T_IV: u32 = 19;
const T_PADDING_COUNT: u32 = 20;
const T_KEY_SIZE: u32 = 23;
const T_KEY_ALGORITHM: u32 = 24;
const T_WRAPPED_KEY: u32 = 25;
const T_CONTENT_HASH_ALGORITHM: u32 = 26;
const T_CONTENT_HASH: u32 = 27;
const T_SIGNER_VERSION: u32 = 28;
const T_LAST_KNOWN: u32 = 28;

// Where the reader is inside an element.
const ST_TAG: u32 = 0;
const ST_LENGTH_HIGH: u32 = 1;
const ST_LENGTH_LOW: u32 = 2;
const ST_VALUE: u32 = 3;
const ST_DONE: u32 = 4;

const MAX_DEPTH: u32 = 8;
/** End offsets of the open containers, innermost last. */
const CONTAINER_ENDS: usize = memory.data(MAX_DEPTH * 4, 4);

let state: u32 = ST_DONE;
let pos: u32 = 0; // header bytes consumed so far
let headerEnd: u32 = 0; // 0 until tag 2 is read (a valid value is ≥ 10)
let depth: u32 = 0;
let topLevelElements: u32 = 0;
let tag: u32 = 0;
let valueLength: u32 = 0;
let valueRead: u32 = 0;
let scalar: u32 = 0;
let inSignature: bool = false;
let lastConsumed: u32 = 0;

export function headerStart(): void {
  clearFields();
  state = ST_TAG;
  pos = 0;
  headerEnd = 0;
  depth = 0;
  topLevelElements = 0;
  inSignature = false;
  lastConsumed = 0;
}

/** True once the whole header has been read and validated. */
export function headerComplete(): bool {
  return state == ST_DONE;
}

/** True when the input stopped inside an element (its length or value). */
export function headerInsideElement(): bool {
  return state == ST_LENGTH_HIGH || state == ST_LENGTH_LOW || state == ST_VALUE;
}

/** Bytes the last headerRead took; the rest of that chunk belongs to the body. */
export function headerConsumed(): u32 {
  return lastConsumed;
}

/** Read header bytes from `data`; stops at the end of the header. */
export function headerRead(data: usize, len: u32): u32 {
  let i: u32 = 0;
  let hashFrom: u32 = 0;
  let status: u32 = OK;
  while (i < len && state != ST_DONE && status == OK) {
    if (state == ST_VALUE) {
      let n = min(len - i, valueLength - valueRead);
      captureValue(data + i, n);
      i += n;
      pos += n;
      valueRead += n;
      if (valueRead == valueLength) {
        if (tag == T_SIGNATURE) {
          inSignature = false;
          hashFrom = i;
        }
        status = endValue();
        if (status == OK) status = closeContainers();
      }
      continue;
    }
    let b = <u32>load<u8>(data + i);
    if (state == ST_TAG && b == T_SIGNATURE) {
      signatureHashUpdate(data + hashFrom, i - hashFrom);
      inSignature = true;
      setField(F_SIGNATURE_OFFSET, pos);
    }
    i++;
    pos++;
    if (state == ST_TAG) status = startElement(b);
    else if (state == ST_LENGTH_HIGH) {
      valueLength = b << 8;
      state = ST_LENGTH_LOW;
    } else status = startValue(valueLength | b);
  }
  if (!inSignature) signatureHashUpdate(data + hashFrom, i - hashFrom);
  lastConsumed = i;
  return status;
}

/** End of the innermost open container, or of the header when none is open. */
function enclosingEnd(): u32 {
  if (depth > 0) return load<u32>(CONTAINER_ENDS + (<usize>(depth - 1) << 2));
  return headerEnd;
}

/** The tag byte (already counted in pos). */
function startElement(b: u32): u32 {
  if (depth == 0) {
    if (topLevelElements == 0 && b != T_VERSION) return E_MISSING_VERSION;
    if (topLevelElements == 1 && b != T_HEADER_LENGTH) return E_MISSING_HEADER_LENGTH;
    topLevelElements++;
  }
  tag = b;
  let end = enclosingEnd();
  if (b == T_PADDING_BYTE) {
    // A single byte with no length field.
    if (end != 0 && pos > end) return depth > 0 ? E_CONTAINER_LENGTH : E_ELEMENT_OVERRUNS_HEADER;
    return closeContainers();
  }
  if (end != 0 && pos + 2 > end) return depth > 0 ? E_CONTAINER_LENGTH : E_ELEMENT_OVERRUNS_HEADER;
  state = ST_LENGTH_HIGH;
  return OK;
}

/** The length is known: check it against the tag and the enclosing bounds. */
function startValue(len: u32): u32 {
  valueLength = len;
  valueRead = 0;
  scalar = 0;
  let end = enclosingEnd();
  if (end != 0 && pos + len > end) return depth > 0 ? E_CONTAINER_LENGTH : E_ELEMENT_OVERRUNS_HEADER;
  if (!lengthAllowed(tag, len)) return E_ELEMENT_LENGTH;
  if (tag >= 1 && tag <= T_LAST_KNOWN) {
    if (sawTag(tag)) return E_DUPLICATE_ELEMENT;
    setField(F_SEEN, field(F_SEEN) | (1 << tag));
  } else {
    setField(F_UNKNOWN_TAGS, field(F_UNKNOWN_TAGS) + 1);
  }
  recordLength(tag, len);
  if (isContainer(tag)) {
    if (depth == MAX_DEPTH) return E_CONTAINER_LENGTH;
    store<u32>(CONTAINER_ENDS + (<usize>depth << 2), pos + len);
    depth++;
    state = ST_TAG;
    return closeContainers();
  }
  state = ST_VALUE;
  if (len == 0) {
    let s = endValue();
    return s != OK ? s : closeContainers();
  }
  return OK;
}

function isContainer(t: u32): bool {
  return t == 3 || t == 7 || t == 9 || t == 16 || t == 17 || t == 21;
}

/** Lengths each known tag allows (strings and unknown tags: any). */
function lengthAllowed(t: u32, len: u32): bool {
  switch (t) {
    case T_VERSION: case T_HEADER_LENGTH: case T_PADDING_COUNT: case T_KEY_SIZE: case T_SIGNER_VERSION:
      return len == 2;
    case T_HASH_ALGORITHM: case 10: case T_MODULUS_SIZE: case 18: case 22: case T_KEY_ALGORITHM: case T_CONTENT_HASH_ALGORITHM:
      return len == 1;
    case T_TIMESTAMP: return len == 4;
    case T_IV: return len == IV_CAP;
    case T_SERIAL: return len >= 1 && len <= SERIAL_CAP;
    case T_SIGNATURE: return len >= 1 && len <= SIGNATURE_CAP;
    case T_WRAPPED_KEY: return len >= 1 && len <= WRAPPED_KEY_CAP;
    case T_CONTENT_HASH: return len >= 1 && len <= CONTENT_HASH_CAP;
  }
  return true;
}

function recordLength(t: u32, len: u32): void {
  switch (t) {
    case T_SIGNER_NAME: setField(F_SIGNER_NAME_LENGTH, len); break;
    case T_SIGNER_ISSUER: setField(F_SIGNER_ISSUER_LENGTH, len); break;
    case T_SERIAL: setField(F_SERIAL_LENGTH, len); break;
    case T_FILENAME: setField(F_FILENAME_LENGTH, len); break;
    case T_SIGNATURE: setField(F_SIGNATURE_LENGTH, len); break;
    case T_IV: setField(F_IV_LENGTH, len); break;
    case T_WRAPPED_KEY: setField(F_WRAPPED_KEY_LENGTH, len); break;
    case T_CONTENT_HASH: setField(F_CONTENT_HASH_LENGTH, len); break;
  }
}

/** Where a tag's value is captured and how much of it fits (0 = not captured). */
function captureTarget(t: u32): usize {
  switch (t) {
    case T_SIGNER_NAME: return SIGNER_NAME;
    case T_SIGNER_ISSUER: return SIGNER_ISSUER;
    case T_SERIAL: return SERIAL;
    case T_FILENAME: return FILENAME;
    case T_SIGNATURE: return SIGNATURE;
    case T_IV: return IV;
    case T_WRAPPED_KEY: return WRAPPED_KEY;
    case T_CONTENT_HASH: return CONTENT_HASH;
  }
  return 0;
}

function captureCap(t: u32): u32 {
  if (t == T_SIGNER_NAME || t == T_SIGNER_ISSUER || t == T_FILENAME) return NAME_CAP;
  return 0xFFFFFFFF; // the others were bounded by lengthAllowed
}

/** `n` value bytes at `src`, starting at offset valueRead within the value. */
function captureValue(src: usize, n: u32): void {
  let target = captureTarget(tag);
  if (target != 0) {
    let cap = captureCap(tag);
    if (valueRead < cap) memory.copy(target + valueRead, src, min(n, cap - valueRead));
    return;
  }
  if (valueLength <= 4) {
    for (let k: u32 = 0; k < n; k++) scalar = (scalar << 8) | <u32>load<u8>(src + k);
  }
}

/** A value is complete: store scalars and check what can be checked now. */
function endValue(): u32 {
  state = ST_TAG;
  switch (tag) {
    case T_VERSION:
      if (scalar != 0x0100 && scalar != 0x0200 && scalar != 0x0102) return E_VERSION;
      setField(F_VERSION, scalar);
      break;
    case T_HEADER_LENGTH:
      if (scalar < pos) return E_HEADER_LENGTH;
      headerEnd = scalar;
      setField(F_HEADER_LENGTH, scalar);
      break;
    case T_HASH_ALGORITHM:
      if (scalar < 1 || scalar > 3) return E_HEADER_HASH_ALGORITHM;
      setField(F_HASH_ALGORITHM, scalar);
      break;
    case T_MODULUS_SIZE:
      if (scalar > 3) return E_SIGNATURE_LENGTH;
      setField(F_MODULUS_INDEX, scalar);
      break;
    case T_TIMESTAMP: setField(F_TIMESTAMP, scalar); break;
    case T_PADDING_COUNT: setField(F_PADDING, scalar); break;
    case T_KEY_SIZE: setField(F_KEY_SIZE, scalar); break;
    case T_KEY_ALGORITHM: setField(F_KEY_ALGORITHM, scalar); break;
    case T_CONTENT_HASH_ALGORITHM: setField(F_CONTENT_HASH_ALGORITHM, scalar); break;
    case T_SIGNER_VERSION: setField(F_SIGNER_VERSION, scalar); break;
  }
  return OK;
}

/** Pop every container that ends here; at the header's end, validate it. */
function closeContainers(): u32 {
  while (depth > 0 && pos == load<u32>(CONTAINER_ENDS + (<usize>(depth - 1) << 2))) depth--;
  if (depth == 0 && headerEnd != 0 && pos == headerEnd) {
    state = ST_DONE;
    return validateHeader();
  }
  return OK;
}

/** Everything a complete header must hold. */
function validateHeader(): u32 {
  if (!sawTag(T_SIGNATURE)) return E_MISSING_SIGNATURE;
  if (!sawTag(T_HASH_ALGORITHM)) return E_MISSING_HASH_ALGORITHM;
  if (!sawTag(T_SERIAL)) return E_MISSING_SERIAL;
  if (!sawTag(T_MODULUS_SIZE) || field(F_SIGNATURE_LENGTH) != (<u32>64 << field(F_MODULUS_INDEX))) return E_SIGNATURE_LENGTH;
  if (field(F_VERSION) == 0x0200) return validateEncryption();
  return OK;
}

function validateEncryption(): u32 {
  if (!sawTag(T_IV) || !sawTag(T_PADDING_COUNT) || !sawTag(T_KEY_ALGORITHM) || !sawTag(T_WRAPPED_KEY)
    || !sawTag(T_CONTENT_HASH_ALGORITHM) || !sawTag(T_CONTENT_HASH)) return E_MISSING_ENCRYPTION;
  if (field(F_KEY_ALGORITHM) != 1) return E_KEY_ALGORITHM;
  let padding = field(F_PADDING);
  if (padding < 1 || padding > 16) return E_PADDING;
  let alg = field(F_CONTENT_HASH_ALGORITHM);
  if (alg < 1 || alg > 3) return E_HEADER_HASH_ALGORITHM;
  if (field(F_CONTENT_HASH_LENGTH) != hashDigestLength(alg)) return E_ELEMENT_LENGTH;
  return OK;
}
