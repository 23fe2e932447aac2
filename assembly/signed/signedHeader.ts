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
  TLV_TOKENIZER_SIZE, TLV_MORE, TLV_TAG, TLV_LENGTH, TLV_VALUE, tlvAt, tlvStart, tlvInput,
  tlvNext, tlvNoLength, tlvEnter, tlvInsideElement, tlvCopyValue,
} from "./tlvTokenizer";
import {
  T_VERSION, VERSION_SIGNED, VERSION_ENCRYPTED, VERSION_TRUST_LIST, T_HEADER_LENGTH, T_SIGNER_INFO, T_SIGNER_NAME, T_SERIAL, T_SIGNER_ISSUER, T_SIGNATURE_INFO,
  T_HASH_ALGORITHM, T_SIGNATURE_ALGORITHM_INFO, T_SIGNATURE_ALGORITHM, T_MODULUS_SIZE, T_SIGNATURE,
  T_PADDING_BYTE, T_FILENAME, T_TIMESTAMP, T_ENCRYPTION_INFO, T_IV_INFO, T_IV_UNKNOWN, T_IV, T_PADDING_COUNT,
  T_KEY_INFO, T_KEY_UNKNOWN, T_KEY_SIZE, T_KEY_ALGORITHM, T_WRAPPED_KEY, T_CONTENT_HASH_ALGORITHM,
  T_CONTENT_HASH, T_SIGNER_VERSION, T_LAST_KNOWN,
} from "./tags";
import {
  field, setField, sawTag, clearFields,
  F_VERSION, F_HEADER_LENGTH, F_HASH_ALGORITHM, F_SIGNATURE_LENGTH, F_MODULUS_INDEX, F_TIMESTAMP,
  F_SIGNER_VERSION, F_IV_LENGTH, F_PADDING, F_KEY_SIZE, F_KEY_ALGORITHM, F_WRAPPED_KEY_LENGTH,
  F_CONTENT_HASH_ALGORITHM, F_CONTENT_HASH_LENGTH, F_UNKNOWN_TAGS, F_SIGNER_NAME_LENGTH,
  F_SIGNER_ISSUER_LENGTH, F_SERIAL_LENGTH, F_FILENAME_LENGTH, F_SEEN, F_SIGNATURE_OFFSET,
  NAME_CAP, SERIAL_CAP, SIGNATURE_CAP, MAX_MODULUS_INDEX, IV_CAP, WRAPPED_KEY_CAP, CONTENT_HASH_CAP,
  SIGNER_NAME, SIGNER_ISSUER, SERIAL, FILENAME, SIGNATURE, IV, WRAPPED_KEY, CONTENT_HASH,
} from "./headerFields";

const MAX_DEPTH: u32 = 8;
/** End offsets of the open containers, innermost last. */
const CONTAINER_ENDS: usize = memory.data(MAX_DEPTH * 4, 4);
const TOKENS = tlvAt(memory.data(TLV_TOKENIZER_SIZE, 8));

let done: bool = true; // no session yet reads as an empty, complete header
let headerEnd: u32 = 0; // 0 until tag 2 is read (a valid value is ≥ 10)
let depth: u32 = 0;
let topLevelElements: u32 = 0;
let inSignature: bool = false;
let lastConsumed: u32 = 0;

export function headerStart(): void {
  clearFields();
  tlvStart(TOKENS);
  done = false;
  headerEnd = 0;
  depth = 0;
  topLevelElements = 0;
  inSignature = false;
  lastConsumed = 0;
}

/** True once the whole header has been read and validated. */
export function headerComplete(): bool {
  return done;
}

/** True when the input stopped inside an element (its length or value). */
export function headerInsideElement(): bool {
  return !done && tlvInsideElement(TOKENS);
}

/** Bytes the last headerRead took; the rest of that chunk belongs to the body. */
export function headerConsumed(): u32 {
  return lastConsumed;
}

/** Read header bytes from `data`; stops at the end of the header. */
export function headerRead(data: usize, len: u32): u32 {
  let t = TOKENS;
  let hashFrom: u32 = 0;
  let status: u32 = OK;
  tlvInput(t, data, len);
  while (status == OK && !done) {
    let ev = tlvNext(t);
    if (ev == TLV_MORE) break;
    if (ev == TLV_TAG) {
      if (t.tag == T_SIGNATURE) {
        // The signature element is not signed: hash up to its tag byte.
        signatureHashUpdate(data + hashFrom, t.taken - 1 - hashFrom);
        inSignature = true;
        setField(F_SIGNATURE_OFFSET, t.pos - 1);
      }
      status = startElement(t.tag);
    } else if (ev == TLV_LENGTH) {
      status = startValue(t.length);
    } else if (ev == TLV_VALUE) {
      captureValue();
    } else {
      if (t.tag == T_SIGNATURE) {
        inSignature = false;
        hashFrom = t.taken;
      }
      status = endValue();
      if (status == OK) status = closeContainers();
    }
  }
  if (!inSignature) signatureHashUpdate(data + hashFrom, t.taken - hashFrom);
  lastConsumed = t.taken;
  return status;
}

