// The lab PKI of a fresh CUCM, made by `server init` and read by `server start`:
// a self-signed SAST (signs trust lists), the TFTP/CallManager certificate (signs
// configs), the CAPF certificate (TLS server and LSC issuer) and a lab manufacturing CA
// for phones' MICs. Each lives in DIR/pki/<name>.pem as certificate then private key, 0600.
// Besides them: the ITLRecovery key (DIR/pki/itlrecovery.pem, listed as a second SAST in every
// trust list so a list signed by it is accepted after the SAST changes, docs/rotation.md) and
// the certificates `server rotate` replaced (DIR/pki/retired/<role>-<when>-<serial>.pem, certificate
// only). A folder made with --database keeps all of them in its database instead (pkiStore.ts).
import { createPrivateKey, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../shared/errors.js";
import { type CertificateOptions, certificatePem, createCertificate, type DistinguishedName, privateKeyPem } from "../shared/pki/certificateBuilder.js";
import { type PkiText, readPkiTexts, readRetiredTexts, writePkiTexts } from "./pkiStore.js";

export interface CertifiedKey {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

export interface LabPki {
  sast: CertifiedKey;
  tftp: CertifiedKey;
  capf: CertifiedKey;
  micCa: CertifiedKey;
  /** absent in a folder made before it existed (`server init-recovery` or the first `server rotate` makes it) */
  itlRecovery?: CertifiedKey;
  /** certificates `server rotate` replaced, oldest first */
  retired?: RetiredCertificate[];
}

/** The roles `server rotate` replaces. */
export type RotatableRole = "sast" | "tftp" | "capf";
export const ROTATABLE_ROLES: readonly RotatableRole[] = ["sast", "tftp", "capf"];

export interface RetiredCertificate {
  role: RotatableRole;
  certificateDer: Uint8Array;
}

/** The four certificates every folder has. */
export type PkiRole = "sast" | "tftp" | "capf" | "micCa";

export const ITL_RECOVERY_FILE = "itlrecovery.pem";
/** CUCM lets the ITLRecovery certificate live 5 to 20 years: it is the anchor of every later list, so the longest */
const ITL_RECOVERY_DAYS = 20 * 365;

export const PKI_FILES: Record<PkiRole, string> = {
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

/** Makes the four RSA-2048 certificates and the ITLRecovery key; `host` names the cluster in their subjects. */
export function createLabPki(host: string): LabPki {
  return {
    sast: createRoleCertificate("sast", host),
    tftp: createRoleCertificate("tftp", host),
    capf: createRoleCertificate("capf", host),
    micCa: createRoleCertificate("micCa", host),
    itlRecovery: createItlRecovery(host),
  };
}

/** A new certificate and key for `role`, as `server init` makes them (and `server rotate` again). */
export function createRoleCertificate(role: PkiRole, host: string): CertifiedKey {
  return selfSigned(roleTemplate(role, clusterName(host)));
}

/** The ITLRecovery certificate: a SAST-role signer of trust lists kept apart from the SAST. */
export function createItlRecovery(host: string): CertifiedKey {
  return selfSigned({
    subject: [
      ["CN", `ITLRECOVERY_${clusterName(host)}`],
      ["O", "Cisco"],
      ["OU", "ITLRecovery"],
    ],
    keyUsage: ["digitalSignature", "keyCertSign"],
    ca: true,
    days: ITL_RECOVERY_DAYS,
  });
}

function clusterName(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, "-");
}

function roleTemplate(role: PkiRole, cn: string): Omit<CertificateOptions, "publicKey" | "selfSigningKey"> {
  const org: DistinguishedName = [
    ["O", "Cisco"],
    ["OU", "It"],
  ];
  switch (role) {
    case "sast":
      return {
        subject: [
          ["CN", `SAST-${cn}`],
          ["O", "SAST"],
          ["OU", "SAST"],
        ],
        keyUsage: ["digitalSignature", "keyCertSign"],
        ca: true,
      };
    case "tftp":
      return { subject: [["CN", cn], ...org], keyUsage: ["digitalSignature", "keyEncipherment"], extKeyUsage: ["serverAuth", "clientAuth"] };
    case "capf":
      return {
        subject: [["CN", `CAPF-${cn}`], ...org],
        ca: true,
        pathLength: 0,
        keyUsage: ["digitalSignature", "keyEncipherment", "keyCertSign"],
        extKeyUsage: ["serverAuth", "clientAuth"],
      };
    case "micCa":
      return {
        subject: [
          ["CN", "Lab Manufacturing CA"],
          ["O", "cnfguard lab"],
        ],
        ca: true,
        keyUsage: ["digitalSignature", "keyCertSign"],
      };
  }
}

/** The tomcat certificate: a self-signed TLS server certificate for the host and 127.0.0.1. */
export function createTomcat(host: string): CertifiedKey {
  const cn = clusterName(host);
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
  writePkiTexts(dataDir, { [TOMCAT_FILE]: certifiedKeyPem(tomcat) });
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
  const files: Record<string, string> = {};
  for (const [role, file] of Object.entries(PKI_FILES) as [PkiRole, string][]) files[file] = certifiedKeyPem(pki[role]);
  if (pki.itlRecovery) files[ITL_RECOVERY_FILE] = certifiedKeyPem(pki.itlRecovery);
  writePkiTexts(dataDir, files); // DIR/pki, or the database of a --database folder (pkiStore.ts)
}

export function certifiedKeyPem(key: CertifiedKey): string {
  return certificatePem(key.certificateDer) + privateKeyPem(key.privateKey);
}

export function itlRecoveryPath(dataDir: string): string {
  return join(pkiDir(dataDir), ITL_RECOVERY_FILE);
}

export function readLabPki(dataDir: string): LabPki {
  const texts = readPkiTexts(dataDir, Object.values(PKI_FILES), [ITL_RECOVERY_FILE]);
  const read = (role: PkiRole) => parseCertifiedKey(texts[PKI_FILES[role]]);
  const recovery = texts[ITL_RECOVERY_FILE];
  const itlRecovery = recovery ? parseCertifiedKey(recovery) : undefined;
  return { sast: read("sast"), tftp: read("tftp"), capf: read("capf"), micCa: read("micCa"), itlRecovery, retired: readRetired(dataDir) };
}

/** The certificates `server rotate` replaced (DIR/pki/retired/ or the database, pkiStore.ts), oldest first. */
function readRetired(dataDir: string): RetiredCertificate[] {
  return readRetiredTexts(dataDir).map((r) => {
    try {
      return { role: r.role as RotatableRole, certificateDer: new Uint8Array(new X509Certificate(r.text).raw) };
    } catch (e) {
      throw new IoError(`${r.where}: not a PEM certificate (${(e as Error).message})`);
    }
  });
}

/** A PEM file holding one certificate and its private key (either order). */
export function readCertifiedKey(path: string): CertifiedKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new IoError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code}) — was the data folder made by 'server init'?`);
  }
  return parseCertifiedKey({ text, where: path });
}

/** PEM text holding one certificate and its private key (either order); `where` names it in errors. */
export function parseCertifiedKey({ text, where: path }: PkiText): CertifiedKey {
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
