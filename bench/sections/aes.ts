// AES-128-CBC decryption of 64 KiB: the core's bitsliced (constant-time) cipher
// against @noble/ciphers and node-forge (both table-based JavaScript) and OpenSSL;
// and encryption of 64 KiB (serial by nature: the core takes one block per pass)
// against @noble/ciphers and OpenSSL.
import { type Cipher, createCipheriv, createDecipheriv, type Decipher, randomBytes } from "node:crypto";
import { cbc } from "@noble/ciphers/aes.js";
import forge from "node-forge";
import { core } from "../../host/core.js";
import { type BenchCase, type BenchSection, measure } from "../harness.js";

const SIZE = 64 * 1024;

/** node:crypto (OpenSSL) running one cipher object, made fresh per operation, over data without padding. */
function openssl(make: () => Cipher | Decipher, data: Uint8Array) {
  const opsPerSec = measure(() => {
    const c = make().setAutoPadding(false);
    c.update(data);
    c.final();
  });
  return { impl: "node:crypto", opsPerSec, bytesPerOp: SIZE };
}

export const section: BenchSection = {
  title: "AES-128-CBC",
  async run(): Promise<BenchCase[]> {
    const key = randomBytes(16),
      iv = randomBytes(16),
      data = new Uint8Array(randomBytes(SIZE));
    const aes = core().aes;
    const forgeKey = forge.util.createBuffer(key.toString("binary"));
    const forgeIv = forge.util.createBuffer(iv.toString("binary"));
    const forgeData = forge.util.createBuffer(Buffer.from(data).toString("binary"));
    const results = [
      { impl: "cnfguard (wasm, ct)", opsPerSec: measure(() => aes.cbcDecrypt(key, iv, data)), bytesPerOp: SIZE },
      { impl: "@noble/ciphers", opsPerSec: measure(() => cbc(key, iv, { disablePadding: true }).decrypt(data)), bytesPerOp: SIZE },
      {
        impl: "node-forge",
        opsPerSec: measure(() => {
          const d = forge.cipher.createDecipher("AES-CBC", forgeKey.copy());
          d.start({ iv: forgeIv.copy() });
          d.update(forgeData.copy());
          d.finish(); // the random data has no valid padding; the blocks are decrypted all the same
        }),
        bytesPerOp: SIZE,
      },
      openssl(() => createDecipheriv("aes-128-cbc", key, iv), data),
    ];
    const encryption = [
      { impl: "cnfguard (wasm, ct)", opsPerSec: measure(() => aes.cbcEncrypt(key, iv, data)), bytesPerOp: SIZE },
      { impl: "@noble/ciphers", opsPerSec: measure(() => cbc(key, iv, { disablePadding: true }).encrypt(data)), bytesPerOp: SIZE },
      openssl(() => createCipheriv("aes-128-cbc", key, iv), data),
    ];
    return [
      { name: "AES-128-CBC decrypt, 64 KiB", results },
      { name: "AES-128-CBC encrypt, 64 KiB", results: encryption },
    ];
  },
};
