// Every way a signed file can be wrong has its own status code. Files here are laid out
// element by element (so each can be broken on purpose) and signed with node:crypto over
// the file minus the signature element, so only the intended defect is present.

import assert from "node:assert/strict";
import { constants, createCipheriv, createHash, createSign, publicEncrypt, X509Certificate } from "node:crypto";
import { test } from "node:test";
import { FileMode } from "../host/core/fileFacet.js";
import { concatBytes, container, element, stringElement, Tag, u8, u16, u32 } from "../host/shared/signed/headerElements.js";
import { type Signer, signerFromPem } from "../host/shared/signed/signedFileWriter.js";
import { encodeTrustRecord } from "../host/shared/signed/trustListRecord.js";
import { coreWith, ITL_SHA1, peerFile } from "./fuzz/signedCorpus.js";

const tftp = signerFromPem(peerFile("pki/tftp.pem"), "tftp.pem");
const sast = signerFromPem(peerFile("pki/sast.pem"), "sast.pem");
const DEVICE = "SEP001122334455"; // 1024-bit key
const deviceCert = new X509Certificate(peerFile(`devices/${DEVICE}.pem`));
const SIG = "signature" as const;
type Part = Uint8Array | typeof SIG;

function serialOf(s: Signer): Uint8Array {
  const hex = new X509Certificate(s.certificateDer).serialNumber.replace(/^(00)+/, "");
  return Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
}

/** The usual elements, in the peer's order; `change` may replace or drop any by tag. */
function standard(headerLength: number, signer = tftp, change: Partial<Record<number, Part[] | null>> = {}, version = [1, 0]): Part[] {
  const pick = (tag: number, fallback: Part[]): Part[] => (tag in change ? (change[tag] ?? []) : fallback);
  const cert = new X509Certificate(signer.certificateDer);
  const sigIndex = { 128: 1, 256: 2, 512: 3 }[(cert.publicKey.asymmetricKeyDetails!.modulusLength! / 8) as 128 | 256 | 512];
  return [
    ...pick(Tag.version, [element(Tag.version, Uint8Array.from(version))]),
    ...pick(Tag.headerLength, [element(Tag.headerLength, u16(headerLength))]),
    ...pick(Tag.signerInfo, [
      container(
        Tag.signerInfo,
        stringElement(Tag.signerName, cert.subject.replace(/\n/g, ",")),
        stringElement(Tag.issuerName, cert.issuer.replace(/\n/g, ",")),
        ...(pick(Tag.serialNumber, [element(Tag.serialNumber, serialOf(signer))]) as Uint8Array[]),
      ),
    ]),
    ...pick(Tag.signatureInfo, [
      container(
        Tag.signatureInfo,
        ...(pick(Tag.hashAlgorithm, [element(Tag.hashAlgorithm, u8(1))]) as Uint8Array[]),
        container(
          Tag.signatureAlgorithmInfo,
          element(Tag.signatureAlgorithm, u8(0)),
          ...(pick(Tag.modulusSize, [element(Tag.modulusSize, u8(sigIndex))]) as Uint8Array[]),
        ),
      ),
    ]),
    ...pick(Tag.signature, [SIG]),
    ...pick(Tag.filename, [stringElement(Tag.filename, "SEP001122334455.cnf.xml.sgn")]),
    ...pick(Tag.timestamp, [element(Tag.timestamp, u32(1_795_753_074))]),
    ...pick(Tag.encryptionInfo, []),
  ];
}

interface Craft {
  parts: (headerLength: number) => Part[];
  body?: Uint8Array;
  signer?: Signer;
  hash?: "sha1" | "sha256" | "sha512";
  /** added to the true header length written into tag 2 */
  headerLengthDelta?: number;
}

