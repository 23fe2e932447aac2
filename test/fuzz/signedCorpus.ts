// The peer's signed files, trust lists and encrypted configs as the file-engine tests
// use them: which trust list and device key each needs, cores prepared with them, and
// the mutations the fuzz runs apply. Read only from vectors/ in the repository.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { utcText } from "../../host/cli/inspectCommand.js";
import { FileMode, type FileModeNumber, type InspectResult } from "../../host/core/fileFacet.js";
import { type Core, newCore } from "../../host/core.js";
import { vectorsDir } from "../../host/paths.js";
import { derFromPemOrDer } from "../../host/shared/pem.js";

export const PEER = join(vectorsDir, "peer");
export const peerFile = (rel: string): Buffer => readFileSync(join(PEER, rel));

/** The two trust lists the peer's configs are signed under (see vectors/peer/itl/SOURCE.md). */
export const ITL_SHA1 = "itl/ITLSEPA45630BBFA40.tlv"; // tftp.pem (cucm-lab) holds TFTP here
export const ITL_SHA512 = "itl/ITLFile-sha512.tlv"; // tftp4096.pem (cucm4k-lab) holds CCM+TFTP here
export const ITL_RESIGNED = "itl/ITLFile-resigned.tlv";

export interface SignedVector {
  /** path under vectors/peer */
  file: string;
  kind: "sgn" | "enc" | "itl";
  /** the trust list whose TFTP signer made it (configs only) */
  itl?: string;
  /** the other list, which must refuse it */
  wrongItl?: string;
  /** device whose key opens it (encrypted configs) */
  device?: string;
  /** the expected plaintext under plain/ */
  plain?: string;
}

/** Which file was signed by which signer, per the vectors README (Ringer.raw.sgn: tftp4096.pem). */
function signerListOf(rel: string): { itl: string; wrongItl: string } {
  const by4096 = rel.includes("sha512-rsa4096") || rel.endsWith("Ringer.raw.sgn");
  return by4096 ? { itl: ITL_SHA512, wrongItl: ITL_SHA1 } : { itl: ITL_SHA1, wrongItl: ITL_SHA512 };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(PEER, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(rel));
    else if (/\.(sgn|tlv)$/.test(entry.name)) out.push(rel);
  }
  return out.sort();
}

/** Every signed file the peer made, with what it needs. */
export function signedVectors(): SignedVector[] {
  const list: SignedVector[] = [];
  for (const file of walk("sgn")) {
    const base = file
      .split("/")
      .pop()!
      .replace(/\.sgn$/, "");
    const plain = base.startsWith("SEP") ? undefined : base;
    list.push({ file, kind: "sgn", ...signerListOf(file), plain });
  }
  for (const file of walk("enc")) {
    const device = file
      .split("/")
      .pop()!
      .replace(/\.cnf\.xml\.enc\.sgn$/, "");
    const plain = file.startsWith("enc/big/") ? "big.cnf.xml" : `${device}.cnf.xml`;
    list.push({ file, kind: "enc", ...signerListOf(file), device, plain });
  }
  for (const file of walk("itl")) list.push({ file, kind: "itl" });
  return list;
}

/** PKCS#8/PKCS#1 DER of a device's private key (devices/<name>.pem holds certificate and key). */
export function deviceKeyDer(device: string): Uint8Array {
  return derFromPemOrDer(peerFile(`devices/${device}.pem`), ["PRIVATE KEY", "RSA PRIVATE KEY"], device).der;
}

/** A fresh core with `itl` installed and, optionally, a device key loaded. */
export function coreWith(itl?: string, device?: string): Core {
  const core = newCore();
  if (itl) {
    const r = core.files.installTrustList(peerFile(itl));
    if (!r.installed) throw new Error(`cannot install ${itl}: ${r.reason}`);
  }
  if (device) core.files.loadDeviceKey(deviceKeyDer(device));
  return core;
}

/** The session mode that fully checks a vector of this kind. */
export function modeFor(kind: SignedVector["kind"]): FileModeNumber {
  return kind === "itl" ? FileMode.trustCheck : FileMode.config;
}

// ---- the peer's parser output (*.parsed.txt) as the oracle for inspect

export interface ParsedText {
  header: Map<string, string>;
  records: Map<string, string>[];
  /** the last line, e.g. "Valid signature" */
  verdict: string;
}

/** Blocks of "Label: value" lines separated by blank lines; the last line is the verdict. */
export function parsedText(text: string): ParsedText {
  const blocks = text.trim().split(/\n\s*\n/);
  const toMap = (block: string) =>
    new Map(
      block.split("\n").map((line) => {
        const i = line.indexOf(":");
        return [line.slice(0, i).trim(), line.slice(i + 1).trim()] as [string, string];
      }),
    );
  const verdict = blocks.pop()!;
  const [header, ...records] = blocks.map(toMap);
  return { header, records, verdict };
}

