// AES-128-CBC decryption of 64 KiB: the core's bitsliced (constant-time) cipher
// against @noble/ciphers and node-forge (both table-based JavaScript) and OpenSSL;
// and encryption of 64 KiB (serial by nature: the core takes one block per pass)
// against @noble/ciphers and OpenSSL. Each figure is the best of interleaved short
// runs, so a burst of load on the shared machine hits every contender alike.
import { type Cipher, createCipheriv, createDecipheriv, type Decipher, randomBytes } from "node:crypto";
import { cbc } from "@noble/ciphers/aes.js";
import forge from "node-forge";
import { core } from "../../host/core.js";
import { type BenchCase, type BenchSection, bestOfInterleaved, type Contender } from "../harness.js";

const SIZE = 64 * 1024;
const ROUNDS = 5;
const MS = 200;

/** node:crypto (OpenSSL) running one cipher object, made fresh per operation, over data without padding. */
function openssl(make: () => Cipher | Decipher, data: Uint8Array): Contender {
  const fn = () => {
    const c = make().setAutoPadding(false);
    c.update(data);
    c.final();
  };
  return { impl: "node:crypto", fn, bytesPerOp: SIZE };
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
    const decryption: Contender[] = [
      { impl: "cnfguard (wasm, ct)", fn: () => aes.cbcDecrypt(key, iv, data), bytesPerOp: SIZE },
      { impl: "@noble/ciphers", fn: () => cbc(key, iv, { disablePadding: true }).decrypt(data), bytesPerOp: SIZE },
      {
        impl: "node-forge",
        fn: () => {
          const d = forge.cipher.createDecipher("AES-CBC", forgeKey.copy());
          d.start({ iv: forgeIv.copy() });
          d.update(forgeData.copy());
          d.finish(); // the random data has no valid padding; the blocks are decrypted all the same
        },
        bytesPerOp: SIZE,
      },
      openssl(() => createDecipheriv("aes-128-cbc", key, iv), data),
    ];
    const encryption: Contender[] = [
      { impl: "cnfguard (wasm, ct)", fn: () => aes.cbcEncrypt(key, iv, data), bytesPerOp: SIZE },
      { impl: "@noble/ciphers", fn: () => cbc(key, iv, { disablePadding: true }).encrypt(data), bytesPerOp: SIZE },
      openssl(() => createCipheriv("aes-128-cbc", key, iv), data),
    ];
    return [
      { name: "AES-128-CBC decrypt, 64 KiB", results: bestOfInterleaved(decryption, ROUNDS, MS) },
      { name: "AES-128-CBC encrypt, 64 KiB", results: bestOfInterleaved(encryption, ROUNDS, MS) },
    ];
  },
};
