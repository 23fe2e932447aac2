// The named ways a database call fails that are not the statement's fault. IoErrors, so a
// command exits 3; the CAPF service ends a session with the reason, the build layer keeps serving.
import { IoError } from "../../shared/errors.js";

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
