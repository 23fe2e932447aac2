// A minimal, strict DER reader over [p, end) in linear memory: one element at a time,
// no allocation. derRead leaves the element it read in the globals below; every
// byte it touches is checked against `end` first, so malformed input yields a
// status, never a read past the buffer.
import { OK, E_DER_TRUNCATED, E_DER_TAG, E_DER_LENGTH, E_DER_INTEGER, E_DER_TRAILING } from "../status";

export const TAG_INTEGER: u32 = 0x02;
export const TAG_BIT_STRING: u32 = 0x03;
export const TAG_OCTET_STRING: u32 = 0x04;
export const TAG_NULL: u32 = 0x05;
export const TAG_OID: u32 = 0x06;
export const TAG_SEQUENCE: u32 = 0x30;
/** Context-specific constructed [0], e.g. an X.509 version. */
export const TAG_CONTEXT_0: u32 = 0xa0;

/** Where the last element read starts (its tag byte). */
export let derStart: usize = 0;
/** The tag byte of the last element read. */
export let derTag: u32 = 0;
/** Where its contents start and how long they are. */
export let derValue: usize = 0;
export let derLength: u32 = 0;
/** The first byte after it. */
export let derAfter: usize = 0;

/** Read one element at p (any single-byte tag). */
export function derReadAny(p: usize, end: usize): u32 {
  if (p >= end) return E_DER_TRUNCATED;
  derStart = p;
  derTag = <u32>load<u8>(p++);
  if ((derTag & 0x1f) == 0x1f) return E_DER_TAG; // multi-byte tags: not in the structures we read
  if (p >= end) return E_DER_TRUNCATED;
  let len = <u32>load<u8>(p++);
  if (len >= 0x80) {
    const count = len & 0x7f;
    if (count == 0 || count > 4) return E_DER_LENGTH; // indefinite, or beyond 4 GiB
    if (<usize>count > end - p) return E_DER_TRUNCATED;
    if (load<u8>(p) == 0) return E_DER_LENGTH; // not minimal
    len = 0;
    for (let i: u32 = 0; i < count; i++) len = (len << 8) | <u32>load<u8>(p++);
    if (len < 0x80) return E_DER_LENGTH; // short form was required
  }
  if (<usize>len > end - p) return E_DER_TRUNCATED;
  derValue = p;
  derLength = len;
  derAfter = p + len;
  return OK;
}

/** Read one element at p that must carry `tag`. */
export function derRead(p: usize, end: usize, tag: u32): u32 {
  const s = derReadAny(p, end);
  if (s != OK) return s;
  return derTag == tag ? OK : E_DER_TAG;
}

/** Read one element with `tag` that must fill [p, end) exactly. */
export function derReadWhole(p: usize, end: usize, tag: u32): u32 {
  const s = derRead(p, end, tag);
  if (s != OK) return s;
  return derAfter == end ? OK : E_DER_TRAILING;
}

/**
 * Read a non-negative, minimally encoded INTEGER; derValue/derLength then cover its
 * magnitude without the sign octet (a lone zero octet stays).
 */
export function derReadUnsigned(p: usize, end: usize): u32 {
  const s = derRead(p, end, TAG_INTEGER);
  if (s != OK) return s;
  if (derLength == 0) return E_DER_INTEGER;
  const first = load<u8>(derValue);
  if (first & 0x80) return E_DER_INTEGER; // negative
  if (first == 0 && derLength > 1) {
    if ((load<u8>(derValue + 1) & 0x80) == 0) return E_DER_INTEGER; // redundant zero octet
    derValue++;
    derLength--;
  }
  return OK;
}

/** True when [a, a+len) holds exactly the bytes at b (a constant's encoding). */
export function derBytesEqual(a: usize, len: u32, b: usize, bLen: u32): bool {
  if (len != bLen) return false;
  return memory.compare(a, b, len) == 0;
}
