// The device's RSA private key: one static slot (docs/architecture.md, "internal
// contracts"). The operations themselves live in rsaCrtKey.ts.
import { MAX_LIMBS } from "./bigNat";
import { CRT_KEY_HEADER, CRT_KEY_VALUES, crtKeySize, crtKeyLoad, crtKeyModulusBytes, crtKeyRaw, crtKeyDecrypt } from "./rsaCrtKey";

const MAX_HALF_LIMBS: u32 = MAX_LIMBS >> 1;
const SLOT: usize = memory.data(<i32>(CRT_KEY_HEADER + CRT_KEY_VALUES * (MAX_HALF_LIMBS << 2)), 8);

/** Load the device key from a PKCS#1 RSAPrivateKey or PKCS#8 PrivateKeyInfo (checked; see crtKeyLoad). */
export function rsaPrivateLoad(der: usize, len: u32): u32 {
  return crtKeyLoad(SLOT, MAX_HALF_LIMBS, der, len);
}

/** Modulus length in bytes of the device key; 0 when none is loaded. */
export function rsaPrivateModulusBytes(): u32 {
  return crtKeyModulusBytes(SLOT);
}

/** The device key's public half (an RSA_PUB_SIZE region, see rsaPublicKey.ts). */
export function rsaPrivatePublicKey(): usize {
  return SLOT; // the public key leads the region
}

/** Forget the device key (all of it: the slot holds secrets). */
export function rsaPrivateClear(): void {
  memory.fill(SLOT, 0, crtKeySize(MAX_HALF_LIMBS));
}

/** out (modulus length) = input^d mod n with the device key; see crtKeyRaw. */
export function rsaPrivateRaw(input: usize, len: u32, out: usize): u32 {
  return crtKeyRaw(SLOT, input, len, out);
}

/** RSAES-PKCS1-v1_5 decryption with implicit rejection by the device key; see crtKeyDecrypt. */
export function rsaDecryptImplicit(ct: usize, ctLen: u32, out: usize, wantLen: u32): u32 {
  return crtKeyDecrypt(SLOT, ct, ctLen, out, wantLen);
}
