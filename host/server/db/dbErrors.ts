// The named ways a database call fails that are not the statement's fault. IoErrors, so a
// command exits 3; the CAPF service ends a session with the reason, the build layer keeps serving.
import { CheckFailedError, IoError } from "../../shared/errors.js";

/** The database cannot be reached now (refused, dropped, or known down and not yet retried). */
export class DatabaseUnavailableError extends IoError {
  constructor(detail: string) {
    super(`database unavailable: ${detail}`);
    this.name = "DatabaseUnavailableError";
  }
}

/** The database took longer than the deadline to answer one call. */
export class DatabaseTimeoutError extends IoError {
  constructor(ms: number) {
    super(`database timeout: no answer within ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

/**
 * TLS to the database was refused because the server's certificate did not verify against the
 * URL's sslrootcert (or its host is not in the certificate): a check that failed, so exit 1.
 * Only the first connection of an opening throws it; a running node that meets it on a reconnect
 * treats the database as unavailable (with this message) and goes on serving.
 */
export class DatabaseCertificateError extends CheckFailedError {
  constructor(where: string, detail: string) {
    super(
      `${where}: the database server's certificate was refused (${detail}) — sslrootcert= in the URL must name the CA file that issued PostgreSQL's ssl_cert_file, and the URL's host must be in that certificate (sslmode=verify-full)`,
    );
    this.name = "DatabaseCertificateError";
  }
}

/** node:tls's codes for a peer certificate that did not verify (or does not name the host). */
const CERTIFICATE_CODES =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH)$/;

export function isCertificateRefusal(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE_CODES.test(code);
}
