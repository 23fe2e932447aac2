// The shared tag/length/value tokenizer: the same events (tag, length, value bytes,
// end) whatever the chunk size, scalars read big-endian, empty values ended at once,
// single-byte elements and containers as the reader directs.
import {
  TLV_TOKENIZER_SIZE, TLV_MORE, TLV_TAG, TLV_LENGTH, TLV_VALUE, TLV_END, tlvAt, tlvStart, tlvInput, tlvNext,
  tlvNoLength, tlvEnter, tlvInsideElement, tlvCopyValue,
} from "../signed/tlvTokenizer";

// tag 1 len 2 = 0x0102 · tag 13 alone · tag 3 container len 5 { tag 5 len 2 = ab cd } · tag 9 len 0 · tag 4 len 6 "abcdef"
const STREAM: u8[] = [1, 0, 2, 1, 2, 13, 3, 0, 5, 5, 0, 2, 0xab, 0xcd, 9, 0, 0, 4, 0, 6, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];
const T = tlvAt(memory.data(TLV_TOKENIZER_SIZE, 8));
const CAPTURE = memory.data(8, 8);

/** Runs the stream in chunks; returns a trace: tag*1000 + length for tags and lengths, scalars at ends. */
function trace(chunk: i32): u32[] {
  const buf = memory.data(64, 8);
  for (let i = 0; i < STREAM.length; i++) store<u8>(buf + i, STREAM[i]);
  memory.fill(CAPTURE, 0, 8);
  const out: u32[] = [];
  tlvStart(T);
  for (let at = 0; at < STREAM.length; at += chunk) {
    tlvInput(T, buf + at, <u32>min(chunk, STREAM.length - at));
    for (let ev = tlvNext(T); ev != TLV_MORE; ev = tlvNext(T)) {
      if (ev == TLV_TAG) {
        out.push(T.tag * 1000);
        if (T.tag == 13) tlvNoLength(T);
      } else if (ev == TLV_LENGTH) {
        out.push(T.tag * 1000 + T.length);
        if (T.tag == 3) tlvEnter(T);
      } else if (ev == TLV_VALUE) {
        if (T.tag == 4) tlvCopyValue(T, CAPTURE, 4);
      } else if (ev == TLV_END) {
        out.push(T.scalar);
      }
    }
  }
  return out;
}

describe("tlv tokenizer", () => {
  it("gives the same events whatever the split", () => {
    const whole = trace(STREAM.length);
    const expected: u32[] = [1000, 1002, 0x0102, 13000, 3000, 3005, 5000, 5002, 0xabcd, 9000, 9000, 0, 4000, 4006, 0];
    expect<i32>(whole.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect<u32>(whole[i]).toBe(expected[i]);
    for (let chunk = 1; chunk < STREAM.length; chunk++) {
      const split = trace(chunk);
      expect<i32>(split.length).toBe(expected.length);
      for (let i = 0; i < expected.length; i++) expect<u32>(split[i]).toBe(expected[i]);
      expect<u32>(load<u32>(CAPTURE)).toBe(0x64636261); // "abcd": capped at 4 of 6 bytes
      expect<u8>(load<u8>(CAPTURE + 4)).toBe(0);
    }
  });

  it("knows when input stopped inside an element", () => {
    const buf = memory.data(4, 8);
    store<u8>(buf, 7);
    store<u8>(buf + 1, 0);
    tlvStart(T);
    tlvInput(T, buf, 2);
    expect<u32>(tlvNext(T)).toBe(TLV_TAG);
    expect<u32>(tlvNext(T)).toBe(TLV_MORE);
    expect<bool>(tlvInsideElement(T)).toBe(true);
    expect<u32>(T.pos).toBe(2);
  });
});
