// `cnfguard sign FILE --cert SIGNER.pem`: writes FILE.sgn, a version 1.0 signed file (formats.md §1),
// as the TFTP service signs configs, ring tones and soft-key files.
import { basename } from "node:path";
import { certificateInfo } from "../shared/certificateInfo.js";
import { DEFAULT_SIGNING_HASH, type SigningHash, signingHashChoices, signingHashProblem } from "../shared/hashAlgorithms.js";
import { PemError } from "../shared/pem.js";
import { type FileHash, type Signer, signerFromPem, signFile } from "../shared/signed/signedFileWriter.js";
import { readInput, writeOutput } from "./cliInput.js";
import { type Command, Exit, eitherName, parse, UsageError } from "./common.js";

const help = `usage: cnfguard sign FILE --cert SIGNER.pem [--hash ${signingHashChoices()}] [-o|--out|--output OUT] [--filename NAME] [--timestamp SECONDS] [--json]

Signs FILE as a version 1.0 signed file (.sgn): a header naming the signer, then FILE's bytes.
Phones accept it when SIGNER's certificate is in their trust list with role TFTP or CCM+TFTP.

options:
  --cert SIGNER.pem     the signing certificate and its RSA private key in one PEM file
                        (e.g. the server's pki/tftp.pem)
  --hash ${signingHashChoices()}    signature hash (default ${DEFAULT_SIGNING_HASH}; phones accept only these)
  -o, --out, --output OUT output file (default FILE.sgn)
  --filename NAME       the name written into the header (default OUT's base name)
  --timestamp SECONDS   header timestamp, seconds since 1970 UTC (default now)
  --json                print {"file","out","bytes","headerLength","hash","signer"} instead

exit codes: 0 written · 1 SIGNER unusable · 2 bad arguments · 3 a file could not be read or written`;

/** The options sign, encrypt and itl share. */
export const signingOptions = {
  hash: { type: "string" },
  out: { type: "string", short: "o" },
  output: { type: "string" },
  filename: { type: "string" },
  timestamp: { type: "string" },
  json: { type: "boolean" },
} as const;

const OPTIONS = { ...signingOptions, cert: { type: "string" } } as const;

export const command: Command = {
  summary: "sign a file as a version 1.0 .sgn with a TFTP certificate and key",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one FILE at a time (got ${positionals.length})` : "name the FILE to sign");
    if (!values.cert) throw new UsageError("--cert SIGNER.pem is required (the signing certificate and its private key)");
    const file = positionals[0];
    const out = eitherName(values, "out", "output") ?? `${file}.sgn`;
    const hash = hashOption(values.hash);
    const timestamp = timestampOption(values.timestamp);
    const body = await readInput(file);
    const signer = await loadSigner(values.cert, "--cert");
    const signed = signFile(body, { signer, hash, timestamp, filename: values.filename ?? basename(out) });
    await writeOutput(out, signed);
    report(values.json, { file, out, written: signed, hash, signer });
    return Exit.OK;
  },
};

/** --hash: a signing hash phones accept (host/shared/hashAlgorithms.ts); "SHA-512" is read as sha512. */
export function hashOption(value: string | undefined): SigningHash {
  if (value === undefined) return DEFAULT_SIGNING_HASH;
  const hash = value.toLowerCase().replace("-", "");
  const problem = signingHashProblem(hash);
  if (problem !== undefined) throw new UsageError(`--hash ${value}: ${problem}`);
  return hash as SigningHash;
}

/** --timestamp: whole seconds since 1970 that fit the header's u32. */
export function timestampOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > 0xffffffff) throw new UsageError(`--timestamp ${value}: give whole seconds since 1970 (0…4294967295)`);
  return seconds;
}

/** A signer PEM file; unusable content becomes an Error (exit 1) naming the file and the option. */
export async function loadSigner(file: string, option: string): Promise<Signer> {
  const pem = await readInput(file);
  try {
    return signerFromPem(pem, `${option} ${file}`);
  } catch (e) {
    if (e instanceof PemError) throw e;
    throw new Error(`${option} ${file}: ${(e as Error).message}`);
  }
}

/** One line for people ("wrote OUT (N bytes, …)"), or the JSON summary. */
export function report(
  json: boolean | undefined,
  r: { file: string; out: string; written: Uint8Array; hash: FileHash; signer: Signer; extra?: Record<string, unknown> },
): void {
  const signerSubject = certificateInfo(r.signer.certificateDer).subjectName;
  if (json) {
    const headerLength = (r.written[8] << 8) | r.written[9]; // tag 2's value (formats.md §1)
    const summary = { file: r.file, out: r.out, bytes: r.written.length, headerLength, hash: r.hash, signer: signerSubject, ...r.extra };
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  } else {
    process.stdout.write(`wrote ${r.out} (${r.written.length} bytes, ${r.hash.toUpperCase()}, signed by ${signerSubject})\n`);
  }
}
