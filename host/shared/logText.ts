// The one way a peer-supplied string enters a log line or an error message: control
// characters (C0, DEL, C1, the Unicode line and paragraph separators) shown as escapes, so a
// peer can never start a forged line or send terminal escape sequences, and a length cap, so
// a 60 KB name never becomes a 240 KB line. Used by the HTTP, TFTP and CAPF services alike.

/** Characters kept from a peer string by default; at most 4 output characters each. */
export const DEFAULT_LOGGED_CHARS = 200;

/** Every log line the services write is cut to this many characters (after escaping). */
export const MAX_LOG_LINE = 4096;

const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

/** `s` with control characters escaped (\xHH, \uHHHH), cut to `max` characters of input with a "…(N more)" mark. */
export function printable(s: string, max = DEFAULT_LOGGED_CHARS): string {
  const kept = s.length > max ? s.slice(0, max) : s;
  const escaped = kept.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
  return s.length > max ? `${escaped}…(${s.length - max} more)` : escaped;
}

/** A whole log line made safe: escaped (a no-op on fields already escaped) and cut to MAX_LOG_LINE. */
export function logLine(line: string): string {
  const safe = printable(line, MAX_LOG_LINE);
  return safe.length > MAX_LOG_LINE ? `${safe.slice(0, MAX_LOG_LINE - 12)}…(cut)` : safe;
}
