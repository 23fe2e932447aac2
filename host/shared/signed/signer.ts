// Who signs a file: a certificate and its RSA private key, and the hash the header names.
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { HEADER_HASH_TAG, type HeaderHash } from "../hashAlgorithms.js";
import { PemError, readPemBlocks } from "../pem.js";

export interface Signer {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

/**
 * A hash a header can name. Phones accept only the signing hashes (SIGNING_HASHES); the writer
 * takes any header hash so tests can make files phones must refuse.
 */
export type FileHash = HeaderHash;

/** Header tag 8 / tag 26 values (host/shared/hashAlgorithms.ts). */
export const HASH_ID: Record<FileHash, number> = HEADER_HASH_TAG;

/** Tag 11's index for each modulus size in bytes. */
const MODULUS_INDEX: Record<number, number> = { 64: 0, 128: 1, 256: 2, 512: 3 };

/** PEM labels a signer's private key may carry (PKCS#8, PKCS#1, SEC 1). */
const KEY_FORMATS: Record<string, { type: "pkcs8" | "pkcs1" | "sec1" }> = {
  "PRIVATE KEY": { type: "pkcs8" },
  "RSA PRIVATE KEY": { type: "pkcs1" },
  "EC PRIVATE KEY": { type: "sec1" },
};

/**
 * Reads a signer from PEM text holding its certificate and private key (in either order), as the
 * peer's and our `pki/*.pem` files do. `source` names the file in error messages (PemError).
 */
export function signerFromPem(pem: string | Uint8Array, source = "signer PEM"): Signer {
  const blocks = readPemBlocks(pem, source);
  const certificate = blocks.find((b) => b.label === "CERTIFICATE");
  const key = blocks.find((b) => KEY_FORMATS[b.label]);
  const found = blocks.length ? `found ${blocks.map((b) => b.label).join(", ")}` : "found no PEM block";
  if (!certificate) throw new PemError(`${source}: no CERTIFICATE block (${found}); put the signing certificate and its private key in one PEM file`);
  if (!key) throw new PemError(`${source}: no unencrypted PRIVATE KEY block (${found}); put the signing certificate and its private key in one PEM file`);
  const privateKey = createPrivateKey({ key: Buffer.from(key.der), format: "der", type: KEY_FORMATS[key.label].type });
  new X509Certificate(certificate.der); // throws if the block is not a certificate
  return { certificateDer: certificate.der, privateKey };
}

/**
 * Checks that the signer can sign a header: an RSA key of 512/1024/2048/4096 bits that belongs to the
 * certificate. Returns the tag 11 index and the signature length in bytes.
 */
export function signerModulus(signer: Signer): { index: number; bytes: number } {
  const certificate = new X509Certificate(signer.certificateDer);
  if (signer.privateKey.asymmetricKeyType !== "rsa") {
    throw new Error(
      `signer: files are signed with RSA; the key is ${signer.privateKey.asymmetricKeyType} (use an RSA certificate such as the TFTP or SAST one)`,
    );
  }
  const fromKey = createPublicKey(signer.privateKey).export({ type: "spki", format: "der" });
  const fromCertificate = certificate.publicKey.export({ type: "spki", format: "der" });
  if (!fromKey.equals(fromCertificate))
    throw new Error(`signer: the private key does not belong to the certificate ${certificate.subject.replace(/\n/g, ",")}`);
  const bytes = (signer.privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const index = MODULUS_INDEX[bytes];
  if (index === undefined) throw new Error(`signer: an RSA key of ${bytes * 8} bits cannot be named in the header (512, 1024, 2048 or 4096)`);
  return { index, bytes };
}
