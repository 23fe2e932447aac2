// `server rotate sast|tftp|capf` and `server init-recovery`: a new certificate and key for one
// role, without stranding a phone (docs/rotation.md). The replaced certificate goes to
// DIR/pki/retired/ (certificate only: its key signs nothing again), the new pair replaces
// DIR/pki/<role>.pem in one rename, and a "pki" change is logged so a running server rebuilds
// every file and CAPF takes the new key for its next sessions. What keeps phones trusting:
// the next trust list is signed by a SAST-role key their current list holds — the SAST itself
// after a TFTP or CAPF rotation (it did not change), the ITLRecovery key after a SAST rotation.
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { certificateInfo } from "../shared/certificateInfo.js";
import { CheckFailedError, IoError } from "../shared/errors.js";
import { fixHints } from "../shared/fixHints.js";
import { certificatePem } from "../shared/pki/certificateBuilder.js";
import { writeFileSafely } from "../shared/safeWrite.js";
import { recordChange } from "./changeLog.js";
import { openDatabase } from "./database.js";
import { advertisedHost } from "./dataFolder.js";
import { readDatabasePointer } from "./db/databasePointer.js";
import {
  type CertifiedKey,
  certifiedKeyPem,
  createItlRecovery,
  createRoleCertificate,
  itlRecoveryPath,
  PKI_FILES,
  pkiDir,
  type RotatableRole,
  readLabPki,
  retiredDir,
  writeNewCertifiedKey,
} from "./labPki.js";
import { trustListSigner } from "./trustListFile.js";

/** A certificate as the rotation commands print it. */
export interface CertificateSummary {
  subject: string;
  /** hex, as `openssl x509 -serial` prints it */
  serial: string;
  notBefore: string;
  notAfter: string;
}

export interface RotationResult {
  role: RotatableRole;
  previous: CertificateSummary;
  current: CertificateSummary;
  /** where the replaced certificate is kept */
  retiredFile: string;
  /** the ITLRecovery key was missing and made now (a folder from before it existed) */
  createdItlRecovery: boolean;
  /** the certificate that signs the next trust list */
  trustListSigner: CertificateSummary;
}

/** Replaces `role`'s certificate and key; the next trust list carries the new certificate. */
export function rotatePki(dataDir: string, role: RotatableRole, now = new Date()): RotationResult {
  refuseClusterFolder(dataDir, "rotate");
  const db = openDatabase(dataDir);
  try {
    const before = readLabPki(dataDir);
    if (!before.itlRecovery && role === "sast") {
      throw new CheckFailedError(
        `${itlRecoveryPath(dataDir)}: missing — the phones' trust lists hold no second SAST, so they would refuse a list signed after the SAST changes; run '${fixHints.initRecovery(dataDir).text}', let every phone boot once (its list then carries the ITLRecovery certificate), then rotate the SAST`,
      );
    }
    const createdItlRecovery = !before.itlRecovery;
    if (createdItlRecovery) writeNewCertifiedKey(itlRecoveryPath(dataDir), createItlRecovery(advertisedHost(db)));
    const previous = before[role];
    const next = createRoleCertificate(role, advertisedHost(db));
    const retiredFile = retire(dataDir, role, previous.certificateDer, now);
    writeFileSafely(join(pkiDir(dataDir), PKI_FILES[role]), certifiedKeyPem(next), 0o600);
    recordChange(db, "pki");
    return {
      role,
      previous: summarize(previous.certificateDer),
      current: summarize(next.certificateDer),
      retiredFile,
      createdItlRecovery,
      trustListSigner: summarize(trustListSigner(readLabPki(dataDir)).certificateDer),
    };
  } finally {
    db.close();
  }
}

export interface RecoveryResult {
  created: boolean;
  file: string;
  certificate: CertificateSummary;
}

/** Makes DIR/pki/itlrecovery.pem when missing (a folder made before it existed); the next lists carry it. */
export function initRecovery(dataDir: string): RecoveryResult {
  refuseClusterFolder(dataDir, "init-recovery");
  const db = openDatabase(dataDir);
  try {
    const file = itlRecoveryPath(dataDir);
    const existing = readLabPki(dataDir).itlRecovery;
    if (existing) return { created: false, file, certificate: summarize(existing.certificateDer) };
    const made: CertifiedKey = createItlRecovery(advertisedHost(db));
    writeNewCertifiedKey(file, made);
    recordChange(db, "pki");
    return { created: true, file, certificate: summarize(made.certificateDer) };
  } finally {
    db.close();
  }
}

/** DIR/pki/retired/<role>-<when>-<serial>.pem: the certificate only. */
function retire(dataDir: string, role: RotatableRole, certificateDer: Uint8Array, now: Date): string {
  const dir = retiredDir(dataDir);
  if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
  const when = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const file = join(dir, `${role}-${when}-${Buffer.from(certificateInfo(certificateDer).serial).toString("hex")}.pem`);
  writeFileSafely(file, certificatePem(certificateDer), 0o600);
  return file;
}

export function summarize(certificateDer: Uint8Array): CertificateSummary {
  const c = new X509Certificate(Buffer.from(certificateDer));
  return {
    subject: c.subject.replace(/\n/g, ","),
    serial: c.serialNumber,
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
  };
}

/** A --database folder keeps its PKI in the database (pkiStore.ts), which rotation does not write yet: refused by name, nothing changed. */
function refuseClusterFolder(dataDir: string, action: string): void {
  if (readDatabasePointer(dataDir) !== undefined) {
    throw new IoError(
      `${dataDir}: server ${action} works on a SQLite data folder only for now — this folder's PKI is in its PostgreSQL database (pkifile), which rotation does not write yet; nothing changed`,
    );
  }
}
