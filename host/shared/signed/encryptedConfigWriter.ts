// Version 2.0 encrypted configs (`SEP<MAC>.cnf.xml.enc.sgn`, formats.md §2): the config under a fresh
// AES-128-CBC key, that key wrapped to the phone's RSA key, the whole file signed like a `.sgn`.
import { constants, createCipheriv, createHash, type KeyObject, publicEncrypt, randomBytes, X509Certificate } from "node:crypto";
import { concatBytes, container, element, Tag, u8, u16 } from "./headerElements.js";
import { common, type SignOptions } from "./signedFileWriter.js";
import { writeSignedFile } from "./signedHeader.js";
import { HASH_ID } from "./signer.js";

/** The device key cannot receive an encrypted config (EC, or not a public key at all). */
export class DeviceKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeviceKeyError";
  }
}

export interface EncryptOptions extends SignOptions {
  /** the phone's certificate (LSC or MIC) as DER, or its public key */
  device: Uint8Array | KeyObject;
  /** fixed AES key and IV, for reproducible tests only; default fresh random bytes */
  aesKey?: Uint8Array;
  iv?: Uint8Array;
}

/** The byte the peer pads with; readers must not rely on it. */
const PAD_BYTE = 0x0d;
const AES_128 = 1;

/** An `.enc.sgn` file. Throws DeviceKeyError for an EC (or otherwise non-RSA) device key. */
export function encryptConfig(plaintext: Uint8Array, o: EncryptOptions): Uint8Array {
  const deviceKey = rsaDeviceKey(o.device);
  const aesKey = o.aesKey ?? new Uint8Array(randomBytes(16));
  const iv = o.iv ?? new Uint8Array(randomBytes(16));
  if (aesKey.length !== 16 || iv.length !== 16) throw new Error("encryptConfig: the AES key and IV are 16 bytes each");
  const header = common(o);

  const padCount = 16 - (plaintext.length % 16); // 1…16: an aligned config still gets a full block
  const padded = concatBytes([plaintext, new Uint8Array(padCount).fill(PAD_BYTE)]);
  const cipher = createCipheriv("aes-128-cbc", aesKey, iv).setAutoPadding(false);
  const body = new Uint8Array(Buffer.concat([cipher.update(padded), cipher.final()]));

  const wrappedKey = new Uint8Array(publicEncrypt({ key: deviceKey, padding: constants.RSA_PKCS1_PADDING }, aesKey));
  const keyBits = deviceKey.asymmetricKeyDetails?.modulusLength ?? wrappedKey.length * 8;
  const contentHash = new Uint8Array(createHash(header.hash).update(plaintext).digest());

  const trailer = [
    container(
      Tag.encryptionInfo,
      container(Tag.ivInfo, element(Tag.ivUnknown, u8(0)), element(Tag.iv, iv), element(Tag.paddingCount, u16(padCount))),
      container(
        Tag.keyInfo,
        element(Tag.keyUnknown, u8(0)),
        element(Tag.keySize, u16(keyBits)),
        element(Tag.keyAlgorithm, u8(AES_128)),
        element(Tag.encryptedKey, wrappedKey),
      ),
    ),
    element(Tag.contentHashAlgorithm, u8(HASH_ID[header.hash])),
    element(Tag.contentHash, contentHash),
  ];
  return writeSignedFile({ version: [2, 0], trailer, body, ...header });
}

/** The device's RSA public key, or a DeviceKeyError saying why there is none. */
export function rsaDeviceKey(device: Uint8Array | KeyObject): KeyObject {
  const key = device instanceof Uint8Array ? new X509Certificate(device).publicKey : device;
  if (key.asymmetricKeyType === "ec") {
    throw new DeviceKeyError(
      "the device certificate holds an EC key: encrypted configs need an RSA device key (tag 25 is RSA encryption); issue the phone an RSA LSC",
    );
  }
  if (key.asymmetricKeyType !== "rsa") throw new DeviceKeyError(`the device key is ${key.asymmetricKeyType}: encrypted configs need an RSA device key`);
  if (key.type === "private") throw new DeviceKeyError("give the device's certificate or public key, not its private key");
  return key;
}
