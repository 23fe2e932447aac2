// The one way cnfguard writes a file a person or a phone will read: never through a planted
// link and never over a special file. OUT must be absent or a regular file (a symlink, FIFO,
// device or folder at OUT is refused, nothing written); the data goes to a side file created
// exclusively (O_EXCL|O_NOFOLLOW) under an unguessable name in the same folder, is fsynced,
// and is renamed over OUT — readers see the old file or the new one, never a part.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IoError } from "./errors.js";

/** What kind of thing is at `path` when it is not a regular file, else undefined (also when absent). */
function specialKind(path: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  if (stat.isFile()) return undefined;
  if (stat.isSymbolicLink()) return "a symbolic link";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isDirectory()) return "a folder";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

/** Writes `data` to `path` safely (see above); throws IoError naming `label` and the path. */
export function writeFileSafely(path: string, data: string | Uint8Array, mode = 0o600, label = path): void {
  let kind: string | undefined;
  try {
    kind = specialKind(path);
  } catch (e) {
    throw new IoError(`${label}: cannot check the output (${(e as Error).message})`);
  }
  if (kind) throw new IoError(`${label}: exists and is ${kind}, not a regular file — refusing to write through or over it; remove it or choose another name`);
  const aside = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(aside, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(aside, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(aside);
    } catch {
      // never created, or already renamed
    }
    throw new IoError(`${label}: cannot write (${(e as Error).message}); check the folder exists and is writable`);
  }
  syncFolder(dirname(path));
}

/** The rename is durable once the folder is synced; best effort (not every file system allows it). */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // a folder that cannot be opened or synced: the data is written, only durability is weaker
  }
}
