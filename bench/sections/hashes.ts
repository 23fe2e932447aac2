// MD5, SHA-1, SHA-256 and SHA-512 of 64 KiB: the core (through HashFacet, so the copies into
// the IN window are counted) against hash-wasm (C compiled to wasm), @noble/hashes
// (JavaScript) and node:crypto (OpenSSL, native).
import { createHash, randomBytes } from "node:crypto";
import { md5, sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { createMD5, createSHA1, createSHA256, createSHA512, type IHasher } from "hash-wasm";
import { core } from "../../host/core.js";
import type { HashAlgorithm } from "../../host/shared/hashAlgorithms.js";
import { type BenchCase, type BenchSection, bestOfInterleaved, cpuClock, type Measurement } from "../harness.js";

const SIZE = 64 * 1024;
const ROUNDS = 6;

/** Best of ROUNDS interleaved 100 ms runs per implementation (harness.ts says why), in CPU
 *  time: every implementation hashes synchronously in this process. */
function interleaved(impls: { impl: string; fn: () => unknown }[]): Measurement[] {
  return bestOfInterleaved(
    impls.map((x) => ({ ...x, bytesPerOp: SIZE })),
    ROUNDS,
    100,
    cpuClock,
  );
}

const PEERS: { alg: HashAlgorithm; title: string; hashWasm: () => Promise<IHasher>; noble: (b: Uint8Array) => Uint8Array }[] = [
  { alg: "md5", title: "MD5", hashWasm: createMD5, noble: md5 },
  { alg: "sha1", title: "SHA-1", hashWasm: createSHA1, noble: sha1 },
  { alg: "sha256", title: "SHA-256", hashWasm: createSHA256, noble: sha256 },
  { alg: "sha512", title: "SHA-512", hashWasm: createSHA512, noble: sha512 },
];

export const section: BenchSection = {
  title: "Hashes (CPU time of this process)",
  async run(): Promise<BenchCase[]> {
    const data = new Uint8Array(randomBytes(SIZE));
    const hashes = core().hash;
    const cases: BenchCase[] = [];
    for (const peer of PEERS) {
      const hasher = await peer.hashWasm();
      cases.push({
        name: `${peer.title}, 64 KiB`,
        results: interleaved([
          { impl: "cnfguard (wasm)", fn: () => hashes.digest(peer.alg, data) },
          { impl: "hash-wasm", fn: () => hasher.init().update(data).digest("binary") },
          { impl: "@noble/hashes", fn: () => peer.noble(data) },
          { impl: "node:crypto", fn: () => createHash(peer.alg).update(data).digest() },
        ]),
      });
    }
    return cases;
  },
};
