// Who signs a file: a certificate and its RSA private key, and the hash the header names.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export interface Signer {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

/** Signed files use SHA-1 or SHA-512 in the field; SHA-256 is accepted for tests. */
export type FileHash = "sha1" | "sha256" | "sha512";

/** Header tag 8 / tag 26 values. */
export const HASH_ID: Record<FileHash, number> = { sha1: 1, sha256: 2, sha512: 3 };

/** Tag 11's index for each modulus size in bytes. */
const MODULUS_INDEX: Record<number, number> = { 64: 0, 128: 1, 256: 2, 512: 3 };

/**
 * Reads a signer from PEM text holding its certificate and private key (in either order), as the
 * peer's and our `pki/*.pem` files do. `source` names the file in error messages.
 */
export function signerFromPem(pem: string, source = "signer PEM"): Signer {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${source}: no CERTIFICATE block (put the signing certificate and its private key in one PEM file)`);
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) throw new Error(`${source}: no PRIVATE KEY block (put the signing certificate and its private key in one PEM file)`);
  const certificateDer = new Uint8Array(new X509Certificate(pem).raw);
  const privateKey = createPrivateKey(pem);
  return { certificateDer, privateKey };
}

/**
 * Checks that the signer can sign a header: an RSA key of 512/1024/2048/4096 bits that belongs to the
 * certificate. Returns the tag 11 index and the signature length in bytes.
 */
export function signerModulus(signer: Signer): { index: number; bytes: number } {
  const certificate = new X509Certificate(signer.certificateDer);
  if (signer.privateKey.asymmetricKeyType !== "rsa") {
    throw new Error(`signer: files are signed with RSA; the key is ${signer.privateKey.asymmetricKeyType} (use an RSA certificate such as the TFTP or SAST one)`);
  }
  const fromKey = createPublicKey(signer.privateKey).export({ type: "spki", format: "der" });
  const fromCertificate = certificate.publicKey.export({ type: "spki", format: "der" });
  if (!fromKey.equals(fromCertificate)) throw new Error(`signer: the private key does not belong to the certificate ${certificate.subject.replace(/\n/g, ",")}`);
  const bytes = (signer.privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const index = MODULUS_INDEX[bytes];
  if (index === undefined) throw new Error(`signer: an RSA key of ${bytes * 8} bits cannot be named in the header (512, 1024, 2048 or 4096)`);
  return { index, bytes };
}
