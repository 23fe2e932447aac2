// Reading a whole input file with a bound. Every file cnfguard reads whole — signed configs,
// trust lists, keys, certificates — is one a phone downloads or a server serves, and the phone
// refuses any download over MAX_FILE_BYTES; so nothing larger is legitimate. A regular file's
// size is checked before reading (a sparse 100 GB file ends at once); anything else (a FIFO,
// /dev/zero) is read up to the bound and refused past it.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { IoError } from "./errors.js";

/** The largest file a phone downloads (HTTP and TFTP), and so the largest input the CLI reads whole. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** The whole of `path`, or IoError naming `what` and `path` (missing, a folder, unreadable, too large). */
export function readBoundedFile(path: string, what: string, max = MAX_FILE_BYTES): Buffer {
  const label = what ? `${what} ${path}` : path;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    throw new IoError(`${label}: ${fsErrorReason(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new IoError(`${label}: is a directory (name a file)`);
    if (stat.isFile() && stat.size > max) throw tooLarge(label, `is ${stat.size} bytes`, max);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw tooLarge(label, "goes on", max);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof IoError) throw e;
    throw new IoError(`${label}: ${fsErrorReason(e)}`);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(label: string, size: string, max: number): IoError {
  return new IoError(
    `${label}: ${size} past the limit of ${max} bytes (${max / 1048576} MiB, the largest file a phone downloads) — not a config, trust list, key or certificate`,
  );
}

/** What an fs error means for the person who named the file, with the fix in brackets. */
export function fsErrorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && FS_REASONS[err.code]) ?? err.message;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: "no such file (check the path)",
  EISDIR: "is a directory (name a file)",
  EACCES: "permission denied (check the file's permissions)",
  EPERM: "permission denied (check the file's permissions)",
  ENOTDIR: "a part of the path is not a folder (check the path)",
  EROFS: "the file system is read-only (write somewhere else)",
  ENOSPC: "no space left on the device (free some space)",
};
