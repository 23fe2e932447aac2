// `cnfguard certhash CERT`: the certHash of a partial config (formats.md §4) and CAPF's
// md5hash column: lowercase hex MD5 of the certificate's DER. CERT is PEM (which may also
// hold the private key, as the peer's device files do) or DER.

import { HashFacet } from "../core/hashFacet.js";
import { sharedWasmCore } from "../core/wasmCore.js";
import { readBoundedFile } from "../shared/boundedRead.js";
import { derFromPemOrDer, PemError } from "../shared/pem.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard certhash CERT [--json]

Prints the lowercase hex MD5 of the certificate's DER: the certHash a partial config
carries and the md5hash CAPF stores for the device. CERT is a PEM file (the first
CERTIFICATE block is used; other blocks such as the private key are ignored) or a DER
certificate.

options:
  --json   print {"file", "certHash", "derBytes", "pemLine"} instead

exit codes: 0 ok · 1 CERT holds no usable certificate · 2 bad arguments · 3 CERT unreadable`;

const CERTIFICATE_LABELS = ["CERTIFICATE", "X509 CERTIFICATE"] as const;

/** Certificate DER from a PEM or DER file's bytes; throws PemError saying what is wrong. */
export function certificateDer(data: Uint8Array, source: string): { der: Uint8Array; pemLine?: number } {
  const { der, block } = derFromPemOrDer(data, CERTIFICATE_LABELS, source);
  // An X.509 certificate is SEQUENCE { tbsCertificate SEQUENCE, … }; a private key starts
  // with an INTEGER instead, which is the usual mix-up.
  const headerLength = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
  if (der[headerLength] !== 0x30)
    throw new PemError(`${source}: this DER is not a certificate (its first field is not a SEQUENCE: a key?); pass the device's certificate`);
  return { der, pemLine: block?.line };
}

const OPTIONS = { json: { type: "boolean" } } as const;

export const command: Command = {
  summary: "print the certHash (MD5 of the certificate DER) of a PEM or DER certificate",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1)
      throw new UsageError(positionals.length ? `one CERT at a time (got ${positionals.length})` : "name the certificate file (PEM or DER)");
    const file = positionals[0];
    const data = readBoundedFile(file, "CERT");
    let cert: { der: Uint8Array; pemLine?: number };
    try {
      cert = certificateDer(data, file);
    } catch (e) {
      if (!(e instanceof PemError)) throw e;
      process.stderr.write(`cnfguard certhash: ${e.message}\n`);
      return Exit.FAILED;
    }
    const certHash = Buffer.from(new HashFacet(sharedWasmCore()).digest("md5", cert.der)).toString("hex");
    if (values.json) process.stdout.write(JSON.stringify({ file, certHash, derBytes: cert.der.length, pemLine: cert.pemLine ?? null }, null, 2) + "\n");
    else process.stdout.write(certHash + "\n");
    return Exit.OK;
  },
};
