// Shared by the CAPF tests: the recorded peer sessions, their keys, an in-memory CapfStore and
// a fresh lab PKI (a manufacturer CA for MIC authentication, a CAPF that is not the trusted one).
import crypto, { type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { vectorsDir } from "../../host/paths.js";
import { type CapfCompletion, type CapfDevice, type CapfServiceOptions, type CapfStore, startCapfService } from "../../host/server/capfService.js";
import { createCertificate } from "../../host/shared/pki/certificateBuilder.js";

export const capfVectorsDir = resolve(vectorsDir, "peer", "capf");

export interface RecordedMessage {
  from: "capf" | "phone";
  command: number;
  hex: string;
}

/** A recorded session (`vectors/peer/capf/NAME.json`). */
export function readRecording(name: string): RecordedMessage[] {
  return JSON.parse(readFileSync(resolve(capfVectorsDir, `${name}.json`), "utf8")).messages;
}

/** The first certificate (DER) and private key of a PEM file under vectors/peer/capf. */
export function readPemFile(relativePath: string): { certificateDer: Buffer; privateKey?: KeyObject; pem: string } {
  const pem = readFileSync(resolve(capfVectorsDir, relativePath), "utf8");
  const keyBlock = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(pem);
  return {
    certificateDer: new crypto.X509Certificate(pem).raw,
    privateKey: keyBlock ? crypto.createPrivateKey(keyBlock[0]) : undefined,
    pem,
  };
}

/** The peer's MD5 of each issued certificate's DER (`keys/md5hash.txt`), by device name. */
export function recordedMd5Hashes(): Map<string, string> {
  const lines = readFileSync(resolve(capfVectorsDir, "keys", "md5hash.txt"), "utf8")
    .trim()
    .split("\n");
  return new Map(lines.map((line) => line.split(/\s+/)).map(([hash, name]) => [name, hash]));
}

/** The peer's CAPF (CN=CAPF-lab): TLS certificate and LSC issuer of the recorded sessions. */
export function capfLab(): { certificateDer: Buffer; privateKey: KeyObject; pem: string } {
  const { certificateDer, privateKey, pem } = readPemFile("capf-lab.pem");
  return { certificateDer, privateKey: privateKey!, pem };
}

/** A CapfStore in memory that remembers every completion, in order. */
export class MemoryCapfStore implements CapfStore {
  readonly devices = new Map<string, CapfDevice>();
  readonly completions: Array<{ name: string; completion: CapfCompletion }> = [];

  add(device: CapfDevice): this {
    this.devices.set(device.name, device);
    return this;
  }

  findDevice(name: string): CapfDevice | undefined {
    const device = this.devices.get(name);
    return device ? { ...device } : undefined;
  }

  completeOperation(name: string, completion: CapfCompletion): void {
    const device = this.devices.get(name);
    if (!device) throw new Error(`no device ${name}`);
    this.completions.push({ name, completion });
    device.operation = "none";
    device.certificateDer = "deleted" in completion ? undefined : completion.certificateDer;
  }
}

/** A self-signed CA (a stand-in manufacturer CA, or a CAPF the phone does not trust). */
export function makeCa(commonName: string): { certificateDer: Buffer; privateKey: KeyObject } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const certificateDer = Buffer.from(
    createCertificate({
      subject: [
        ["CN", commonName],
        ["O", "Lab"],
      ],
      publicKey,
      selfSigningKey: privateKey,
      ca: true,
      keyUsage: ["keyCertSign", "digitalSignature"],
    }),
  );
  return { certificateDer, privateKey };
}

/** A leaf certificate for a phone, issued by `issuer`, with a new key of the given kind. */
export function makePhoneCertificate(
  commonName: string,
  issuer: { certificateDer: Buffer; privateKey: KeyObject },
  key: "rsa" | "ec" = "rsa",
): { certDer: Buffer; privateKey: KeyObject } {
  const pair = key === "rsa" ? crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }) : crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const certDer = Buffer.from(
    createCertificate({
      subject: [["CN", commonName]],
      publicKey: pair.publicKey,
      issuer,
      keyUsage: ["digitalSignature", "keyEncipherment"],
      extKeyUsage: ["clientAuth"],
    }),
  );
  return { certDer, privateKey: pair.privateKey };
}

export function md5Hex(bytes: Buffer): string {
  return crypto.createHash("md5").update(bytes).digest("hex");
}

/** Element tags of an encoded message, in order (read independently of the codec under test). */
export function elementTags(bytes: Buffer): number[] {
  const tags: number[] = [];
  for (let at = 8; at < bytes.length; at += 3 + bytes.readUInt16BE(at + 1)) tags.push(bytes[at]);
  return tags;
}

/** Runs `body` against a CAPF service with the peer's lab CAPF key on a free port of 127.0.0.1, closed afterwards. */
export async function withCapfService(
  store: CapfStore,
  body: (port: number, log: string[]) => Promise<void>,
  extra: Partial<CapfServiceOptions> = {},
): Promise<void> {
  const lab = capfLab();
  const log: string[] = [];
  const service = await startCapfService({
    bind: "127.0.0.1",
    port: 0,
    key: lab.privateKey,
    cert: lab.certificateDer,
    store,
    log: (l) => log.push(l),
    ...extra,
  });
  try {
    await body(service.port, log);
  } finally {
    await service.close();
  }
}