/** HEADER || BODY, padded to a multiple of 4 with tag 13, signed over everything but the signature element. */
function craft(c: Craft): Buffer {
  const signer = c.signer ?? tftp;
  const sigLength = new X509Certificate(signer.certificateDer).publicKey.asymmetricKeyDetails!.modulusLength! / 8;
  const size = (parts: Part[]) => parts.reduce((n, p) => n + (p === SIG ? 3 + sigLength : p.length), 0);
  const unpadded = size(c.parts(0));
  const padding = new Uint8Array((4 - (unpadded % 4)) % 4).fill(Tag.padding);
  const parts = [...c.parts(unpadded + padding.length + (c.headerLengthDelta ?? 0)), padding];
  const at = parts.indexOf(SIG);
  const bytes = (ps: Part[]) => concatBytes(ps.filter((p): p is Uint8Array => p !== SIG));
  const before = bytes(at < 0 ? parts : parts.slice(0, at));
  const after = bytes(at < 0 ? [] : parts.slice(at + 1));
  const body = c.body ?? Buffer.from("<device><fullConfig>false</fullConfig></device>\n");
  const sign = createSign(c.hash ?? "sha1");
  sign.update(before).update(after).update(body);
  const signature = sign.sign(signer.privateKey);
  return Buffer.concat([before, ...(at < 0 ? [] : [element(Tag.signature, signature)]), after, body]);
}

const core = coreWith(ITL_SHA1, DEVICE);
const status = (bytes: Uint8Array, mode: number = FileMode.config) => core.files.run(mode as 0, bytes).verdict.status;

test("a crafted file with the usual layout verifies (the crafting is right)", () => {
  assert.equal(status(craft({ parts: (hl) => standard(hl) })), "OK");
});

test("unknown tags are skipped by length and counted, order beyond 1-then-2 does not matter", () => {
  const odd = craft({
    parts: (hl) => {
      const [v, h, signerInfo, sigInfo, sig, name, time] = standard(hl);
      return [v, h, time, element(40, Uint8Array.from([1, 2, 3])), name, sigInfo, sig, element(0, new Uint8Array(0)), signerInfo];
    },
  });
  assert.equal(status(odd), "OK");
  assert.equal(core.files.inspect(odd).unknownTags, 2);
});

const cases: [string, Craft, string][] = [
  [
    "version not first",
    {
      parts: (hl) => {
        const p = standard(hl);
        return [p[1], p[0], ...p.slice(2)];
      },
    },
    "E_MISSING_VERSION",
  ],
  [
    "header length not second",
    {
      parts: (hl) => {
        const p = standard(hl);
        return [p[0], p[2], p[1], ...p.slice(3)];
      },
    },
    "E_MISSING_HEADER_LENGTH",
  ],
  ["version 3.0", { parts: (hl) => standard(hl, tftp, {}, [3, 0]) }, "E_VERSION"],
  ["header length of 8", { parts: () => standard(8) }, "E_HEADER_LENGTH"],
  ["no signature", { parts: (hl) => standard(hl, tftp, { [Tag.signature]: null }) }, "E_MISSING_SIGNATURE"],
  ["no hash algorithm", { parts: (hl) => standard(hl, tftp, { [Tag.hashAlgorithm]: null }) }, "E_MISSING_HASH_ALGORITHM"],
  ["no serial", { parts: (hl) => standard(hl, tftp, { [Tag.serialNumber]: null }) }, "E_MISSING_SERIAL"],
  ["hash algorithm 4", { parts: (hl) => standard(hl, tftp, { [Tag.hashAlgorithm]: [element(Tag.hashAlgorithm, u8(4))] }) }, "E_HEADER_HASH_ALGORITHM"],
  [
    "tag 11 says 128 bytes, signature has 256",
    { parts: (hl) => standard(hl, tftp, { [Tag.modulusSize]: [element(Tag.modulusSize, u8(1))] }) },
    "E_SIGNATURE_LENGTH",
  ],
  ["3-byte timestamp", { parts: (hl) => standard(hl, tftp, { [Tag.timestamp]: [element(Tag.timestamp, Uint8Array.from([1, 2, 3]))] }) }, "E_ELEMENT_LENGTH"],
  [
    "two filenames",
    { parts: (hl) => standard(hl, tftp, { [Tag.filename]: [stringElement(Tag.filename, "a"), stringElement(Tag.filename, "b")] }) },
    "E_DUPLICATE_ELEMENT",
  ],
  ["header length 2 bytes short of its elements", { parts: (hl) => standard(hl), headerLengthDelta: -2 }, "E_ELEMENT_OVERRUNS_HEADER"],
  [
    "container shorter than its elements",
    {
      parts: (hl) => standard(hl).map((p) => (p !== SIG && p[0] === Tag.signatureInfo ? Uint8Array.from([p[0], 0, p[2] - 1, ...p.subarray(3)]) : p)),
    },
    "E_CONTAINER_LENGTH",
  ],
  ["signer not in the list", { parts: (hl) => standard(hl, sast), signer: sast }, "E_SIGNER_ROLE"],
];

