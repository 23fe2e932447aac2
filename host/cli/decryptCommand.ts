// `cnfguard decrypt FILE.enc.sgn --key DEVICE_KEY --itl INSTALLED.tlv [-o OUT]`: verify
// and decrypt an encrypted config as the phone would. The plaintext is written only when
// the file is verified; on any failure nothing is written and no partial file remains.

import { CoreError } from "../core.js";
import { derFromPemOrDer, PemError } from "../shared/pem.js";
import { writeFileSafely } from "../shared/safeWrite.js";
import { coreWithTrustList, readInput } from "./cliInput.js";
import { type Command, Exit, eitherName, parse, UsageError } from "./common.js";

const help = `usage: cnfguard decrypt FILE.enc.sgn --key DEVICE_KEY --itl INSTALLED.tlv [-o|--output|--out OUT] [--json]

Verifies FILE against INSTALLED.tlv (signer with role TFTP or CCM+TFTP), opens its AES key
with the device's RSA private key, decrypts the body and checks the content hash.
Only then is the plaintext written to OUT (or standard output).

options:
  --key FILE   the device key: PEM (certificate and key together is fine) or DER,
               PKCS#1 or PKCS#8
  --itl FILE   the trust list the phone has installed
  -o, --output, --out OUT   where to write the config (written aside, renamed when verified)
  --json       print {"file","verified","out","bytes"} (with -o) or also "config" (the text),
               and {"file","verified":false,"message"} for a refusal

exit codes: 0 decrypted · 1 refused (the line says why) · 2 bad arguments · 3 a file cannot be read or written`;

const KEY_LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY"] as const;

/** The plaintext is a secret: mode 0600, never through a planted link or over a special file. */
async function writeVerified(out: string, data: Uint8Array): Promise<void> {
  writeFileSafely(out, data, 0o600, `-o ${out}`);
}

const OPTIONS = {
  key: { type: "string" },
  itl: { type: "string" },
  output: { type: "string", short: "o" },
  out: { type: "string" },
  json: { type: "boolean" },
} as const;

export const command: Command = {
  summary: "verify and decrypt SEP<MAC>.cnf.xml.enc.sgn with the device key",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError("name exactly one FILE.enc.sgn to decrypt");
    if (!values.key) throw new UsageError("give the device's private key with --key DEVICE_KEY (PEM or DER)");
    if (!values.itl) throw new UsageError("give the installed trust list with --itl ITLFile.tlv");
    const file = positionals[0];
    const bytes = await readInput(file, "FILE");
    const keyFile = await readInput(values.key, "--key");
    let keyDer: Uint8Array;
    try {
      keyDer = derFromPemOrDer(keyFile, KEY_LABELS, `--key ${values.key}`).der;
    } catch (e) {
      if (e instanceof PemError) throw new UsageError(e.message);
      throw e;
    }
    const core = await coreWithTrustList(values.itl);
    let plaintext: Buffer;
    try {
      core.files.loadDeviceKey(keyDer);
    } catch (e) {
      if (e instanceof CoreError) throw new UsageError(`--key ${values.key}: not a usable RSA private key: ${e.message}`);
      throw e;
    } finally {
      keyDer.fill(0);
    }
    try {
      plaintext = core.files.open(bytes);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      const message = e.message.replace(/^file: /, "");
      process.stderr.write(`${file}: refused, nothing written: ${message}\n`);
      if (values.json) process.stdout.write(`${JSON.stringify({ file, verified: false, message })}\n`);
      return Exit.FAILED;
    }
    const out = eitherName(values, "output", "out");
    if (out) await writeVerified(out, plaintext);
    if (values.json) {
      const config = out ? undefined : plaintext.toString("utf8");
      process.stdout.write(`${JSON.stringify({ file, verified: true, out: out ?? null, bytes: plaintext.length, config })}\n`);
    } else if (!out) process.stdout.write(plaintext);
    return Exit.OK;
  },
};
