// The CAPF vocabulary of capf.md: command numbers, element tags, reasons and the codes carried
// inside elements, with the encodings of the element values both sides build and read.
import { CURVES, type Curve, NODE_CURVE_NAME } from "../capfVocabulary.js";

/** Command numbers (capf.md, "Commands"). */
export const CapfCommand = {
  authRequest: 1,
  authResponse: 2,
  keyGenRequest: 3,
  keyGenResponse: 4,
  storeCertRequest: 9,
  storeCertResponse: 10,
  fetchCertRequest: 11,
  fetchCertResponse: 12,
  deleteCertRequest: 13,
  deleteCertResponse: 14,
  endSession: 15,
  retryLater: 16,
  requestInProgress: 17,
} as const;

/** Element tags (capf.md, "Elements"). */
export const CapfTag = {
  reason: 1,
  reasonInfo: 2,
  certificateType: 3,
  certificate: 4,
  certificateId: 5,
  signedData: 6,
  version: 7,
  authType: 8,
  publicKey: 9,
  keySize: 10,
  password: 11,
  retryDelay: 12,
  deviceName: 13,
  sudiData: 16,
  keyType: 17,
  curve: 18,
  digestType: 19,
  sha2SignedData: 20,
} as const;

/** Every tag the codec accepts; anything else is refused when a message is read. */
export const knownCapfTags: ReadonlySet<number> = new Set(Object.values(CapfTag));

/** Values of the reason element (tag 1). */
export const CapfReason = {
  noAction: 0,
  updateCertificate: 1,
  invalidElement: 7,
  unknownDevice: 9,
} as const;

/** The protocol version both sides speak (element 7). */
export const CAPF_VERSION = 3;

/** Values of the auth type element (tag 8). The server always sends `none` (capf.md). */
export const CapfAuthType = { none: 0, password: 1, noPassword: 2, lsc: 3, mic: 4 } as const;

/** Values of the certificate type element (tag 3) and of the certificate element's inner header. */
export const CapfCertificateType = { lsc: 1, mic: 2 } as const;

/** Values of the key type element (tag 17). */
export const CapfKeyType = { rsa: 0, ec: 1 } as const;

/** The curves of element 18, in code order, by their SEC names (host/shared/capfVocabulary.ts). */
export const capfCurves = CURVES;
export type CapfCurve = Curve;

/** node:crypto's name for each curve (its OpenSSL name). */
export const nodeCurveName = NODE_CURVE_NAME;

/** The SHA-2 signed data (tag 20) hash algorithm code for SHA-512, the one in use. */
export const SHA2_ALGORITHM_SHA512 = 3;

/** An element value is malformed: the message says which element and why. */
export class CapfElementError extends Error {}

/** One byte. */
export function u8Value(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}

/** A big-endian u16. */
export function u16Value(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

/** Read a one-byte element value. */
export function readU8Value(value: Buffer, what: string): number {
  if (value.length !== 1) throw new CapfElementError(`${what}: expected 1 byte, got ${value.length}`);
  return value[0];
}

/** Read a big-endian u16 element value. */
export function readU16Value(value: Buffer, what: string): number {
  if (value.length !== 2) throw new CapfElementError(`${what}: expected 2 bytes, got ${value.length}`);
  return value.readUInt16BE(0);
}

/** A NUL-terminated string (device name, password): the phone always ends them with 0x00. */
export function stringValue(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, "latin1"), Buffer.from([0])]);
}

/** Read a string element, dropping the terminating NUL (and anything a sloppy peer put after it). */
export function readStringValue(value: Buffer): string {
  const nul = value.indexOf(0);
  return value.subarray(0, nul < 0 ? value.length : nul).toString("latin1");
}

/** Certificate element (tag 4): `u8 1, u16 (length + 2), u8 0, u8 type`, then the DER. */
export function certificateValue(der: Buffer, type: number): Buffer {
  const header = Buffer.from([1, 0, 0, 0, type]);
  header.writeUInt16BE(der.length + 2, 1);
  return Buffer.concat([header, der]);
}

/** Read a certificate element: its type and DER, the inner length checked against the element's. */
export function readCertificateValue(value: Buffer): { type: number; der: Buffer } {
  if (value.length < 5) throw new CapfElementError(`certificate element: ${value.length} bytes, shorter than its 5-byte header`);
  const innerLength = value.readUInt16BE(1);
  if (value[0] !== 1 || value[3] !== 0 || innerLength !== value.length - 3) {
    throw new CapfElementError(`certificate element: inner header ${value.subarray(0, 5).toString("hex")} does not match its ${value.length} bytes`);
  }
  return { type: value[4], der: Buffer.from(value.subarray(5)) };
}

/** SHA-2 signed data element (tag 20): `u8 algorithm, u16 length, signature`. */
export function sha2SignedDataValue(signature: Buffer, algorithm = SHA2_ALGORITHM_SHA512): Buffer {
  const header = Buffer.from([algorithm, 0, 0]);
  header.writeUInt16BE(signature.length, 1);
  return Buffer.concat([header, signature]);
}

/** Read a SHA-2 signed data element. */
export function readSha2SignedDataValue(value: Buffer): { algorithm: number; signature: Buffer } {
  if (value.length < 3 || value.readUInt16BE(1) !== value.length - 3) {
    throw new CapfElementError(`SHA-2 signed data element: its length field does not match its ${value.length} bytes`);
  }
  return { algorithm: value[0], signature: Buffer.from(value.subarray(3)) };
}
