// The machinery every signed file shares (.sgn, .enc.sgn, .tlv): lays out the header in the peer's
// element order, pads it to a multiple of 4 and signs the file minus the signature element.
import { createSign } from "node:crypto";
import { certificateInfo } from "../certificateInfo.js";
import { concatBytes, container, element, stringElement, Tag, u8, u16, u32 } from "./headerElements.js";
import { type FileHash, HASH_ID, type Signer, signerModulus } from "./signer.js";

export interface SignedFileSpec {
  /** tag 1: major, minor */
  version: readonly [number, number];
  /** tag 28, written right after tag 2 (trust lists only) */
  signerVersion?: readonly [number, number];
  /** encoded elements written after the timestamp (the encryption info of .enc.sgn) */
  trailer?: Uint8Array[];
  body: Uint8Array;
  signer: Signer;
  hash: FileHash;
  /** tag 14 */
  filename: string;
  /** tag 15, seconds since 1970 (UTC) */
  timestamp: number;
}

/** HEADER || BODY with a valid RSASSA-PKCS1-v1_5 signature. */
export function writeSignedFile(spec: SignedFileSpec): Uint8Array {
  const modulus = signerModulus(spec.signer);
  const who = certificateInfo(spec.signer.certificateDer);
  const versionElement = element(Tag.version, u8pair(spec.version));
  const signerVersion = spec.signerVersion ? [element(Tag.signerVersion, u8pair(spec.signerVersion))] : [];
  const signerInfo = container(
    Tag.signerInfo,
    stringElement(Tag.signerName, who.subjectName),
    stringElement(Tag.issuerName, who.issuerName),
    element(Tag.serialNumber, who.serial),
  );
  const signatureInfo = container(
    Tag.signatureInfo,
    element(Tag.hashAlgorithm, u8(HASH_ID[spec.hash])),
    container(Tag.signatureAlgorithmInfo, element(Tag.signatureAlgorithm, u8(0)), element(Tag.modulusSize, u8(modulus.index))),
  );
  const afterSignature = [stringElement(Tag.filename, spec.filename), element(Tag.timestamp, u32(checkedTimestamp(spec.timestamp))), ...(spec.trailer ?? [])];
  const before = [...signerVersion, signerInfo, signatureInfo];
  const unpadded = versionElement.length + 5 + sum(before) + 3 + modulus.bytes + sum(afterSignature);
  const padding = new Uint8Array((4 - (unpadded % 4)) % 4).fill(Tag.padding);
  const headerLength = unpadded + padding.length;
  if (headerLength > 0xffff) throw new Error(`signed file: header of ${headerLength} bytes exceeds 65535`);

  const signedPrefix = concatBytes([versionElement, element(Tag.headerLength, u16(headerLength)), ...before]);
  const signedSuffix = concatBytes([...afterSignature, padding]);
  const signature = sign(spec, [signedPrefix, signedSuffix, spec.body]);
  if (signature.length !== modulus.bytes) throw new Error("signed file: signature length differs from the modulus size");
  return concatBytes([signedPrefix, element(Tag.signature, signature), signedSuffix, spec.body]);
}

function sign(spec: SignedFileSpec, parts: Uint8Array[]): Uint8Array {
  const signer = createSign(spec.hash);
  for (const p of parts) signer.update(p);
  return new Uint8Array(signer.sign(spec.signer.privateKey));
}

function u8pair([major, minor]: readonly [number, number]): Uint8Array {
  return new Uint8Array([major, minor]);
}

function checkedTimestamp(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) throw new Error(`signed file: timestamp ${seconds} is not u32 seconds since 1970`);
  return seconds;
}

function sum(parts: Uint8Array[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/** Seconds since 1970 of a Date, or now. */
export function unixSeconds(date: Date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}
