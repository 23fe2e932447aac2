// RSA, private-key and certificate operations of the core (assembly/abi/rsaAbi.md).
// Every method copies its input into the core's IN window, calls one export and
// copies the result out; a non-zero status becomes a CoreError.

import { Status } from "../generated/status.js";
import type { WasmCore } from "./wasmInstance.js";

/** A hash selector of the core: CORE_HASH_SELECTOR in host/shared/hashAlgorithms.ts. */
export type RsaHashAlg = number;

/** The byte ranges x509_read reports, in register order. */
const CERT_FIELDS = ["serial", "issuer", "subject", "spki", "tbs", "signatureAlgorithm", "signature"] as const;
export type CertificateFields = Record<(typeof CERT_FIELDS)[number], Buffer>;

export interface RsaKeyInfo {
  /** modulus length in bytes */
  modulusBytes: number;
  /** public exponent */
  exponent: number;
}

export class RsaFacet {
  constructor(readonly w: WasmCore) {}

  private call(name: string, context: string, ...args: number[]): void {
    this.w.check(this.w.exports[name](...args), context);
  }

  private keyInfo(): RsaKeyInfo {
    return { modulusBytes: this.w.reg(0), exponent: this.w.reg(1) };
  }

  /** Load a public key (SubjectPublicKeyInfo or PKCS#1 RSAPublicKey, DER) into the core's public slot. */
  loadPublicKey(der: Uint8Array): RsaKeyInfo {
    this.w.writeIn(der);
    this.call("rsa_pub_load", "RSA public key", der.length);
    return this.keyInfo();
  }

  /** Load a public key from its big-endian modulus and exponent. */
  loadPublicParts(modulus: Uint8Array, exponent: number): RsaKeyInfo {
    this.w.writeIn(modulus);
    this.call("rsa_pub_load_parts", "RSA public key", modulus.length, exponent >>> 0);
    return this.keyInfo();
  }

  /**
   * RSASSA-PKCS1-v1_5: true when `signature` over `digest` verifies with the key;
   * false for a bad signature; CoreError for a malformed key or a wrong length.
   */
  verify(spkiOrPkcs1Der: Uint8Array, hashAlg: RsaHashAlg, digest: Uint8Array, signature: Uint8Array): boolean {
    this.loadPublicKey(spkiOrPkcs1Der);
    return this.verifyLoaded(hashAlg, digest, signature);
  }

  /** verify() with the key already loaded by loadPublicKey. */
  verifyLoaded(hashAlg: RsaHashAlg, digest: Uint8Array, signature: Uint8Array): boolean {
    this.w.writeIn(digest);
    this.w.writeIn(signature, digest.length);
    const status = this.w.exports.rsa_pub_verify(hashAlg, digest.length, signature.length);
    if (status === Status.E_RSA_BAD_SIGNATURE) return false;
    this.w.check(status, "RSA signature");
    return true;
  }

  /** input^e mod n with the loaded public key (input: exactly the modulus length). */
  publicRaw(input: Uint8Array): Buffer {
    this.w.writeIn(input);
    this.call("rsa_pub_raw", "RSA public operation", input.length);
    return Buffer.from(this.w.readOut(input.length));
  }

  /** Load the device private key (PKCS#1 RSAPrivateKey or PKCS#8, DER); the core checks it. */
  loadPrivateKey(der: Uint8Array): RsaKeyInfo {
    this.w.writeIn(der);
    try {
      this.call("rsa_priv_load", "RSA private key", der.length);
    } finally {
      this.w.heap.fill(0, this.w.inPtr, this.w.inPtr + der.length); // do not leave the key in IN
    }
    return this.keyInfo();
  }

  /** Modulus length of the device key in bytes (0 = none loaded). */
  privateModulusBytes(): number {
    return this.w.exports.rsa_priv_modulus_bytes();
  }

  /** The device key's modulus (big-endian) and exponent. */
  privatePublicKey(): { modulus: Buffer; exponent: number } {
    this.call("rsa_priv_public", "RSA device key");
    return { modulus: Buffer.from(this.w.readOut(this.w.reg(0))), exponent: this.w.reg(1) };
  }

  /**
   * RSAES-PKCS1-v1_5 decryption with implicit rejection: always `wantLen` bytes — the
   * message when the padding is valid and the message has that length, otherwise a
   * deterministic substitute derived from the key and the ciphertext.
   */
  decrypt(ciphertext: Uint8Array, wantLen: number): Buffer {
    this.w.writeIn(ciphertext);
    this.call("rsa_priv_decrypt", "RSA decryption", ciphertext.length, wantLen);
    return Buffer.from(this.w.readOut(wantLen));
  }

  /** input^d mod n with the device key (input: exactly the modulus length, below n). */
  privateRaw(input: Uint8Array): Buffer {
    this.w.writeIn(input);
    this.call("rsa_priv_raw", "RSA private operation", input.length);
    return Buffer.from(this.w.readOut(input.length));
  }

  /** Serial (INTEGER contents), issuer, subject, spki, tbs, … of a DER certificate. */
  readCertificate(der: Uint8Array): CertificateFields {
    this.w.writeIn(der);
    this.call("x509_read", "X.509 certificate", der.length);
    const out = {} as CertificateFields;
    CERT_FIELDS.forEach((name, i) => {
      const offset = this.w.reg(2 * i),
        length = this.w.reg(2 * i + 1);
      out[name] = Buffer.from(der.subarray(offset, offset + length));
    });
    return out;
  }
}