/** End of the innermost open container, or of the header when none is open. */
function enclosingEnd(): u32 {
  if (depth > 0) return load<u32>(CONTAINER_ENDS + (<usize>(depth - 1) << 2));
  return headerEnd;
}

/** The tag byte (already counted in TOKENS.pos). */
function startElement(b: u32): u32 {
  let pos = TOKENS.pos;
  if (depth == 0) {
    if (topLevelElements == 0 && b != T_VERSION) return E_MISSING_VERSION;
    if (topLevelElements == 1 && b != T_HEADER_LENGTH) return E_MISSING_HEADER_LENGTH;
    topLevelElements++;
  }
  let end = enclosingEnd();
  if (b == T_PADDING_BYTE) {
    // A single byte with no length field.
    if (end != 0 && pos > end) return overrun();
    tlvNoLength(TOKENS);
    return closeContainers();
  }
  if (end != 0 && pos + 2 > end) return overrun();
  return OK;
}

/** The length is known: check it against the tag and the enclosing bounds. */
function startValue(len: u32): u32 {
  let tag = TOKENS.tag;
  let pos = TOKENS.pos;
  let end = enclosingEnd();
  if (end != 0 && pos + len > end) return overrun();
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
    tlvEnter(TOKENS);
    return closeContainers();
  }
  return OK; // the value follows (TLV_END at once when it is empty)
}

/** An element that does not fit what encloses it. */
function overrun(): u32 {
  return depth > 0 ? E_CONTAINER_LENGTH : E_ELEMENT_OVERRUNS_HEADER;
}

function isContainer(t: u32): bool {
  return t == T_SIGNER_INFO || t == T_SIGNATURE_INFO || t == T_SIGNATURE_ALGORITHM_INFO
    || t == T_ENCRYPTION_INFO || t == T_IV_INFO || t == T_KEY_INFO;
}

/** Lengths each known tag allows (strings and unknown tags: any). */
function lengthAllowed(t: u32, len: u32): bool {
  switch (t) {
    case T_VERSION: case T_HEADER_LENGTH: case T_PADDING_COUNT: case T_KEY_SIZE: case T_SIGNER_VERSION:
      return len == 2;
    case T_HASH_ALGORITHM: case T_SIGNATURE_ALGORITHM: case T_MODULUS_SIZE: case T_IV_UNKNOWN: case T_KEY_UNKNOWN:
    case T_KEY_ALGORITHM: case T_CONTENT_HASH_ALGORITHM:
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

/** Value bytes of a captured string (scalars are kept by the tokenizer). */
function captureValue(): void {
  let target = captureTarget(TOKENS.tag);
  if (target != 0) tlvCopyValue(TOKENS, target, captureCap(TOKENS.tag));
}

/** A value is complete: store scalars and check what can be checked now. */
function endValue(): u32 {
  let scalar = TOKENS.scalar;
  switch (TOKENS.tag) {
    case T_VERSION:
      if (scalar != VERSION_SIGNED && scalar != VERSION_ENCRYPTED && scalar != VERSION_TRUST_LIST) return E_VERSION;
      setField(F_VERSION, scalar);
      break;
    case T_HEADER_LENGTH:
      if (scalar < TOKENS.pos) return E_HEADER_LENGTH;
      headerEnd = scalar;
      setField(F_HEADER_LENGTH, scalar);
      break;
    case T_HASH_ALGORITHM:
      if (scalar < 1 || scalar > 3) return E_HEADER_HASH_ALGORITHM;
      setField(F_HASH_ALGORITHM, scalar);
      break;
    case T_MODULUS_SIZE:
      if (scalar > MAX_MODULUS_INDEX) return E_SIGNATURE_LENGTH;
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
  let pos = TOKENS.pos;
  while (depth > 0 && pos == load<u32>(CONTAINER_ENDS + (<usize>(depth - 1) << 2))) depth--;
  if (depth == 0 && headerEnd != 0 && pos == headerEnd) {
    done = true;
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
  if (field(F_VERSION) == VERSION_ENCRYPTED) return validateEncryption();
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