for (const [name, c, expected] of cases) {
  test(`${name}: ${expected}`, () => {
    const bytes = craft(c);
    assert.equal(status(bytes), expected);
    assert.equal(status(bytes, FileMode.inspect), expected === "E_SIGNER_ROLE" ? "OK" : expected);
  });
}

test("a file that ends inside an element or before its header ends is truncated", () => {
  const bytes = craft({ parts: (hl) => standard(hl) });
  assert.equal(status(bytes.subarray(0, 0)), "E_TRUNCATED");
  assert.equal(status(bytes.subarray(0, 5)), "E_TRUNCATED"); // right after the version element
  assert.equal(status(bytes.subarray(0, 7)), "E_ELEMENT_OVERRUNS_FILE"); // inside the header length element
  assert.equal(status(bytes.subarray(0, 200)), "E_ELEMENT_OVERRUNS_FILE"); // inside the signature
});

test("a changed body byte breaks the signature", () => {
  const bytes = craft({ parts: (hl) => standard(hl) });
  bytes[bytes.length - 3] ^= 0x20;
  assert.equal(status(bytes), "E_BAD_SIGNATURE");
});

// ---- 2.0 files

interface Encrypted {
  key?: Buffer;
  iv?: Buffer;
  padding?: number;
  keyAlgorithm?: number;
  hashOf?: Buffer;
  hashLength?: number;
  drop?: number[];
  bodyExtra?: number;
  wrapTo?: Buffer;
}

