// The streaming header reader on hand-laid headers, element by element: fields land in
// the table, a header split at every byte reads the same, and each defect has its code.
import { OK, E_MISSING_VERSION, E_ELEMENT_OVERRUNS_HEADER, E_CONTAINER_LENGTH, E_DUPLICATE_ELEMENT, E_VERSION, E_MISSING_SIGNATURE } from "../status";
import { headerStart, headerRead, headerComplete, headerConsumed } from "../signed/signedHeader";
import { signatureHashStart } from "../signed/signatureHash";
import { field, F_VERSION, F_HEADER_LENGTH, F_HASH_ALGORITHM, F_SIGNATURE_LENGTH, F_TIMESTAMP, F_UNKNOWN_TAGS, F_SERIAL_LENGTH, SERIAL } from "../signed/headerFields";

// 1.0 header: version, length 48, signer info {serial 01 02}, signature info {hash 1, {alg 0, size 0}},
// a 1-byte signature (bad length, but the reader only checks it at the end), timestamp, unknown tag 40, pad.
const GOOD: u8[] = [
  1, 0, 2, 1, 0,
  2, 0, 2, 0, 48,
  3, 0, 5, 5, 0, 2, 1, 2,
  7, 0, 15, 8, 0, 1, 1, 9, 0, 8, 10, 0, 1, 0, 11, 0, 1, 0,
  15, 0, 4, 0, 0, 1, 0,
  40, 0, 0,
  13, 13,
];

function read(bytes: u8[], chunk: i32): u32 {
  headerStart();
  signatureHashStart();
  const buf = memory.data(256, 8);
  for (let i = 0; i < bytes.length; i++) store<u8>(buf + i, bytes[i]);
  let at = 0;
  while (at < bytes.length && !headerComplete()) {
    const n = min(chunk, bytes.length - at);
    const s = headerRead(buf + at, n);
    if (s != OK) return s;
    at += headerConsumed();
  }
  return OK;
}

describe("signed header reader", () => {
  it("reads every field, whatever the split", () => {
    for (let chunk = 1; chunk <= GOOD.length; chunk++) {
      // No signature element: the reader reaches the end and names what is missing.
      expect<u32>(read(GOOD, chunk)).toBe(E_MISSING_SIGNATURE);
      expect<bool>(headerComplete()).toBe(true);
      expect<u32>(field(F_VERSION)).toBe(0x0100);
      expect<u32>(field(F_HEADER_LENGTH)).toBe(48);
      expect<u32>(field(F_HASH_ALGORITHM)).toBe(1);
      expect<u32>(field(F_TIMESTAMP)).toBe(0x100);
      expect<u32>(field(F_UNKNOWN_TAGS)).toBe(1);
      expect<u32>(field(F_SERIAL_LENGTH)).toBe(2);
      expect<u8>(load<u8>(SERIAL + 1)).toBe(2);
      expect<u32>(field(F_SIGNATURE_LENGTH)).toBe(0);
    }
  });

  it("names each defect", () => {
    const notFirst = GOOD.slice(5);
    expect<u32>(read(notFirst, 7)).toBe(E_MISSING_VERSION);
    const badVersion = GOOD.slice(0);
    badVersion[3] = 3;
    expect<u32>(read(badVersion, 7)).toBe(E_VERSION);
    const shortHeader = GOOD.slice(0);
    shortHeader[9] = 40; // ends inside the timestamp element
    expect<u32>(read(shortHeader, 7)).toBe(E_ELEMENT_OVERRUNS_HEADER);
    const shortContainer = GOOD.slice(0);
    shortContainer[12] = 4; // signer info one byte shorter than its serial element
    expect<u32>(read(shortContainer, 7)).toBe(E_CONTAINER_LENGTH);
    const dup = GOOD.slice(0);
    dup[21] = 10; // tag 8 → tag 10, which then appears twice
    expect<u32>(read(dup, 7)).toBe(E_DUPLICATE_ELEMENT);
  });
});
