// Reads the standard hash vectors kept in vectors/hash/ (NIST CAVP .rsp files and the
// RFC 1321 suite share one "Len = / Msg = / MD =" layout). scripts/genHashSpecs.mjs reads the
// same files for the as-pect specs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vectorsDir } from "../../host/paths.js";
import type { HashAlgorithm } from "../../host/shared/hashAlgorithms.js";

export interface HashVector {
  file: string;
  algorithm: HashAlgorithm;
  message: Uint8Array;
  digest: string;
}

/** Vector files per algorithm. */
export const HASH_VECTOR_FILES: Record<HashAlgorithm, string[]> = {
  md5: ["MD5-rfc1321.txt"],
  sha1: ["SHA1ShortMsg.rsp", "SHA1LongMsg.rsp"],
  sha256: ["SHA256ShortMsg.rsp", "SHA256LongMsg.rsp"],
  sha512: ["SHA512ShortMsg.rsp", "SHA512LongMsg.rsp"],
};

export function readHashVectors(algorithm: HashAlgorithm, file: string): HashVector[] {
  const text = readFileSync(join(vectorsDir, "hash", file), "utf8");
  const out: HashVector[] = [];
  const re = /Len = (\d+)\s+Msg = ([0-9a-f]+)\s+MD = ([0-9a-f]+)/g;
  for (const m of text.matchAll(re)) {
    const bits = Number(m[1]);
    // "Len = 0" comes with a placeholder "Msg = 00": the message is Len bits long.
    out.push({ file, algorithm, message: new Uint8Array(Buffer.from(m[2], "hex").subarray(0, bits / 8)), digest: m[3] });
  }
  if (out.length === 0) throw new Error(`vectors/hash/${file}: no vectors found`);
  return out;
}
