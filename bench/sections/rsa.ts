// RSA-2048 and RSA-4096: PKCS#1 v1.5 verification (SHA-256) and the private-key
// operation, the core against node:crypto (OpenSSL) and node-forge (JavaScript).
// OpenSSL's private operation is timed with RSA_NO_PADDING decryption (Node refuses
// PKCS#1 v1.5 decryption since its Marvin fix); the core's with its raw operation,
// which like OpenSSL's includes the CRT recombination and the re-encryption check.

import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import forge from "node-forge";
import { core } from "../../host/core.js";
import { CORE_HASH_SELECTOR } from "../../host/shared/hashAlgorithms.js";
import { type BenchCase, type BenchSection, bestOfInterleaved, type Contender, cpuClock, type Measurement } from "../harness.js";

/** Best of four alternating runs per contender (harness.ts says why), in CPU time: every
 *  contender computes synchronously in this process. */
function alternating(contenders: Contender[], ms: number): Measurement[] {
  return bestOfInterleaved(contenders, 4, ms, cpuClock);
}

function cases(bits: number): BenchCase[] {
  const pem = readFileSync(new URL(`../../../vectors/rsa/key${bits}.pem`, import.meta.url), "utf8");
  const priv = createPrivateKey(pem);
  const pub = createPublicKey(priv);
  const spki = pub.export({ type: "spki", format: "der" });
  const msg = randomBytes(64);
  const digest = createHash("sha256").update(msg).digest();
  const sig = sign("sha256", msg, priv);
  const forgePriv = forge.pki.privateKeyFromPem(priv.export({ type: "pkcs1", format: "pem" }) as string);
  const forgePub = forge.pki.setRsaPublicKey(forgePriv.n, forgePriv.e);
  const forgeDigest = digest.toString("binary");
  const forgeSig = sig.toString("binary");
  const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, randomBytes(16));
  const forgeCt = ct.toString("binary");
  const rsa = core().rsa;
  rsa.loadPublicKey(spki);
  rsa.loadPrivateKey(priv.export({ type: "pkcs8", format: "der" }));
  const x = Buffer.concat([Buffer.from([0]), randomBytes(bits / 8 - 1)]);
  const slow = bits > 2048 ? 600 : 250;
  return [
    {
      name: `RSA-${bits} verify (SHA-256)`,
      results: alternating(
        [
          { impl: "cnfguard (wasm)", fn: () => rsa.verifyLoaded(CORE_HASH_SELECTOR.sha256, digest, sig) },
          { impl: "node:crypto", fn: () => verify("sha256", msg, pub, sig) },
          { impl: "node-forge", fn: () => forgePub.verify(forgeDigest, forgeSig, "RSASSA-PKCS1-V1_5") },
        ],
        100,
      ),
    },
    {
      name: `RSA-${bits} private-key operation`,
      results: alternating(
        [
          { impl: "cnfguard (wasm, ct)", fn: () => rsa.privateRaw(x) },
          { impl: "cnfguard decrypt", fn: () => rsa.decrypt(ct, 16), note: "PKCS#1 v1.5 + implicit rejection" },
          { impl: "node:crypto", fn: () => privateDecrypt({ key: priv, padding: constants.RSA_NO_PADDING }, x) },
          { impl: "node-forge", fn: () => forgePriv.decrypt(forgeCt, "RSAES-PKCS1-V1_5") },
        ],
        slow,
      ),
    },
  ];
}

export const section: BenchSection = {
  title: "RSA (CPU time of this process)",
  async run(): Promise<BenchCase[]> {
    return [...cases(2048), ...cases(4096)];
  },
};
