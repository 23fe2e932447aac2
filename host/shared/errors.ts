// The error kinds every layer throws and the exit codes they map to. They live here, not
// in the CLI, so the server and the phone never import command-line code.

/** Exit codes scripts can rely on. */
export const Exit = {
  OK: 0,
  /** the operation ran and the answer is "no": verification failed, a check failed */
  FAILED: 1,
  /** bad arguments or usage */
  USAGE: 2,
  /** a file could not be read or written, a service could not be reached */
  IO: 3,
} as const;

/** Bad arguments or input the caller can fix; the CLI prints the message and the usage line (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A named input or output cannot be used, or a service cannot be reached (exit 3). */
export class IoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IoError";
  }
}

/** The input was read and checked, and the answer is no (exit 1): e.g. a trust list that cannot be installed. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailedError";
  }
}
