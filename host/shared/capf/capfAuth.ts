// Proof of a phone's existing certificate (LSC or MIC) in a CAPF auth response (capf.md,
// "Authentication of the phone"), made by the client and checked by the server.
//
// RSA: a raw private-key operation over the bare digest under PKCS#1 v1.5 type-1 padding, with
// NO DigestInfo — exactly what privateEncrypt with RSA_PKCS1_PADDING does, and what
// publicDecrypt undoes. EC: an ordinary DER ECDSA signature over the same bytes.
import crypto, { type KeyObject } from "node:crypto";
import { CapfElementError, readSha2SignedDataValue, SHA2_ALGORITHM_SHA512, sha2SignedDataValue } from "./capfElements.js";

/** The bytes the signed data covers: device name ‖ 0x00 ‖ certificate DER. */
export function signedDataInput(deviceName: string, certificateDer: Buffer): Buffer {
  return Buffer.concat([Buffer.from(deviceName, "latin1"), Buffer.from([0]), certificateDer]);
}

/** The bytes SUDI data covers: the session id as a little-endian u32 ‖ certificate DER. */
export function sudiDataInput(sessionId: number, certificateDer: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32LE(sessionId >>> 0);
  return Buffer.concat([id, certificateDer]);
}

/** Sign `data` the CAPF way with `hash` ("sha1" or "sha512"). */
export function capfSign(privateKey: KeyObject, hash: "sha1" | "sha512", data: Buffer): Buffer {
  if (privateKey.asymmetricKeyType === "rsa") {
    const digest = crypto.createHash(hash).update(data).digest();
    return crypto.privateEncrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, digest);
  }
  if (privateKey.asymmetricKeyType === "ec") return crypto.sign(hash, data, privateKey);
  throw new CapfElementError(`a ${privateKey.asymmetricKeyType} key cannot sign CAPF authentication data (RSA or EC only)`);
}

/** Check a CAPF signature over `data`; false on any mismatch or malformed signature. */
export function capfVerify(publicKey: KeyObject, hash: "sha1" | "sha512", data: Buffer, signature: Buffer): boolean {
  try {
    if (publicKey.asymmetricKeyType === "rsa") {
      const digest = crypto.createHash(hash).update(data).digest();
      const recovered = crypto.publicDecrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
      return recovered.length === digest.length && crypto.timingSafeEqual(recovered, digest);
    }
    if (publicKey.asymmetricKeyType === "ec") return crypto.verify(hash, data, publicKey, signature);
  } catch {
    // A signature of the wrong length or with bad padding: not a proof.
  }
  return false;
}

export interface CertificateProof {
  /** Element 6. */
  signedData: Buffer;
  /** Element 20 (with its `03, u16 length` prefix). */
  sha2SignedData: Buffer;
}

/** Elements 6 and 20 for a phone proving it holds the key of `certificateDer`. */
export function makeCertificateProof(deviceName: string, certificateDer: Buffer, privateKey: KeyObject): CertificateProof {
  const data = signedDataInput(deviceName, certificateDer);
  return {
    signedData: capfSign(privateKey, "sha1", data),
    sha2SignedData: sha2SignedDataValue(capfSign(privateKey, "sha512", data)),
  };
}

/** Undefined when both elements prove possession of the certificate's key, else why not. */
export function checkCertificateProof(deviceName: string, certificateDer: Buffer, proof: CertificateProof): string | undefined {
  const publicKey = new crypto.X509Certificate(certificateDer).publicKey;
  const data = signedDataInput(deviceName, certificateDer);
  if (!capfVerify(publicKey, "sha1", data, proof.signedData)) return "signed data (element 6) does not verify with the certificate's key";
  const sha2 = readSha2SignedDataValue(proof.sha2SignedData);
  if (sha2.algorithm !== SHA2_ALGORITHM_SHA512) return `SHA-2 signed data names hash algorithm ${sha2.algorithm}, only 3 (SHA-512) is known`;
  if (!capfVerify(publicKey, "sha512", data, sha2.signature)) return "SHA-2 signed data (element 20) does not verify with the certificate's key";
  return undefined;
}

/** SUDI data parts: `u8 0` certificate, `u8 1` signed data, `u8 3` SHA-2 signed data. */
const SudiPart = { certificate: 0, signedData: 1, sha2SignedData: 3 } as const;

/** Element 16 for an RSA key: the certificate with both signatures over session id (LE) ‖ DER. */
export function makeSudiData(sessionId: number, certificateDer: Buffer, privateKey: KeyObject): Buffer {
  const data = sudiDataInput(sessionId, certificateDer);
  return Buffer.concat([
    sudiPart(SudiPart.certificate, certificateDer),
    sudiPart(SudiPart.signedData, capfSign(privateKey, "sha1", data)),
    sudiPart(SudiPart.sha2SignedData, capfSign(privateKey, "sha512", data)),
  ]);
}

function sudiPart(tag: number, value: Buffer): Buffer {
  const header = Buffer.from([tag, 0, 0]);
  header.writeUInt16BE(value.length, 1);
  return Buffer.concat([header, value]);
}

/** Split SUDI data into its three parts; throws CapfElementError when it is malformed. */
export function readSudiData(value: Buffer): { certificateDer: Buffer; signedData: Buffer; sha2Signature: Buffer } {
  const parts = new Map<number, Buffer>();
  let at = 0;
  while (at < value.length) {
    if (value.length - at < 3) throw new CapfElementError("SUDI data: a part header runs past the element");
    const tag = value[at];
    const length = value.readUInt16BE(at + 1);
    if (at + 3 + length > value.length) throw new CapfElementError(`SUDI data: part ${tag} claims ${length} bytes, fewer remain`);
    if (parts.has(tag)) throw new CapfElementError(`SUDI data: part ${tag} appears twice`);
    parts.set(tag, value.subarray(at + 3, at + 3 + length));
    at += 3 + length;
  }
  const certificateDer = parts.get(SudiPart.certificate);
  const signedData = parts.get(SudiPart.signedData);
  const sha2Signature = parts.get(SudiPart.sha2SignedData);
  if (!certificateDer || !signedData || !sha2Signature) throw new CapfElementError("SUDI data: needs parts 0 (certificate), 1 and 3 (signatures)");
  return { certificateDer, signedData, sha2Signature };
}

/** SUDI data checked for this session: its certificate when both signatures verify, else the error. */
export function checkSudiData(sessionId: number, value: Buffer): { error?: string; certificateDer?: Buffer } {
  const sudi = readSudiData(value);
  const publicKey = new crypto.X509Certificate(sudi.certificateDer).publicKey;
  const data = sudiDataInput(sessionId, sudi.certificateDer);
  if (!capfVerify(publicKey, "sha1", data, sudi.signedData)) return { error: "SUDI signed data does not verify" };
  if (!capfVerify(publicKey, "sha512", data, sudi.sha2Signature)) return { error: "SUDI SHA-2 signed data does not verify" };
  return { certificateDer: sudi.certificateDer };
}

/**
 * Undefined when `certificateDer` was issued and signed by one of `issuers` (DER), else why not.
 * Validity dates are not checked here: the caller decides on its clock.
 */
export function checkIssuedBy(certificateDer: Buffer, issuers: readonly Buffer[]): string | undefined {
  const certificate = new crypto.X509Certificate(certificateDer);
  for (const issuerDer of issuers) {
    const issuer = new crypto.X509Certificate(issuerDer);
    if (certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey)) return undefined;
  }
  return `certificate "${certificate.subject.replace(/\n/g, ",")}" from "${certificate.issuer.replace(/\n/g, ",")}" is not signed by a trusted issuer`;
}
