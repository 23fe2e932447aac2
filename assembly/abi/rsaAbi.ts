// RSA, DER and X.509 exports (assembly/abi/rsaAbi.md documents each one).
// Inputs come in IN, byte results go to OUT, numbers to REG.
import { OK, E_ARGUMENT, E_STATE, E_RSA_NO_PRIVATE_KEY } from "../status";
import { IN, IN_CAP, OUT, setReg } from "../memoryMap";
import { RSA_PUB_SIZE, rsaPublicFromDer, rsaPublicFromParts, rsaPublicModulusBytes, rsaPublicExponent, rsaVerifyPkcs1, rsaPublicRaw, rsaPublicModulus } from "../rsa/rsaPublicKey";
import { rsaPrivateLoad, rsaPrivateModulusBytes, rsaPrivatePublicKey, rsaDecryptImplicit, rsaPrivateRaw, rsaPrivateClear } from "../rsa/rsaPrivateKey";
import { pkcs1DigestLength } from "../rsa/pkcs1";
import { bnToBytes } from "../rsa/bigNat";
import { x509Read, x509FieldOffset, x509FieldLength, X509_FIELD_COUNT } from "../der/x509";

/** The public key slot the rsa_pub_* exports work on. */
const PUB: usize = memory.data(<i32>RSA_PUB_SIZE, 8);

/** Report a key's modulus length and exponent in REG[0], REG[1]. */
function reportKey(key: usize): void {
  setReg(0, rsaPublicModulusBytes(key));
  setReg(1, rsaPublicExponent(key));
}

/** IN[0..len) = SubjectPublicKeyInfo or PKCS#1 RSAPublicKey → the public slot. REG[0] = modulus bytes, REG[1] = e. */
export function rsa_pub_load(len: u32): u32 {
  if (len > IN_CAP) return E_ARGUMENT;
  const s = rsaPublicFromDer(PUB, IN, len);
  reportKey(PUB);
  return s;
}

/** IN[0..nLen) = big-endian modulus, e = exponent → the public slot. REG as rsa_pub_load. */
export function rsa_pub_load_parts(nLen: u32, e: u32): u32 {
  if (nLen > IN_CAP) return E_ARGUMENT;
  const s = rsaPublicFromParts(PUB, IN, nLen, e);
  reportKey(PUB);
  return s;
}

/** IN = digest (digestLen) ‖ signature (sigLen): RSASSA-PKCS1-v1_5 with hashAlg 1 SHA-1, 2 SHA-256, 3 SHA-512. */
export function rsa_pub_verify(hashAlg: u32, digestLen: u32, sigLen: u32): u32 {
  if (rsaPublicModulusBytes(PUB) == 0) return E_STATE;
  const want = pkcs1DigestLength(hashAlg);
  if (want == 0 || digestLen != want || sigLen > IN_CAP - digestLen) return E_ARGUMENT;
  return rsaVerifyPkcs1(PUB, hashAlg, IN, IN + digestLen, sigLen);
}

/** OUT[0..len) = IN^e mod n; len = modulus bytes, IN < n. */
export function rsa_pub_raw(len: u32): u32 {
  if (rsaPublicModulusBytes(PUB) == 0) return E_STATE;
  if (len > IN_CAP) return E_ARGUMENT;
  return rsaPublicRaw(PUB, IN, len, OUT);
}

/** IN[0..len) = PKCS#1 RSAPrivateKey or PKCS#8 → the device key slot. REG[0] = modulus bytes, REG[1] = e. */
export function rsa_priv_load(len: u32): u32 {
  if (len > IN_CAP) return E_ARGUMENT;
  const s = rsaPrivateLoad(IN, len);
  reportKey(rsaPrivatePublicKey());
  return s;
}

/** Modulus length in bytes of the device key (0 = none). */
export function rsa_priv_modulus_bytes(): u32 {
  return rsaPrivateModulusBytes();
}

/** OUT[0..k) = the device key's modulus, big-endian; REG[0] = k, REG[1] = e. */
export function rsa_priv_public(): u32 {
  const key = rsaPrivatePublicKey();
  const k = rsaPublicModulusBytes(key);
  if (k == 0) return E_RSA_NO_PRIVATE_KEY;
  bnToBytes(OUT, k, rsaPublicModulus(key));
  reportKey(key);
  return OK;
}

/** Forget the device key. */
export function rsa_priv_clear(): u32 {
  rsaPrivateClear();
  return OK;
}

/** IN = ciphertext (ctLen) → OUT[0..wantLen): RSAES-PKCS1-v1_5 with implicit rejection. */
export function rsa_priv_decrypt(ctLen: u32, wantLen: u32): u32 {
  if (ctLen > IN_CAP) return E_ARGUMENT;
  return rsaDecryptImplicit(IN, ctLen, OUT, wantLen);
}

/** OUT[0..len) = IN^d mod n with the device key (checked by re-encryption). */
export function rsa_priv_raw(len: u32): u32 {
  if (len > IN_CAP) return E_ARGUMENT;
  return rsaPrivateRaw(IN, len, OUT);
}

/** IN[0..len) = DER certificate → REG[2i], REG[2i+1] = offset, length of field i (see rsaAbi.md). */
export function x509_read(len: u32): u32 {
  if (len > IN_CAP) return E_ARGUMENT;
  const s = x509Read(IN, len);
  for (let i: u32 = 0; i < X509_FIELD_COUNT; i++) {
    setReg(i << 1, s == OK ? x509FieldOffset(i) : 0);
    setReg((i << 1) + 1, s == OK ? x509FieldLength(i) : 0);
  }
  return s;
}
