// The administrator's reports over the device table: LSCs by state (none, valid, expiring
// within N days, expired) and whether the current CAPF certificate issued them; CAPF operations
// (pending, deadlines, last outcome, unknown devices CAPF clients named); rows whose md5hash is
// not the MD5 of their stored certificate. Each row is plain data: the CLI prints text, JSON or CSV.
import { createHash, X509Certificate } from "node:crypto";
import type { CertificateOperationStatus } from "../shared/capfStatus.js";
import { UsageError } from "../shared/errors.js";
import type { Db } from "./database.js";
import { listDevices } from "./deviceStore.js";
import { readLabPki } from "./labPki.js";

/** The reports by name (`cnfguard report NAME`, the Reports page), each with its columns in order. */
export const REPORT_COLUMNS = {
  lsc: ["name", "profile", "state", "notBefore", "notAfter", "daysLeft", "issuerCurrent", "issuerPrevious", "issuer"],
  capf: ["name", "capfoperation", "capfoperationdeadline", "overdue", "certificateOperationStatus", "certificateOperationStatusAt", "sessions"],
  "cert-hash": ["name", "md5hash", "computed", "problem"],
} as const satisfies Record<string, readonly string[]>;

export type ReportName = keyof typeof REPORT_COLUMNS;
export const REPORT_NAMES = Object.keys(REPORT_COLUMNS) as ReportName[];

/** A report row as printed: the CLI's --json object, the page's table row. */
export type ReportRow = Record<string, string | number | boolean | null>;

/** The "expiring" window of the LSC report unless --days (or the page's days) says otherwise. */
export const DEFAULT_EXPIRING_DAYS = 30;

/** `--days N` checked: whole days; undefined is the default. */
export function expiringDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_EXPIRING_DAYS;
  if (!/^[0-9]{1,5}$/.test(text)) throw new UsageError(`--days '${text.slice(0, 20)}': give whole days, e.g. --days 30`);
  return Number(text);
}

/**
 * One report's rows — the one function behind `cnfguard report NAME` and the Reports page, so
 * the two always agree. The LSC report judges issuers by the CAPF certificates in `dataDir`
 * (the current one and those `server rotate capf` retired).
 */
export function reportRows(which: ReportName, db: Db, dataDir: string, o: { days?: number; now?: Date } = {}): ReportRow[] {
  if (which === "lsc") {
    const pki = readLabPki(dataDir);
    const previousCapf = (pki.retired ?? []).filter((r) => r.role === "capf").map((r) => r.certificateDer);
    return lscReport(db, pki.capf.certificateDer, { days: o.days ?? DEFAULT_EXPIRING_DAYS, now: o.now, previousCapf }) as unknown as ReportRow[];
  }
  if (which === "capf") return capfReport(db, o.now) as unknown as ReportRow[];
  return certHashReport(db) as unknown as ReportRow[];
}

export type LscState = "none" | "valid" | "expiring" | "expired";

export interface LscRow {
  name: string;
  profile: string;
  state: LscState;
  notBefore: string | null;
  notAfter: string | null;
  /** whole days from now to notAfter (negative once expired), null without a certificate */
  daysLeft: number | null;
  /** the certificate's issuer, one line */
  issuer: string | null;
  /** true when the current CAPF certificate signed it (false for a MIC, a previous CAPF, none) */
  issuerCurrent: boolean;
  /** true when a CAPF certificate `server rotate capf` replaced signed it: it still authenticates until the phone re-enrols */
  issuerPrevious: boolean;
}

/** Devices by LSC state; `days` is the "expiring" window; `previousCapf` the CAPF certificates rotated out. */
export function lscReport(db: Db, capfCertificateDer: Uint8Array, o: { days: number; now?: Date; previousCapf?: readonly Uint8Array[] }): LscRow[] {
  const now = o.now ?? new Date();
  const capf = new X509Certificate(Buffer.from(capfCertificateDer));
  const previous = (o.previousCapf ?? []).map((der) => new X509Certificate(Buffer.from(der)));
  return listDevices(db).map((d) => {
    const base = { name: d.name, profile: d.profile.name };
    const cert = d.certificate ? parse(d.certificate) : undefined;
    if (!cert) return { ...base, state: "none", notBefore: null, notAfter: null, daysLeft: null, issuer: null, issuerCurrent: false, issuerPrevious: false };
    const notAfter = new Date(cert.validTo);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
    const state: LscState = notAfter <= now ? "expired" : notAfter.getTime() - now.getTime() <= o.days * 86_400_000 ? "expiring" : "valid";
    return {
      ...base,
      state,
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: notAfter.toISOString(),
      daysLeft,
      issuer: cert.issuer.replace(/\n/g, ","),
      issuerCurrent: issuedBy(cert, capf),
      issuerPrevious: previous.some((p) => issuedBy(cert, p)),
    };
  });
}

export interface CapfRow {
  name: string;
  capfoperation: string;
  capfoperationdeadline: string | null;
  /** the deadline has passed with the operation still scheduled */
  overdue: boolean;
  certificateOperationStatus: CertificateOperationStatus;
  certificateOperationStatusAt: string | null;
  /** CAPF sessions that named this device (unknown devices only; null for known ones) */
  sessions: number | null;
}

/** Pending operations and last outcomes (devices with either), then the unknown names CAPF saw. */
export function capfReport(db: Db, now: Date = new Date()): CapfRow[] {
  const known: CapfRow[] = listDevices(db)
    .filter((d) => d.capfoperation !== "none" || d.certificateOperationStatus !== "none")
    .map((d) => ({
      name: d.name,
      capfoperation: d.capfoperation,
      capfoperationdeadline: d.capfoperationdeadline,
      overdue: d.capfoperation !== "none" && d.capfoperationdeadline !== null && new Date(d.capfoperationdeadline) < now,
      certificateOperationStatus: d.certificateOperationStatus,
      certificateOperationStatusAt: d.certificateoperationstatusat,
      sessions: null,
    }));
  const unknown = db
    .prepare<{ name: string; lastseen: string; sessions: number }>("SELECT name, lastseen, sessions FROM capfunknowndevice ORDER BY lastseen DESC")
    .all()
    .map(
      (u): CapfRow => ({
        name: u.name,
        capfoperation: "none",
        capfoperationdeadline: null,
        overdue: false,
        certificateOperationStatus: "unknownDevice",
        certificateOperationStatusAt: u.lastseen,
        sessions: u.sessions,
      }),
    );
  return [...known, ...unknown];
}

export interface CertHashRow {
  name: string;
  md5hash: string | null;
  /** MD5 of the stored certificate's DER, null without one */
  computed: string | null;
  problem: "mismatch" | "md5hash without certificate" | "certificate without md5hash";
}

/** Rows whose md5hash is not the MD5 of their stored certificate (what the phones compare). */
export function certHashReport(db: Db): CertHashRow[] {
  const rows: CertHashRow[] = [];
  for (const d of listDevices(db)) {
    const computed = d.certificate ? certificateMd5(d.certificate) : null;
    if (computed === d.md5hash) continue;
    const problem = computed === null ? "md5hash without certificate" : d.md5hash === null ? "certificate without md5hash" : "mismatch";
    rows.push({ name: d.name, md5hash: d.md5hash, computed, problem });
  }
  return rows;
}

/** The md5hash a certificate should have: lowercase hex MD5 of its DER (what phones compare). */
export function certificateMd5(der: Uint8Array): string {
  return createHash("md5").update(der).digest("hex");
}

function parse(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch {
    return undefined;
  }
}

/** Issued by `issuer`: its subject is the certificate's issuer and its key verifies the signature. */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}
