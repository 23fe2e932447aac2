// One line per boot step, in the order of the seed's packet trace: the file (and its size and
// transport) when there is one, what was checked, and the outcome. --json prints the objects.

export interface TraceStep {
  /** trust-list, config, cert-hash, capf-tls, capf-session, reset, wait, encrypted-config, apply, state */
  step: string;
  file?: string;
  size?: number;
  via?: string;
  check: string;
  outcome: string;
  ok: boolean;
}

/** A boot that could not end with a verified config; `name` is stable for scripts. */
export class PhoneFailure extends Error {
  constructor(
    readonly failure: string,
    message: string,
  ) {
    super(message);
    this.name = "PhoneFailure";
  }
}

export function stepLine(s: TraceStep): string {
  const file = s.file ? ` ${s.file}${s.size !== undefined ? ` (${s.size} bytes${s.via ? ` via ${s.via}` : ""})` : ""}` : "";
  return `${s.ok ? "  " : "✗ "}${s.step.padEnd(16)}${file} — ${s.check}: ${s.outcome}`;
}

/** Failures that mean the server could not be reached or answered too slowly: `phone` exits 3 (network), not 1. */
export function isNetworkFailure(name: string): boolean {
  return (
    name === "timeout" ||
    name.endsWith("-unavailable") ||
    name === "capf-unreachable" ||
    name === "capf-busy" ||
    name === "capf-timeout" ||
    name === "capf-connect"
  );
}
