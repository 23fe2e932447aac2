// `cnfguard verify FILE [--itl INSTALLED.tlv]`: is this signed file or trust list one a
// phone would accept? Exit 0 when valid; otherwise exit 1 and one line saying why.

import { CoreError, newCore } from "../core.js";
import { coreWithTrustList, readInput } from "./cliInput.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard verify FILE [--itl INSTALLED.tlv] [--json]

FILE is a trust list (.tlv) or a signed config (.sgn, .enc.sgn).
  trust list:     without --itl, it must be signed by its own SAST record (first use);
                  with --itl, it must also be signed by a SAST of INSTALLED.tlv (replacement).
  signed config:  --itl is required; the signer must hold role TFTP or CCM+TFTP there.
                  An .enc.sgn is checked without decrypting (see cnfguard decrypt).

options:
  --itl FILE   the trust list the phone has installed
  --json       print {"file","kind","verified","status","message"}

exit codes: 0 valid · 1 refused (the line says why) · 2 bad arguments · 3 a file cannot be read`;

/** True when the header's version element (bytes 3–4) says 1.2, a trust list. */
export function isTrustList(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && bytes[0] === 1 && bytes[3] === 1 && bytes[4] === 2;
}

const OPTIONS = { itl: { type: "string" }, json: { type: "boolean" } } as const;

export const command: Command = {
  summary: "verify a signed file or trust list against a trust list",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError("name exactly one FILE to verify");
    const file = positionals[0];
    const bytes = await readInput(file, "FILE");
    const trustList = isTrustList(bytes);
    if (!trustList && !values.itl) {
      const problem = headerProblem(bytes);
      if (problem) {
        process.stderr.write(`${file}: refused: not a signed file or trust list (${problem})\n`);
        return Exit.FAILED;
      }
      throw new UsageError(`${file} is a signed config: give the installed trust list with --itl ITLFile.tlv`);
    }
    const core = values.itl ? await coreWithTrustList(values.itl) : newCore();
    const result = core.files.verify(bytes, trustList ? "trust-list" : "config");
    const kind = trustList ? "trust list" : "signed config";
    if (values.json) {
      const signer = result.signer && { subject: result.signer.subject, role: result.signer.role, serial: result.signer.serial };
      process.stdout.write(JSON.stringify({ file, kind, verified: result.ok, status: result.status, message: result.message, signer }) + "\n");
    } else if (result.ok) {
      const by = result.signer ? `, signed by ${result.signer.subject} (${result.signer.role}, serial ${result.signer.serial})` : "";
      process.stdout.write(`${file}: valid ${kind}${values.itl ? ` (checked against ${values.itl}${by})` : " (signed by its own SAST record)"}\n`);
    } else {
      process.stderr.write(`${file}: refused: ${result.message} (${result.status})\n`);
    }
    return result.ok ? Exit.OK : Exit.FAILED;
  },
};

/** Why `bytes` has no well-formed signed header, or undefined when it has one. */
function headerProblem(bytes: Uint8Array): string | undefined {
  try {
    newCore().files.inspect(bytes);
    return undefined;
  } catch (e) {
    if (e instanceof CoreError) return e.message.replace(/^file: /, "");
    throw e;
  }
}
