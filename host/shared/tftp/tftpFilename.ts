// The transport's own rule for requested names, applied before any resolver is asked:
// a TFTP name is a plain relative name, never a way out of the served folder. The
// resolver behind it (the server's renderer) applies the content rules.

/** Longest name we look at; CUCM's file names are far shorter. */
export const MAX_FILENAME_LENGTH = 255;

/** Why `name` is refused, or null when it may be passed to the resolver. */
export function unsafeFilenameReason(name: string): string | null {
  if (name.length === 0) return "empty file name";
  if (name.length > MAX_FILENAME_LENGTH) return `file name longer than ${MAX_FILENAME_LENGTH} characters`;
  if (/[\x00-\x1f\x7f]/.test(name)) return "control character in file name";
  if (name.includes("\\")) return "backslash in file name";
  if (name.startsWith("/")) return "absolute path";
  if (/^[A-Za-z]:/.test(name)) return "drive-letter path";
  if (name.includes("..")) return "'..' in file name";
  return null;
}
