// The tag/length/value state machine shared by the signed-header reader and the
// trust-list reader (formats.md: a 1-byte tag, a big-endian u16 length, the value).
// Input arrives in chunks split at any byte. Rather than calling back into its
// reader (which would need function pointers in the core), the tokenizer hands
// out one event at a time to a loop the reader drives:
//
//   tlvInput(t, data, len);
//   for (let ev = tlvNext(t); ev != TLV_MORE; ev = tlvNext(t)) { … }
//
// TLV_TAG     t.tag was read; the length follows, unless the reader calls
//             tlvNoLength (an element that is a single byte).
// TLV_LENGTH  t.length was read; the value follows, unless the reader calls
//             tlvEnter (the value is nested elements, so a tag follows).
// TLV_VALUE   t.count value bytes at t.at, starting t.offset bytes into the value;
//             a value split across chunks comes as several of these.
// TLV_END     the value is complete; t.scalar holds it big-endian when it is ≤ 4 bytes.
// TLV_MORE    the chunk is used up.
//
// A tokenizer lives in a static region its reader reserves (see TLV_TOKENIZER_SIZE).

export const TLV_MORE: u32 = 0;
export const TLV_TAG: u32 = 1;
export const TLV_LENGTH: u32 = 2;
export const TLV_VALUE: u32 = 3;
export const TLV_END: u32 = 4;

// Where the tokenizer is inside an element.
const AT_TAG: u32 = 0;
const AT_LENGTH_HIGH: u32 = 1;
const AT_LENGTH_LOW: u32 = 2;
const IN_VALUE: u32 = 3;

@unmanaged
export class TlvTokenizer {
  state: u32;
  tag: u32;
  length: u32;
  /** Value bytes handed out so far. */
  read: u32;
  scalar: u32;
  /** Bytes consumed since tlvStart (tag and length bytes included). */
  pos: u32;
  /** The current chunk and how much of it is consumed. */
  input: usize;
  inputLength: u32;
  taken: u32;
  /** TLV_VALUE: the bytes and their offset within the value. */
  at: usize;
  count: u32;
  offset: u32;
}

/** Bytes a reader reserves for one tokenizer: memory.data(TLV_TOKENIZER_SIZE, 8). */
export const TLV_TOKENIZER_SIZE: i32 = <i32>offsetof<TlvTokenizer>();

/** A tokenizer over the static region `at` (TLV_TOKENIZER_SIZE bytes). */
export function tlvAt(at: usize): TlvTokenizer {
  return changetype<TlvTokenizer>(at);
}

/** Start a stream: the next byte is a tag. */
export function tlvStart(t: TlvTokenizer): void {
  t.state = AT_TAG;
  t.pos = 0;
  t.inputLength = 0;
  t.taken = 0;
}

/** The next chunk of the stream. */
export function tlvInput(t: TlvTokenizer, data: usize, len: u32): void {
  t.input = data;
  t.inputLength = len;
  t.taken = 0;
}

/** After TLV_TAG: this element is its tag byte alone; the next byte is a tag. */
export function tlvNoLength(t: TlvTokenizer): void {
  t.state = AT_TAG;
}

/** After TLV_LENGTH: the value is a sequence of elements; the next byte is a tag. */
export function tlvEnter(t: TlvTokenizer): void {
  t.state = AT_TAG;
}

/** True when the stream stopped inside an element (its length or value). */
export function tlvInsideElement(t: TlvTokenizer): bool {
  return t.state != AT_TAG;
}

/** The next event (see the top of this file). */
export function tlvNext(t: TlvTokenizer): u32 {
  // A complete value ends before more input is needed: a zero-length value at the
  // end of a chunk is finished now, not on the next chunk.
  if (t.state == IN_VALUE && t.read == t.length) {
    t.state = AT_TAG;
    return TLV_END;
  }
  while (t.taken < t.inputLength) {
    let p = t.input + t.taken;
    if (t.state == IN_VALUE) return handOutValue(t, p);
    let b = <u32>load<u8>(p);
    t.taken++;
    t.pos++;
    if (t.state == AT_TAG) {
      t.tag = b;
      t.state = AT_LENGTH_HIGH;
      return TLV_TAG;
    }
    if (t.state == AT_LENGTH_HIGH) {
      t.length = b << 8;
      t.state = AT_LENGTH_LOW;
      continue;
    }
    t.length |= b;
    t.read = 0;
    t.scalar = 0;
    t.state = IN_VALUE;
    return TLV_LENGTH;
  }
  return TLV_MORE;
}

function handOutValue(t: TlvTokenizer, p: usize): u32 {
  let n = min(t.inputLength - t.taken, t.length - t.read);
  if (t.length <= 4) {
    let scalar = t.scalar;
    for (let k: u32 = 0; k < n; k++) scalar = (scalar << 8) | <u32>load<u8>(p + k);
    t.scalar = scalar;
  }
  t.at = p;
  t.count = n;
  t.offset = t.read;
  t.read += n;
  t.taken += n;
  t.pos += n;
  return TLV_VALUE;
}

/** After TLV_VALUE: copy the piece into the value's place at `dst`, keeping at most `cap` bytes of the value. */
export function tlvCopyValue(t: TlvTokenizer, dst: usize, cap: u32): void {
  if (t.offset < cap) memory.copy(dst + t.offset, t.at, min(t.count, cap - t.offset));
}
