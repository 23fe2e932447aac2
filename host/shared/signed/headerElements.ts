// The header's element encoding (formats.md §1): tag:u8 length:u16 value, strings NUL-terminated,
// containers whose value is their nested elements, and the one-byte padding element 13.

/** Header tags, by their formats.md names. */
export const Tag = {
  version: 1,
  headerLength: 2,
  signerInfo: 3,
  signerName: 4,
  serialNumber: 5,
  issuerName: 6,
  signatureInfo: 7,
  hashAlgorithm: 8,
  signatureAlgorithmInfo: 9,
  signatureAlgorithm: 10,
  modulusSize: 11,
  signature: 12,
  padding: 13,
  filename: 14,
  timestamp: 15,
  encryptionInfo: 16,
  ivInfo: 17,
  ivUnknown: 18,
  iv: 19,
  paddingCount: 20,
  keyInfo: 21,
  keyUnknown: 22,
  keySize: 23,
  keyAlgorithm: 24,
  encryptedKey: 25,
  contentHashAlgorithm: 26,
  contentHash: 27,
  signerVersion: 28,
} as const;

/** One element: tag, u16 length, value. */
export function element(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xffff) throw new Error(`header element ${tag}: value of ${value.length} bytes exceeds 65535`);
  const out = new Uint8Array(3 + value.length);
  out[0] = tag;
  out[1] = value.length >> 8;
  out[2] = value.length & 0xff;
  out.set(value, 3);
  return out;
}

/** A container element: its value is the nested elements, in order. */
export function container(tag: number, ...children: Uint8Array[]): Uint8Array {
  return element(tag, concatBytes(children));
}

/** A string element: UTF-8 bytes and one NUL, which the length counts. */
export function stringElement(tag: number, text: string): Uint8Array {
  return element(tag, concatBytes([new TextEncoder().encode(text), new Uint8Array([0])]));
}

export const u8 = (n: number): Uint8Array => new Uint8Array([n & 0xff]);
export const u16 = (n: number): Uint8Array => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
export const u32 = (n: number): Uint8Array => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
