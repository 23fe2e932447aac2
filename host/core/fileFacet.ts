// Signed files, trust lists and encrypted configs through the core's file engine
// (assembly/abi/fileAbi.md). The core decides; this facet only moves bytes in
// window-sized chunks and turns registers and OUT into typed values.

import { HeaderBytes as B, Bank, Event, FileRegister, HeaderRegister, Mode, RecordBytes, RecordRegister, Role } from "../generated/abi.js";
import { STATUS } from "../generated/status.js";
import { type HeaderHash, headerHashFromTag } from "../shared/hashAlgorithms.js";
import { toHex } from "./hex.js";
import { RsaFacet, type RsaKeyInfo } from "./rsaFacet.js";
import { CoreError, type WasmCore } from "./wasmInstance.js";

/** Session modes of file_begin. */
export const FileMode = {
  config: Mode.CONFIG,
  trustInstall: Mode.TRUST_INSTALL,
  trustCheck: Mode.TRUST_CHECK,
  inspect: Mode.INSPECT,
  configVerify: Mode.CONFIG_VERIFY,
} as const;
export type FileModeNumber = (typeof FileMode)[keyof typeof FileMode];

const BANK_INSTALLED = Bank.INSTALLED;
const BANK_PARSED = Bank.PARSED;
const F = HeaderRegister;

const ROLE_NAMES: Record<number, string> = { 0: "SAST", 1: "CCM", 2: "CCM+TFTP", 3: "TFTP", 4: "CAPF", 7: "APP-SERVER", 21: "TVS" };
const KEY_TYPES: Record<number, KeyType> = { 1: "RSA", 2: "EC", 3: "RSA" };

/** A header hash by name (the numbers are in host/shared/hashAlgorithms.ts). */
export type HashName = HeaderHash;
export type KeyType = "RSA" | "EC" | "unknown";

export interface SignedFileHeader {
  version: "1.0" | "2.0" | "1.2" | string;
  headerLength: number;
  /** trust lists only (tag 28) */
  signerVersion?: string;
  signer: { name: string; issuer: string; serial: string };
  hashAlgorithm: HashName | number;
  signatureLength: number;
  filename: string;
  timestamp: number;
  /** elements with tags the reader does not know, skipped by length */
  unknownTags: number;
  encryption?: {
    ivLength: number;
    keyLength: number;
    keySize: number;
    keyAlgorithm: number;
    padding: number;
    hashAlgorithm: HashName | number;
    hash: string;
  };
}

export interface TrustRecord {
  /** "SAST", "CCM", "CCM+TFTP", "TFTP", "CAPF", "APP-SERVER", "TVS" or the number */
  role: string;
  roleNumber: number;
  subject: string;
  issuer: string;
  /** lowercase hex, as in the record */
  serial: string;
  keyType: KeyType;
  /** hex SHA-1 of the certificate DER (tag 9), computed by the core */
  certificateSha1: string;
  recordLength: number;
  publicKeyLength: number;
  signatureLength: number;
  certificateLength: number;
  /** RSA modulus bytes when the core can use the key (0 otherwise) */
  modulusBytes: number;
  /** the uncompressed point of an EC key (hex) */
  ecPoint?: string;
}

export interface InspectResult extends SignedFileHeader {
  records?: TrustRecord[];
  /** what the core found when it checked the signature: "valid" or the status name */
  signature: string;
}

/** The outcome of a whole-file session that does not throw. */
export interface FileVerdict {
  ok: boolean;
  /** "OK" or the status name, e.g. "E_BAD_SIGNATURE" */
  status: string;
  code: number;
  /** the sentence for the status */
  message: string;
  /** the record whose key signed it: a verified config's installed TFTP record, an installed list's own SAST */
  signer?: TrustRecord;
}

export type TrustInstallResult = { installed: true; records: number } | { installed: false; kept: true; reason: string; code: number; message: string };

/** A trust list offered to the store in one session: the verdict, its header and its signer together. */
export interface TrustListOffer extends FileVerdict {
  installed: boolean;
  /** records of the installed list (after an install), else 0 */
  records: number;
  /** the list's header, once it was read (also for most refusals) */
  header?: SignedFileHeader;
}

/** A signed config opened in one session: the verdict, its header, its signer and (verified only) its plaintext. */
export interface SignedOpenResult extends FileVerdict {
  header?: SignedFileHeader;
  /** the verified body: a 1.0 config as signed, a 2.0 config decrypted */
  plaintext?: Buffer;
}

const NO_SIGNER = 0xffffffff;

function statusName(code: number): string {
  return code === 0 ? "OK" : (STATUS.get(code)?.name ?? `STATUS_${code}`);
}