/** inspect's fields equal the peer's, header and every record (the peer spells "Serial Numer"). */
export function assertInspectMatches(got: InspectResult, expected: ParsedText): void {
  const h = expected.header;
  assert.equal(got.version, h.get("Version"));
  assert.equal(`${got.headerLength} bytes`, h.get("Header Length"));
  assert.equal(got.signerVersion, h.get("Signer Version"));
  assert.equal(got.signer.name, h.get("Signer Name"));
  assert.equal(got.signer.issuer, h.get("Issuer Name"));
  assert.equal(got.signer.serial, h.get("Serial Number"));
  assert.equal(String(got.hashAlgorithm).toUpperCase(), h.get("Digest Algorithm"));
  assert.equal(`${got.signatureLength} bytes`, h.get("Signature"));
  assert.equal(got.filename, h.get("Filename"));
  assert.equal(utcText(got.timestamp), h.get("Timestamp"));
  if (h.has("Encryption IV")) {
    assert.ok(got.encryption, "an encrypted file has encryption info");
    assert.equal(`${got.encryption.ivLength} bytes`, h.get("Encryption IV"));
    assert.equal(`${got.encryption.keyLength} bytes`, h.get("Encryption Key"));
    assert.equal(String(got.encryption.hashAlgorithm).toUpperCase(), h.get("Encryption Digest Algorithm"));
    assert.equal(got.encryption.hash, h.get("Encryption Digest"));
  } else assert.equal(got.encryption, undefined);
  const records = got.records ?? [];
  assert.equal(records.length, expected.records.length);
  records.forEach((r, i) => {
    const e = expected.records[i];
    assert.equal(`${r.recordLength} bytes`, e.get("Record Length"));
    assert.equal(r.subject, e.get("Subject Name"));
    assert.equal(r.issuer, e.get("Issuer Name"));
    assert.equal(r.serial, e.get("Serial Numer") ?? e.get("Serial Number"));
    assert.equal(r.role, e.get("Role"));
    assert.equal(`${r.publicKeyLength} bytes`, e.get("Public Key"));
    assert.equal(`${r.signatureLength} bytes`, e.get("Signature"));
    assert.equal(`${r.certificateLength} bytes`, e.get("Certificate"));
    assert.equal(r.keyType, e.get("Key Algorithm"));
    assert.equal(r.certificateSha1, e.get("Certificate Hash"));
  });
  // Where the peer could check the signature on its own (a trust list), so can inspect.
  if (expected.verdict === "Valid signature" && got.version === "1.2") assert.equal(got.signature, "valid");
}

// ---- mutations for the fuzz runs (deterministic: a seeded generator)

/** xorshift32: reproducible runs from a seed printed on failure. */
export class Rng {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

/**
 * One mutated copy: bit flips, byte sets (often to lengths' interesting values),
 * truncation, insertion, deletion or duplication of a span. Mutations favour the
 * header, where the parsing is.
 */
export function mutate(original: Uint8Array, rng: Rng, headerLength: number): Uint8Array {
  let bytes = Uint8Array.from(original);
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    const inHeader = rng.below(4) !== 0 && headerLength > 0;
    const span = inHeader ? Math.min(headerLength, bytes.length) : bytes.length;
    if (span === 0) break;
    const at = rng.below(span);
    switch (rng.below(7)) {
      case 0:
        bytes[at] ^= 1 << rng.below(8);
        break;
      case 1:
        bytes[at] = [0x00, 0x01, 0x02, 0x0c, 0x0d, 0x10, 0x1b, 0x7f, 0x80, 0xff][rng.below(10)];
        break;
      case 2:
        bytes[at] = rng.below(256);
        break;
      case 3:
        bytes = bytes.slice(0, rng.below(bytes.length + 1));
        break;
      case 4: {
        const n = 1 + rng.below(8);
        const extra = Uint8Array.from({ length: n }, () => rng.below(256));
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
        break;
      }
      case 5:
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(Math.min(bytes.length, at + 1 + rng.below(16)))]);
        break;
      default: {
        // A big-endian length or value field set to an edge value.
        const v = [0, 1, 2, 3, 4, 15, 16, 17, 255, 256, 0x7fff, 0xffff][rng.below(12)];
        if (at + 1 < bytes.length) {
          bytes[at] = v >> 8;
          bytes[at + 1] = v & 0xff;
        }
      }
    }
  }
  return bytes;
}

/** Header length of a well-formed vector (bytes 8–9). */
export function headerLengthOf(bytes: Uint8Array): number {
  return (bytes[8] << 8) | bytes[9];
}
