// The lab PKI of a fresh CUCM, made by `server init` and read by `server start`:
// a self-signed SAST (signs trust lists), the TFTP/CallManager certificate (signs
// configs), the CAPF certificate (TLS server and LSC issuer) and a lab manufacturing CA
// for phones' MICs. Each lives in DIR/pki/<name>.pem as certificate then private key, 0600.
import { createPrivateKey, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../shared/errors.js";
import { type CertificateOptions, certificatePem, createCertificate, type DistinguishedName, privateKeyPem } from "../shared/pki/certificateBuilder.js";

export interface CertifiedKey {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

export interface LabPki {
  sast: CertifiedKey;
  tftp: CertifiedKey;
  capf: CertifiedKey;
  micCa: CertifiedKey;
}

export const PKI_FILES: Record<keyof LabPki, string> = {
  sast: "sast.pem",
  tftp: "tftp.pem",
  capf: "capf.pem",
  micCa: "mic-ca.pem",
};

/** The admin pages' HTTPS certificate, CUCM's "tomcat" certificate: apart from the four phones rely on. */
export const TOMCAT_FILE = "tomcat.pem";

export function pkiDir(dataDir: string): string {
  return join(dataDir, "pki");
}

/** Makes the four RSA-2048 certificates; `host` names the cluster in their subjects. */
export function createLabPki(host: string): LabPki {
  const cn = host.replace(/[^A-Za-z0-9.-]/g, "-");
  const org: DistinguishedName = [
    ["O", "Cisco"],
    ["OU", "It"],
  ];
  return {
    sast: selfSigned({
      subject: [
        ["CN", `SAST-${cn}`],
        ["O", "SAST"],
        ["OU", "SAST"],
      ],
      keyUsage: ["digitalSignature", "keyCertSign"],
      ca: true,
    }),
    tftp: selfSigned({
      subject: [["CN", cn], ...org],
      keyUsage: ["digitalSignature", "keyEncipherment"],
      extKeyUsage: ["serverAuth", "clientAuth"],
    }),
    capf: selfSigned({
      subject: [["CN", `CAPF-${cn}`], ...org],
      ca: true,
      pathLength: 0,
      keyUsage: ["digitalSignature", "keyEncipherment", "keyCertSign"],
      extKeyUsage: ["serverAuth", "clientAuth"],
    }),
    micCa: selfSigned({
      subject: [
        ["CN", "Lab Manufacturing CA"],
        ["O", "cnfguard lab"],
      ],
      ca: true,
      keyUsage: ["digitalSignature", "keyCertSign"],
    }),
  };
}

/** The tomcat certificate: a self-signed TLS server certificate for the host and 127.0.0.1. */
export function createTomcat(host: string): CertifiedKey {
  const cn = host.replace(/[^A-Za-z0-9.-]/g, "-");
  return selfSigned({
    subject: [
      ["CN", cn],
      ["O", "Cisco"],
      ["OU", "tomcat"],
    ],
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["serverAuth"],
    altNames: [...new Set([host, "127.0.0.1", "localhost"])],
    days: 825,
  });
}

/** Writes DIR/pki/tomcat.pem (certificate then key), mode 0600, never overwriting. */
export function writeTomcat(dataDir: string, tomcat: CertifiedKey): void {
  writeFileSync(join(pkiDir(dataDir), TOMCAT_FILE), certificatePem(tomcat.certificateDer) + privateKeyPem(tomcat.privateKey), { mode: 0o600, flag: "wx" });
}

export function tomcatPath(dataDir: string): string {
  return join(pkiDir(dataDir), TOMCAT_FILE);
}

function selfSigned(o: Omit<CertificateOptions, "publicKey" | "selfSigningKey">): CertifiedKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificateDer = createCertificate({ ...o, publicKey, selfSigningKey: privateKey, hash: "sha256" });
  return { certificateDer, privateKey };
}

/** Writes DIR/pki/*.pem (certificate then key), mode 0600, never overwriting. */
export function writeLabPki(dataDir: string, pki: LabPki): void {
  for (const [role, file] of Object.entries(PKI_FILES) as [keyof LabPki, string][]) {
    const { certificateDer, privateKey } = pki[role];
    writeFileSync(join(pkiDir(dataDir), file), certificatePem(certificateDer) + privateKeyPem(privateKey), { mode: 0o600, flag: "wx" });
  }
}

export function readLabPki(dataDir: string): LabPki {
  const read = (role: keyof LabPki) => readCertifiedKey(join(pkiDir(dataDir), PKI_FILES[role]));
  return { sast: read("sast"), tftp: read("tftp"), capf: read("capf"), micCa: read("micCa") };
}

/** A PEM file holding one certificate and its private key (either order). */
export function readCertifiedKey(path: string): CertifiedKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new IoError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code}) — was the data folder made by 'server init'?`);
  }
  try {
    return { certificateDer: new Uint8Array(new X509Certificate(text).raw), privateKey: createPrivateKey(text) };
  } catch (e) {
    throw new IoError(`${path}: needs a PEM certificate and its private key (${(e as Error).message})`);
  }
}

/** The first certificate of a PEM or DER file, as DER; `flag` names the option in errors. */
export function readCertificateFile(path: string, flag: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new IoError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    return new Uint8Array(new X509Certificate(bytes).raw);
  } catch (e) {
    throw new IoError(`${flag} ${path}: not a PEM or DER certificate (${(e as Error).message})`);
  }
}