function verdict(code: number): FileVerdict {
  return { ok: code === 0, status: statusName(code), code, message: code === 0 ? "verified" : (STATUS.get(code)?.sentence ?? `core status ${code}`) };
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
/** A header or record string: UTF-8 up to its terminating NUL. */
function text(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

const hex = toHex;

/** Copy the output window's OUT_LENGTH bytes into target at `at`; returns the new end. */
function copyOut(w: WasmCore, target: Uint8Array, at: number): number {
  const produced = w.reg(FileRegister.OUT_LENGTH);
  if (at + produced > target.length) throw new RangeError(`file output past its ${target.length}-byte buffer`);
  target.set(w.viewOut(produced), at);
  return at + produced;
}

function versionText(v: number): string {
  return `${v >> 8}.${v & 0xff}`;
}

/**
 * One streaming session of the file engine. push() returns provisional output
 * (plaintext of a config); finish() returns the last piece and throws CoreError
 * unless the file is verified. Output is provisional until finish() returns.
 * A core runs one session at a time: starting another ends this one.
 */
export class FileSession {
  /** Set as soon as the header is complete. */
  header?: SignedFileHeader;

  constructor(
    private readonly facet: FileFacet,
    readonly mode: FileModeNumber,
  ) {
    facet.w.check(facet.w.exports.file_begin(mode), "file session");
    facet.activeSession = this;
    facet.counters.sessions++;
  }

  private ensureActive(): void {
    if (this.facet.activeSession !== this) throw new Error("file session: another session was started on this core since; start this file again");
  }

  /** Feed bytes (any length) a window at a time, calling `each` after every window's feed. */
  private feed(chunk: Uint8Array, each: (w: WasmCore) => void): void {
    this.ensureActive();
    const w = this.facet.w;
    this.facet.counters.bytesFed += chunk.length;
    for (let off = 0; off < chunk.length; off += w.inCap) {
      const piece = chunk.subarray(off, off + w.inCap);
      w.writeIn(piece);
      const status = w.exports.file_feed(piece.length);
      if (status !== 0) throw new CoreError(status, "file");
      each(w);
    }
  }

  /** Feed bytes (any length); returns copies of the provisional output they produced. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.feed(chunk, (w) => {
      const produced = w.reg(FileRegister.OUT_LENGTH);
      const ready = (w.reg(FileRegister.EVENTS) & Event.HEADER_READY) !== 0;
      // Copy the output before reading the header: both use OUT.
      if (produced > 0) out.push(w.readOut(produced));
      if (ready) this.header = this.facet.readHeader();
    });
    return out;
  }

  /**
   * Feed bytes and copy the output they produce straight into `target` from `at` (one copy,
   * no header decoding: for open(), which wants only the plaintext); returns the new end.
   * RangeError when target is too small.
   */
  pushInto(chunk: Uint8Array, target: Uint8Array, at: number): number {
    this.feed(chunk, (w) => {
      at = copyOut(w, target, at);
    });
    return at;
  }

  /** finish() into `target` from `at`, as pushInto; returns the end of the output. */
  finishInto(target: Uint8Array, at: number): number {
    this.ensureActive();
    const w = this.facet.w;
    const status = w.exports.file_finish();
    if (status !== 0) throw new CoreError(status, "file");
    return copyOut(w, target, at);
  }

  /** End of file: the last output, or CoreError with the rejection. */
  finish(): Uint8Array {
    this.ensureActive();
    const w = this.facet.w;
    const status = w.exports.file_finish();
    if (status !== 0) throw new CoreError(status, "file");
    return w.readOut(w.reg(FileRegister.OUT_LENGTH));
  }
}

export class FileFacet {
  private readonly rsa: RsaFacet;
  /** The session the core's engine is running now (one at a time). */
  activeSession?: FileSession;
  /** Sessions begun and bytes fed on this core: lets a host (and its tests) see that each file goes through once. */
  readonly counters = { sessions: 0, bytesFed: 0 };

  constructor(readonly w: WasmCore) {
    this.rsa = new RsaFacet(w);
  }

  /** Start a streaming session. */
  session(mode: FileModeNumber): FileSession {
    return new FileSession(this, mode);
  }

  /**
   * Run a whole file through the engine in chunks of `chunkSize` bytes and
   * report everything (never throws for a rejection): used by verify, the tests
   * and the benchmark.
   */
  run(
    mode: FileModeNumber,
    bytes: Uint8Array,
    chunkSize = this.w.inCap,
  ): { verdict: FileVerdict; output: Buffer; header?: SignedFileHeader; signatureStatus: number; recordCount: number } {
    const session = new FileSession(this, mode);
    const pieces: Uint8Array[] = [];
    const step = Math.max(1, Math.min(chunkSize, this.w.inCap));
    try {
      for (let off = 0; off < bytes.length; off += step) pieces.push(...session.push(bytes.subarray(off, off + step)));
      pieces.push(session.finish());
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      return { verdict: verdict(e.code), output: Buffer.alloc(0), header: session.header, signatureStatus: -1, recordCount: 0 };
    }
    return {
      verdict: verdict(0),
      output: Buffer.concat(pieces),
      header: session.header,
      signatureStatus: this.w.reg(FileRegister.SIGNATURE_STATUS),
      recordCount: this.w.reg(FileRegister.RECORD_COUNT),
    };
  }

  /** The header fields of the current session (valid once its header is complete). */
  readHeader(): SignedFileHeader {
    const w = this.w;
    w.check(w.exports.file_header_info(), "file header");
    const r = (i: number) => w.reg(i);
    const regs = {
      version: r(F.VERSION),
      headerLength: r(F.HEADER_LENGTH),
      hash: r(F.HASH_ALGORITHM),
      signatureLength: r(F.SIGNATURE_LENGTH),
      timestamp: r(F.TIMESTAMP),
      signerVersion: r(F.SIGNER_VERSION),
      ivLength: r(F.IV_LENGTH),
      padding: r(F.PADDING),
      keySize: r(F.KEY_SIZE),
      keyAlgorithm: r(F.KEY_ALGORITHM),
      wrappedKeyLength: r(F.WRAPPED_KEY_LENGTH),
      contentAlg: r(F.CONTENT_HASH_ALGORITHM),
      unknownTags: r(F.UNKNOWN_TAGS),
      seen: r(F.SEEN),
    };
    const bytes = (sel: number) => {
      w.check(w.exports.file_header_bytes(sel), "file header");
      return w.readOut(w.reg(0));
    };
    const header: SignedFileHeader = {
      version: versionText(regs.version),
      headerLength: regs.headerLength,
      signer: { name: text(bytes(B.SIGNER_NAME)), issuer: text(bytes(B.SIGNER_ISSUER)), serial: hex(bytes(B.SERIAL)) },
      hashAlgorithm: headerHashFromTag(regs.hash) ?? regs.hash,
      signatureLength: regs.signatureLength,
      filename: text(bytes(B.FILENAME)),
      timestamp: regs.timestamp,
      unknownTags: regs.unknownTags,
    };
    if ((regs.seen & (1 << 28)) !== 0) header.signerVersion = versionText(regs.signerVersion);
    if (regs.version === 0x0200) {
      header.encryption = {
        ivLength: regs.ivLength,
        keyLength: regs.wrappedKeyLength,
        keySize: regs.keySize,
        keyAlgorithm: regs.keyAlgorithm,
        padding: regs.padding,
        hashAlgorithm: headerHashFromTag(regs.contentAlg) ?? regs.contentAlg,
        hash: hex(bytes(B.CONTENT_HASH)),
      };
    }
    return header;
  }

  /** Parse a signed file or trust list, check what can be checked, decide nothing. Throws CoreError when malformed. */
  inspect(bytes: Uint8Array): InspectResult {
    const session = this.session(FileMode.inspect);
    session.push(bytes);
    session.finish();
    const sig = this.w.reg(FileRegister.SIGNATURE_STATUS);
    const result: InspectResult = { ...session.header!, signature: sig === 0 ? "valid" : statusName(sig) };
    if (result.version === "1.2") result.records = this.records(BANK_PARSED);
    return result;
  }

  /**
   * Offer a trust list to the store: installed on first use or when signed by
   * an installed SAST; otherwise the old list stays and the reason is returned.
   */
  installTrustList(bytes: Uint8Array): TrustInstallResult {
    const r = this.offerTrustList(bytes);
    if (r.installed) return { installed: true, records: r.records };
    return { installed: false, kept: true, reason: r.status, code: r.code, message: r.message };
  }

  /** installTrustList with everything the one session found: verdict, header and the signing SAST record. */
  offerTrustList(bytes: Uint8Array): TrustListOffer {
    const { verdict: v, header } = this.run(FileMode.trustInstall, bytes);
    if (!v.ok) return { ...v, installed: false, records: 0, header };
    const signer = this.signer();
    return { ...v, installed: true, records: this.w.exports.file_record_count(BANK_INSTALLED), header, signer };
  }

  /**
   * Verify a signed config and open it in one session (mode config): a 1.0 body as signed, a
   * 2.0 body decrypted with the loaded device key. Never throws for a rejection: the verdict
   * says why, and the plaintext is there only when verified.
   */
  openSigned(bytes: Uint8Array): SignedOpenResult {
    const { verdict: v, header, output } = this.run(FileMode.config, bytes);
    if (!v.ok) return { ...v, header };
    return { ...v, header, signer: this.signer(), plaintext: output };
  }

  /** The record that signed the file of the last successful session (REG3/REG4), if any. */
  private signer(): TrustRecord | undefined {
    const index = this.w.reg(FileRegister.SIGNER_INDEX);
    const bank = this.w.reg(FileRegister.SIGNER_BANK);
    return index === NO_SIGNER ? undefined : this.records(bank)[index];
  }

  /**
   * Verify without keeping anything. kind "config": a .sgn/.enc.sgn signed by a
   * TFTP or CCM+TFTP record of the installed list (the body is not decrypted);
   * "trust-list": self-signed by its SAST and, when a list is installed, by an
   * installed SAST.
   */
  verify(bytes: Uint8Array, kind: "config" | "trust-list"): FileVerdict {
    const { verdict: v } = this.run(kind === "config" ? FileMode.configVerify : FileMode.trustCheck, bytes);
    if (v.ok && kind === "config") v.signer = this.signer();
    return v;
  }

  /** Verify and decrypt (2.0) or pass through (1.0) a config: the plaintext only when verified, else CoreError. */
  open(bytes: Uint8Array): Buffer {
    const session = this.session(FileMode.config);
    // The plaintext is never longer than the file (the body is the padded plaintext, or the
    // content itself), so one buffer of that size takes every piece with a single copy each.
    const out = Buffer.allocUnsafe(bytes.length);
    try {
      return out.subarray(0, session.finishInto(out, session.pushInto(bytes, out, 0)));
    } catch (e) {
      out.fill(0); // provisional plaintext of a file that failed never leaves, even in memory
      throw e;
    }
  }

  /**
   * Streaming open: yields provisional plaintext chunks as the file arrives, then
   * one final { verified: true }. A rejection throws CoreError; everything yielded
   * before it must then be discarded.
   */
  async *openStream(source: AsyncIterable<Uint8Array>): AsyncGenerator<{ provisional: Uint8Array } | { verified: true; header: SignedFileHeader }> {
    const session = this.session(FileMode.config);
    for await (const chunk of source) {
      for (const piece of session.push(chunk)) yield { provisional: piece };
    }
    const last = session.finish();
    if (last.length > 0) yield { provisional: last };
    yield { verified: true, header: session.header! };
  }

  /** Records of the installed trust list. */
  trustRecords(): TrustRecord[] {
    return this.records(BANK_INSTALLED);
  }

  /** The installed list's CAPF record(s): the CAPF TLS certificate must match one (by certificate SHA-1). */
  capfRecords(): TrustRecord[] {
    return this.trustRecords().filter((r) => r.roleNumber === Role.CAPF);
  }

  /** Load the device private key (PKCS#1 or PKCS#8 DER) used to open encrypted configs. */
  loadDeviceKey(der: Uint8Array): RsaKeyInfo {
    return this.rsa.loadPrivateKey(der);
  }

  /** Forget the installed trust list. */
  clearTrust(): void {
    this.w.check(this.w.exports.file_store_clear(), "trust store");
  }

  private records(bank: number): TrustRecord[] {
    const w = this.w;
    const n = w.exports.file_record_count(bank);
    const list: TrustRecord[] = [];
    for (let i = 0; i < n; i++) {
      w.check(w.exports.file_record_info(bank, i), "trust record");
      // Every number is read before the byte copies, which reuse REG0.
      const R = RecordRegister;
      const [role, keyType, recordLength, publicKeyLength, signatureLength, certificateLength, modulusBytes] = [
        R.ROLE,
        R.KEY_TYPE,
        R.RECORD_LENGTH,
        R.KEY_LENGTH,
        R.SIGNATURE_LENGTH,
        R.CERTIFICATE_LENGTH,
        R.MODULUS_BYTES,
      ].map((k) => w.reg(k));
      const bytes = (sel: number) => {
        w.check(w.exports.file_record_bytes(bank, i, sel), "trust record");
        return w.readOut(w.reg(0));
      };
      const record: TrustRecord = {
        role: ROLE_NAMES[role] ?? String(role),
        roleNumber: role,
        subject: text(bytes(RecordBytes.SUBJECT)),
        issuer: text(bytes(RecordBytes.ISSUER)),
        serial: hex(bytes(RecordBytes.SERIAL)),
        keyType: KEY_TYPES[keyType] ?? "unknown",
        certificateSha1: certificateLength > 0 ? hex(bytes(RecordBytes.CERT_SHA1)) : "",
        recordLength,
        publicKeyLength,
        signatureLength,
        certificateLength,
        modulusBytes,
      };
      const point = bytes(RecordBytes.EC_POINT);
      if (point.length > 0) record.ecPoint = hex(point);
      list.push(record);
    }
    return list;
  }
}
