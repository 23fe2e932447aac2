// The phone's flash: one folder holding what survives a reset — the installed trust list,
// the MIC and its key (with the lab manufacturing CA that issued it), the LSC and its key,
// and the last verified full config. Every write goes aside first and is renamed into place,
// so a failed boot never leaves half a file; keys are mode 0600.
import { createPrivateKey, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { HashFacet } from "../core/hashFacet.js";
import { core } from "../core.js";
import { deviceFileNames } from "../shared/deviceNames.js";
import { readPemBlocks } from "../shared/pem.js";
import { certificatePem, createCertificate, privateKeyPem } from "../shared/pki/certificateBuilder.js";
import { writeFileSafely } from "../shared/safeWrite.js";

/** A certificate the phone holds, with its private key. */
export interface HeldCertificate {
  kind: "lsc" | "mic";
  certificateDer: Buffer;
  privateKey: KeyObject;
  /** lowercase hex MD5 of the DER (by the core): what the server's certHash must equal */
  md5: string;
}

export const STATE_FILES = {
  trustList: "ITL.tlv",
  micCa: "mic-ca.pem",
  mic: "mic.pem",
  micKey: "mic.key",
  lsc: "lsc.pem",
  lscKey: "lsc.key",
} as const;

export class PhoneState {
  constructor(
    readonly dir: string,
    readonly deviceName: string,
    /** the core that hashes certificates (certHash); the boot flow passes its own */
    private readonly hash: HashFacet = core().hash,
  ) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  get configPath(): string {
    return this.path(deviceFileNames(this.deviceName).config);
  }

  /** Creates the folder, and a lab MIC when it holds none (or installs the one given). */
  prepare(mic?: { certificateDer: Buffer; privateKey: KeyObject }): { createdMic: boolean } {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (mic) {
      this.writeCertified(STATE_FILES.mic, STATE_FILES.micKey, mic.certificateDer, mic.privateKey);
      return { createdMic: false };
    }
    if (existsSync(this.path(STATE_FILES.mic))) return { createdMic: false };
    const issued = createLabMic(this.deviceName);
    writeAtomically(this.path(STATE_FILES.micCa), certificatePem(issued.caDer) + privateKeyPem(issued.caKey), 0o600);
    this.writeCertified(STATE_FILES.mic, STATE_FILES.micKey, issued.certificateDer, issued.privateKey);
    return { createdMic: true };
  }

  trustList(): Buffer | undefined {
    return readOptional(this.path(STATE_FILES.trustList));
  }

  saveTrustList(bytes: Uint8Array): void {
    writeAtomically(this.path(STATE_FILES.trustList), bytes, 0o644);
  }

  mic(): HeldCertificate | undefined {
    return this.held("mic", STATE_FILES.mic, STATE_FILES.micKey);
  }

  lsc(): HeldCertificate | undefined {
    return this.held("lsc", STATE_FILES.lsc, STATE_FILES.lscKey);
  }

  /** The certificate the phone presents: its LSC, else its MIC. */
  current(): HeldCertificate | undefined {
    return this.lsc() ?? this.mic();
  }

  /** The lab manufacturing CA certificate that issued a lab MIC (DER), for servers that must trust it. */
  micIssuer(): Buffer | undefined {
    const pem = readOptional(this.path(STATE_FILES.micCa));
    const block = pem && readPemBlocks(pem, this.path(STATE_FILES.micCa)).find((b) => b.label === "CERTIFICATE");
    return block ? Buffer.from(block.der) : undefined;
  }

  saveLsc(certificateDer: Buffer, privateKey: KeyObject): void {
    this.writeCertified(STATE_FILES.lsc, STATE_FILES.lscKey, certificateDer, privateKey);
  }

  deleteLsc(): void {
    rmSync(this.path(STATE_FILES.lsc), { force: true });
    rmSync(this.path(STATE_FILES.lscKey), { force: true });
  }

  savedConfig(): Buffer | undefined {
    return readOptional(this.configPath);
  }

  saveConfig(plaintext: Uint8Array): void {
    writeAtomically(this.configPath, plaintext, 0o600);
  }

  private held(kind: "lsc" | "mic", certFile: string, keyFile: string): HeldCertificate | undefined {
    const certPem = readOptional(this.path(certFile));
    const keyPem = readOptional(this.path(keyFile));
    if (!certPem || !keyPem) return undefined;
    const certificateDer = Buffer.from(new X509Certificate(certPem).raw);
    return { kind, certificateDer, privateKey: createPrivateKey(keyPem), md5: this.hash.digestHex("md5", certificateDer) };
  }

  /** Key first, then certificate: a certificate file never names a key that is not there. */
  private writeCertified(certFile: string, keyFile: string, certificateDer: Uint8Array, privateKey: KeyObject): void {
    writeAtomically(this.path(keyFile), privateKeyPem(privateKey), 0o600);
    writeAtomically(this.path(certFile), certificatePem(certificateDer), 0o644);
  }
}

/** Reads a PEM file holding a CERTIFICATE and a PRIVATE KEY (the --mic option). */
export function readCertifiedPem(path: string): { certificateDer: Buffer; privateKey: KeyObject } {
  const text = readFileSync(path);
  const blocks = readPemBlocks(text, path);
  const cert = blocks.find((b) => b.label === "CERTIFICATE");
  const key = blocks.find((b) => b.label.endsWith("PRIVATE KEY"));
  if (!cert || !key) throw new Error(`${path}: needs a CERTIFICATE block and a PRIVATE KEY block (the MIC and its key in one PEM file)`);
  const keyPem = text.toString("latin1").slice(text.toString("latin1").indexOf(`-----BEGIN ${key.label}-----`));
  return { certificateDer: Buffer.from(cert.der), privateKey: createPrivateKey(keyPem) };
}

function createLabMic(deviceName: string): { caDer: Uint8Array; caKey: KeyObject; certificateDer: Buffer; privateKey: KeyObject } {
  const ca = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const caDer = createCertificate({
    subject: [
      ["CN", "cnfguard Lab Phone Manufacturing CA"],
      ["O", "cnfguard lab"],
    ],
    publicKey: ca.publicKey,
    selfSigningKey: ca.privateKey,
    ca: true,
    keyUsage: ["digitalSignature", "keyCertSign"],
  });
  const phone = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificateDer = createCertificate({
    subject: [
      ["CN", deviceName],
      ["O", "cnfguard lab"],
    ],
    publicKey: phone.publicKey,
    issuer: { certificateDer: caDer, privateKey: ca.privateKey },
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["clientAuth"],
  });
  return { caDer, caKey: ca.privateKey, certificateDer: Buffer.from(certificateDer), privateKey: phone.privateKey };
}

function readOptional(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** Write beside the target, then rename: readers see the old file or the new one, never a part. */
export function writeAtomically(path: string, data: string | Uint8Array, mode: number): void {
  writeFileSafely(path, data, mode);
}