function encrypted(o: Encrypted = {}): Buffer {
  const plaintext = Buffer.from("<device><sshPassword>s3cret</sshPassword></device>\n");
  const key = o.key ?? Buffer.alloc(16, 7);
  const iv = o.iv ?? Buffer.alloc(16, 9);
  const pad = 16 - (plaintext.length % 16);
  const cipher = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  const body = Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(pad, 0x0d)])), cipher.final(), Buffer.alloc(o.bodyExtra ?? 0)]);
  const wrapped = o.wrapTo ?? publicEncrypt({ key: deviceCert.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const hash = createHash("sha512")
    .update(o.hashOf ?? plaintext)
    .digest()
    .subarray(0, o.hashLength ?? 64);
  const drop = new Set(o.drop ?? []);
  const keep = (tag: number, e: Uint8Array) => (drop.has(tag) ? [] : [e]);
  const encryption = [
    container(
      Tag.encryptionInfo,
      container(
        Tag.ivInfo,
        element(Tag.ivUnknown, u8(0)),
        ...keep(Tag.iv, element(Tag.iv, iv)),
        ...keep(Tag.paddingCount, element(Tag.paddingCount, u16(o.padding ?? pad))),
      ),
      container(
        Tag.keyInfo,
        element(Tag.keyUnknown, u8(0)),
        element(Tag.keySize, u16(wrapped.length * 8)),
        element(Tag.keyAlgorithm, u8(o.keyAlgorithm ?? 1)),
        ...keep(Tag.encryptedKey, element(Tag.encryptedKey, wrapped)),
      ),
    ),
    element(Tag.contentHashAlgorithm, u8(3)),
    ...keep(Tag.contentHash, element(Tag.contentHash, hash)),
  ];
  return craft({ parts: (hl) => standard(hl, tftp, { [Tag.encryptionInfo]: encryption }, [2, 0]), body });
}

test("a crafted 2.0 file opens (the crafting is right)", () => {
  assert.equal(core.files.open(encrypted()).toString(), "<device><sshPassword>s3cret</sshPassword></device>\n");
});

const encryptedCases: [string, Encrypted, string][] = [
  ["no content hash", { drop: [Tag.contentHash] }, "E_MISSING_ENCRYPTION"],
  ["no IV", { drop: [Tag.iv] }, "E_MISSING_ENCRYPTION"],
  ["key algorithm 2", { keyAlgorithm: 2 }, "E_KEY_ALGORITHM"],
  ["padding count 0", { padding: 0 }, "E_PADDING"],
  ["padding count 17", { padding: 17 }, "E_PADDING"],
  ["content hash of 20 bytes for SHA-512", { hashLength: 20 }, "E_ELEMENT_LENGTH"],
  ["body not a multiple of 16", { bodyExtra: 5 }, "E_BODY_LENGTH"],
  ["hash of other plaintext", { hashOf: Buffer.from("other") }, "E_CONTENT_HASH"],
  ["key wrapped for a 2048-bit device", { wrapTo: Buffer.alloc(256, 1) }, "E_KEY_MISMATCH"],
  ["wrap that is not PKCS#1 type 2 (implicit rejection)", { wrapTo: Buffer.alloc(128, 0x11) }, "E_CONTENT_HASH"],
];

for (const [name, o, expected] of encryptedCases) {
  test(`2.0 with ${name}: ${expected}, no plaintext`, () => {
    const r = core.files.run(FileMode.config, encrypted(o));
    assert.equal(r.verdict.status, expected);
    assert.equal(r.output.length, 0);
  });
}

test("2.0 without a device key loaded is refused before any plaintext", () => {
  assert.equal(coreWith(ITL_SHA1).files.run(FileMode.config, encrypted()).verdict.status, "E_RSA_NO_PRIVATE_KEY");
  assert.equal(coreWith(ITL_SHA1).files.verify(encrypted(), "config").status, "OK");
});

// ---- trust-list bodies

function list(records: Uint8Array[]): Buffer {
  return craft({ parts: (hl) => standard(hl, sast, { [Tag.signerVersion]: null }, [1, 2]), body: concatBytes(records), signer: sast });
}
const sastRecord = encodeTrustRecord({ role: "SAST", certificateDer: sast.certificateDer });
const listStatus = (records: Uint8Array[]) => coreWith().files.run(FileMode.trustCheck, list(records)).verdict.status;

test("trust-list records: each defect has its code", () => {
  assert.equal(listStatus([sastRecord]), "OK");
  assert.equal(listStatus([sastRecord.subarray(0, sastRecord.length - 1)]), "E_RECORD_OVERRUN");
  // First element not the record length.
  assert.equal(listStatus([sastRecord, Uint8Array.from([3, 0, 2, 0x41, 0])]), "E_RECORD");
  // Record length of 4.
  assert.equal(listStatus([sastRecord, Uint8Array.from([1, 0, 2, 0, 4])]), "E_RECORD");
  // An element that overruns its record.
  assert.equal(listStatus([sastRecord, Uint8Array.from([1, 0, 2, 0, 10, 3, 0, 9, 0x41, 0])]), "E_RECORD");
  // A record with only a subject: no role, serial or key.
  assert.equal(listStatus([sastRecord, Uint8Array.from([1, 0, 2, 0, 10, 3, 0, 2, 0x41, 0])]), "E_RECORD_INCOMPLETE");
  // No SAST record matching the signer.
  assert.equal(listStatus([encodeTrustRecord({ role: "TFTP", certificateDer: sast.certificateDer })]), "E_TRUST_LIST_SELF");
});
