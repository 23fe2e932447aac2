// `cnfguard inspect FILE [--json]`: the header of a signed file, encrypted config or
// trust list, and every record of a trust list, as the core reads them. Text output
// follows the layout of the peer's parser (*.parsed.txt); --json prints one object.

import type { InspectResult, TrustRecord } from "../core/fileFacet.js";
import { type Core, CoreError, newCore } from "../core.js";
import { fixHints } from "../shared/fixHints.js";
import { coreWithTrustList, readInput } from "./cliInput.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard inspect FILE [--itl INSTALLED.tlv] [--json]

Prints the header of FILE (.sgn, .enc.sgn or a .tlv trust list) and, for trust lists,
every record. The signature is checked where that can be done: a trust list against its
own SAST record, a config against INSTALLED.tlv when given. Nothing is decided; a
malformed file is reported.

options:
  --itl FILE   a trust list to check a config's signature against
  --json   one object: version, headerLength, signer{name,issuer,serial}, hashAlgorithm,
           signatureLength, filename, timestamp, [signerVersion], [encryption{ivLength,
           keyLength,keySize,padding,hashAlgorithm,hash}], [records[{role,subject,issuer,
           serial,keyType,certificateSha1,…}]], signature

exit codes: 0 parsed · 1 malformed file · 2 bad arguments · 3 FILE cannot be read`;

/** "2026-11-27 04:17:54" (UTC), as the peer prints timestamps. */
export function utcText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

/** Label/value lines with the values aligned one column past the longest label. */
function aligned(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${(label + ":").padEnd(width)}${value}`);
}

function upper(alg: string | number): string {
  return typeof alg === "string" ? alg.toUpperCase() : String(alg);
}

function headerRows(r: InspectResult): [string, string][] {
  const rows: [string, string][] = [
    ["Version", r.version],
    ["Header Length", `${r.headerLength} bytes`],
  ];
  if (r.signerVersion) rows.push(["Signer Version", r.signerVersion]);
  rows.push(
    ["Signer Name", r.signer.name],
    ["Issuer Name", r.signer.issuer],
    ["Serial Number", r.signer.serial],
    ["Digest Algorithm", upper(r.hashAlgorithm)],
    ["Signature", `${r.signatureLength} bytes`],
    ["Filename", r.filename],
    ["Timestamp", utcText(r.timestamp)],
  );
  if (r.encryption) {
    rows.push(
      ["Encryption IV", `${r.encryption.ivLength} bytes`],
      ["Encryption Key", `${r.encryption.keyLength} bytes`],
      ["Encryption Digest Algorithm", upper(r.encryption.hashAlgorithm)],
      ["Encryption Digest", r.encryption.hash],
    );
  }
  if (r.unknownTags > 0) rows.push(["Unknown Elements", String(r.unknownTags)]);
  return rows;
}

function recordRows(rec: TrustRecord): [string, string][] {
  return [
    ["Record Length", `${rec.recordLength} bytes`],
    ["Subject Name", rec.subject],
    ["Issuer Name", rec.issuer],
    ["Serial Number", rec.serial],
    ["Role", rec.role],
    ["Public Key", `${rec.publicKeyLength} bytes`],
    ["Signature", `${rec.signatureLength} bytes`],
    ["Certificate", `${rec.certificateLength} bytes`],
    ["Key Algorithm", rec.keyType],
    ["Certificate Hash", rec.certificateSha1],
  ];
}

/** The whole text report. */
export function inspectText(r: InspectResult, file = "FILE"): string {
  const blocks = [aligned(headerRows(r)).join("\n")];
  for (const rec of r.records ?? []) blocks.push(aligned(recordRows(rec)).join("\n"));
  const verdict =
    r.signature === "valid"
      ? "Valid signature"
      : r.signature === "E_NO_TRUST_LIST"
        ? `Signature not checked: no trust list given (use ${fixHints.verifyWithTrustList(file).text})`
        : `Signature not valid: ${r.signature}`;
  blocks.push(verdict);
  return blocks.join("\n\n") + "\n";
}

const OPTIONS = { json: { type: "boolean" }, itl: { type: "string" } } as const;

export const command: Command = {
  summary: "print a signed file's or trust list's header and records",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError("name exactly one FILE to inspect");
    const file = positionals[0];
    const bytes = await readInput(file, "FILE");
    const core: Core = values.itl ? await coreWithTrustList(values.itl) : newCore();
    let result: InspectResult;
    try {
      result = core.files.inspect(bytes);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      process.stderr.write(`cnfguard inspect: ${file}: not a well-formed signed file: ${e.message.replace(/^file: /, "")}\n`);
      return Exit.FAILED;
    }
    process.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : inspectText(result, file));
    return Exit.OK;
  },
};
