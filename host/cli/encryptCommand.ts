// `cnfguard encrypt FILE --cert DEVICE_CERT --signer SIGNER.pem`: writes FILE.enc.sgn, the encrypted
// config of formats.md §2, as the TFTP service does for a phone whose profile has TFTP Encrypted Config.
import { X509Certificate } from "node:crypto";
import { basename } from "node:path";
import { DEFAULT_SIGNING_HASH, signingHashChoices } from "../shared/hashAlgorithms.js";
import { DeviceKeyError, encryptConfig } from "../shared/signed/encryptedConfigWriter.js";
import { certificateDer } from "./certhashCommand.js";
import { readInput, writeOutput } from "./cliInput.js";
import { type Command, Exit, eitherName, parse, UsageError } from "./common.js";
import { hashOption, loadSigner, report, signingOptions, timestampOption } from "./signCommand.js";

const help = `usage: cnfguard encrypt FILE --cert DEVICE_CERT --signer SIGNER.pem [--hash ${signingHashChoices()}] [-o|--out|--output OUT] [--filename NAME] [--timestamp SECONDS] [--json]

Encrypts the config FILE for one phone (.enc.sgn, version 2.0): a fresh AES-128 key and IV,
the key wrapped to the phone's RSA public key, the file signed like a .sgn. Only an RSA device
certificate (LSC or MIC) can receive an encrypted config.

options:
  --cert DEVICE_CERT    the phone's certificate, PEM or DER (a PEM may also hold its key)
  --signer SIGNER.pem   the signing certificate and its RSA private key (e.g. pki/tftp.pem)
  --hash ${signingHashChoices()}    signature and content hash (default ${DEFAULT_SIGNING_HASH})
  -o, --out, --output OUT output file (default FILE.enc.sgn)
  --filename NAME       the name written into the header (default OUT's base name)
  --timestamp SECONDS   header timestamp, seconds since 1970 UTC (default now)
  --json                print {"file","out","bytes","headerLength","hash","signer","deviceKeyBits"} instead

exit codes: 0 written · 1 DEVICE_CERT or SIGNER unusable (e.g. an EC device key) · 2 bad arguments · 3 a file could not be read or written`;

const OPTIONS = { ...signingOptions, cert: { type: "string" }, signer: { type: "string" } } as const;

export const command: Command = {
  summary: "encrypt a config to a phone's RSA certificate and sign it (.enc.sgn)",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length !== 1)
      throw new UsageError(positionals.length ? `one FILE at a time (got ${positionals.length})` : "name the config FILE to encrypt");
    if (!values.cert) throw new UsageError("--cert DEVICE_CERT is required (the phone's LSC or MIC, PEM or DER)");
    if (!values.signer) throw new UsageError("--signer SIGNER.pem is required (the TFTP certificate and its private key)");
    const file = positionals[0];
    const out = eitherName(values, "out", "output") ?? `${file}.enc.sgn`;
    const hash = hashOption(values.hash);
    const timestamp = timestampOption(values.timestamp);
    const plaintext = await readInput(file);
    const device = certificateDer(await readInput(values.cert), `--cert ${values.cert}`).der;
    const signer = await loadSigner(values.signer, "--signer");
    let encrypted: Uint8Array;
    try {
      encrypted = encryptConfig(plaintext, { signer, hash, timestamp, device, filename: values.filename ?? basename(out) });
    } catch (e) {
      if (e instanceof DeviceKeyError) throw new Error(`--cert ${values.cert}: ${e.message}`);
      throw e;
    }
    await writeOutput(out, encrypted);
    const deviceKeyBits = new X509Certificate(device).publicKey.asymmetricKeyDetails?.modulusLength;
    report(values.json, { file, out, written: encrypted, hash, signer, extra: { deviceKeyBits } });
    return Exit.OK;
  },
};
