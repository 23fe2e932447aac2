// AES-128-CBC decryption of 64 KiB: the core's bitsliced (constant-time) cipher
// against @noble/ciphers and node-forge (both table-based JavaScript) and OpenSSL.
import { createDecipheriv, randomBytes } from "node:crypto";
import { cbc } from "@noble/ciphers/aes.js";
import forge from "node-forge";
import { core } from "../../host/core.js";
import { type BenchCase, type BenchSection, measure } from "../harness.js";

const SIZE = 64 * 1024;

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
      {
        impl: "node:crypto",
        opsPerSec: measure(() => {
          const d = createDecipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
          d.update(data);
          d.final();
        }),
        bytesPerOp: SIZE,
      },
    ];
    return [{ name: "AES-128-CBC decrypt, 64 KiB", results }];
  },
};
