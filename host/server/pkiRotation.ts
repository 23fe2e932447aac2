// `server rotate sast|tftp|capf` and `server init-recovery`: a new certificate and key for one
// role, without stranding a phone (docs/rotation.md). The replaced certificate is retired
// (certificate only: its key signs nothing again) and the new pair replaces the role's file, with
// a "pki" change logged (pkiStore.changePki): in DIR/pki for a SQLite folder, in the database
// for a --database folder — so a rotation through one node reaches every node of the cluster,
// whose servers rebuild every file and hand CAPF the new key for its next sessions. What keeps
// phones trusting: the next trust list is signed by a SAST-role key their current list holds —
// the SAST itself after a TFTP or CAPF rotation (it did not change), the ITLRecovery key after a
// SAST rotation.
import { X509Certificate } from "node:crypto";
import { certificateInfo } from "../shared/certificateInfo.js";
import { CheckFailedError } from "../shared/errors.js";
import { fixHints } from "../shared/fixHints.js";
import { certificatePem } from "../shared/pki/certificateBuilder.js";
import { openDatabase } from "./database.js";
import { advertisedHost } from "./dataFolder.js";
import {
  type CertifiedKey,
  certifiedKeyPem,
  createItlRecovery,
  createRoleCertificate,
  ITL_RECOVERY_FILE,
  PKI_FILES,
  type RotatableRole,
  readLabPki,
} from "./labPki.js";
import { changePki, pkiWhere } from "./pkiStore.js";
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
  const db = openDatabase(dataDir);
  try {
    const before = readLabPki(dataDir);
    if (!before.itlRecovery && role === "sast") {
      throw new CheckFailedError(
        `${pkiWhere(dataDir, ITL_RECOVERY_FILE)}: missing — the phones' trust lists hold no second SAST, so they would refuse a list signed after the SAST changes; run '${fixHints.initRecovery(dataDir).text}', let every phone boot once (its list then carries the ITLRecovery certificate), then rotate the SAST`,
      );
    }
    const createdItlRecovery = !before.itlRecovery;
    const add: Record<string, string> = createdItlRecovery ? { [ITL_RECOVERY_FILE]: certifiedKeyPem(createItlRecovery(advertisedHost(db))) } : {};
    const previous = before[role];
    const next = createRoleCertificate(role, advertisedHost(db));
    const { retiredWhere } = changePki(dataDir, db, {
      add,
      replace: { [PKI_FILES[role]]: certifiedKeyPem(next) },
      retire: { name: retiredName(role, previous.certificateDer, now), role, pem: certificatePem(previous.certificateDer) },
    });
    return {
      role,
      previous: summarize(previous.certificateDer),
      current: summarize(next.certificateDer),
      retiredFile: retiredWhere ?? "",
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

/** Makes the ITLRecovery key when missing (a folder made before it existed); the next lists carry it. */
export function initRecovery(dataDir: string): RecoveryResult {
  const db = openDatabase(dataDir);
  try {
    const file = pkiWhere(dataDir, ITL_RECOVERY_FILE);
    const existing = readLabPki(dataDir).itlRecovery;
    if (existing) return { created: false, file, certificate: summarize(existing.certificateDer) };
    const made: CertifiedKey = createItlRecovery(advertisedHost(db));
    changePki(dataDir, db, { add: { [ITL_RECOVERY_FILE]: certifiedKeyPem(made) } });
    return { created: true, file, certificate: summarize(made.certificateDer) };
  } finally {
    db.close();
  }
}

/** <role>-<when>-<serial hex>: the retired certificate's name (its file name without .pem). */
function retiredName(role: RotatableRole, certificateDer: Uint8Array, now: Date): string {
  const when = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${role}-${when}-${Buffer.from(certificateInfo(certificateDer).serial).toString("hex")}`;
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
