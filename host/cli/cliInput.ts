// The input and output files every file command handles the same way: reads bounded by
// MAX_FILE_BYTES (an fs error or a huge input is an IoError naming the option and the file,
// exit 3), writes through the one safe writer, and a trust list given with --itl installed into
// a fresh core. inspect, verify, decrypt, sign, encrypt, itl and certhash share these, so no
// command imports another for them.
import { type Core, newCore } from "../core.js";
import { fsErrorReason, readBoundedFile } from "../shared/boundedRead.js";
import { CheckFailedError } from "../shared/errors.js";
import { writeFileSafely } from "../shared/safeWrite.js";

/** "<name>: <what went wrong> (<fix>)" for an fs error met while streaming a file. */
export function fileErrorMessage(e: unknown, name: string): string {
  return `${name}: ${fsErrorReason(e)}`;
}

/** The whole file, bounded; `what` names the option or argument it came from ("--itl", "FILE"). */
export async function readInput(file: string, what = ""): Promise<Buffer> {
  return readBoundedFile(file, what);
}

/** OUT written safely: never through a link or over a special file, whole or not at all. */
export async function writeOutput(out: string, bytes: Uint8Array): Promise<void> {
  writeFileSafely(out, bytes, 0o644, out);
}

/** A fresh core with INSTALLED.tlv installed (trust on first use); CheckFailedError naming the file otherwise. */
export async function coreWithTrustList(itlFile: string): Promise<Core> {
  const core = newCore();
  const installed = core.files.installTrustList(await readInput(itlFile, "--itl"));
  if (!installed.installed) {
    // A verification failure (exit 1), not a usage error: the option was given right, the file is bad.
    throw new CheckFailedError(
      `--itl ${itlFile}: this trust list cannot be installed: ${installed.message} (${installed.reason}); give the phone's valid ITLFile.tlv`,
    );
  }
  return core;
}
