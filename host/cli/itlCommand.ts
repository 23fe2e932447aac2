// `cnfguard itl --sast SAST.pem --record ROLE:CERT.pem …`: writes a trust list (ITLFile.tlv,
// formats.md §3) signed by the SAST certificate, which the list always carries as a SAST record.

import { DEFAULT_SIGNING_HASH, signingHashChoices } from "../shared/hashAlgorithms.js";
import { ROLE, type RoleName, type TrustRecord, writeTrustList } from "../shared/signed/trustListWriter.js";
import { certificateDer } from "./certhashCommand.js";
import { readInput, writeOutput } from "./cliInput.js";
import { type Command, Exit, eitherName, parse, UsageError } from "./common.js";
import { hashOption, loadSigner, report, signingOptions, timestampOption } from "./signCommand.js";

const ROLES = Object.keys(ROLE).join(", ");

const help = `usage: cnfguard itl --sast SAST.pem --record ROLE:CERT … [-o|--out|--output OUT] [--hash ${signingHashChoices()}] [--filename NAME] [--timestamp SECONDS] [--json]

Writes a trust list (version 1.2) signed by SAST. Records are written in the order given; the
SAST certificate is added first as a SAST record unless a --record already lists it so. The
signer version is 1.1 when a record holds an EC key (phones then accept EC records), else 1.0.

options:
  --sast SAST.pem         the SAST certificate and its RSA private key in one PEM file
  --record ROLE:CERT      a certificate (PEM or DER) and its role; repeat for each record.
                          ROLE is one of ${ROLES}, or a number; one certificate may be
                          listed under several roles (e.g. CCM:tftp.pem --record TFTP:tftp.pem)
  --hash ${signingHashChoices()}      signature hash (default ${DEFAULT_SIGNING_HASH})
  -o, --out, --output OUT output file (default ITLFile.tlv)
  --filename NAME         the name written into the header (default ITLFile.tlv, also for ITLSEP<MAC>.tlv)
  --timestamp SECONDS     header timestamp, seconds since 1970 UTC (default now)
  --json                  print {"file","out","bytes","headerLength","hash","signer","records"} instead

exit codes: 0 written · 1 a certificate or SAST unusable · 2 bad arguments · 3 a file could not be read or written`;

const OPTIONS = { ...signingOptions, sast: { type: "string" }, record: { type: "string", multiple: true } } as const;

export const command: Command = {
  summary: "write a signed trust list (ITLFile.tlv) from a SAST and role:certificate records",
  help,
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]} (records are given as --record ROLE:CERT)`);
    if (!values.sast) throw new UsageError("--sast SAST.pem is required (the SAST certificate and its private key)");
    const out = eitherName(values, "out", "output") ?? "ITLFile.tlv";
    const hash = hashOption(values.hash);
    const timestamp = timestampOption(values.timestamp);
    const requested = (values.record ?? []).map(parseRecordOption);
    const signer = await loadSigner(values.sast, "--sast");
    const records: TrustRecord[] = [];
    for (const r of requested) records.push({ role: r.role, certificateDer: certificateDer(await readInput(r.file), `--record ${r.text}`).der });
    const sastListed = records.some((r) => r.role === ROLE.SAST && Buffer.from(r.certificateDer).equals(signer.certificateDer));
    if (!sastListed) records.unshift({ role: ROLE.SAST, certificateDer: signer.certificateDer });
    const list = writeTrustList({ signer, records, hash, timestamp, filename: values.filename });
    await writeOutput(out, list);
    const roleName = (role: number) => Object.entries(ROLE).find(([, v]) => v === role)?.[0] ?? role;
    const files = sastListed ? requested.map((r) => r.file) : [values.sast, ...requested.map((r) => r.file)];
    const summary = records.map((r, i) => ({ role: roleName(r.role as number), file: files[i] }));
    report(values.json, { file: values.sast, out, written: list, hash, signer, extra: { records: summary } });
    return Exit.OK;
  },
};

/** "ROLE:FILE" → role number and file; roles by name (any case) or number. */
export function parseRecordOption(text: string): { role: number; file: string; text: string } {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) throw new UsageError(`--record ${text}: write ROLE:CERT, e.g. --record TFTP:pki/tftp.pem`);
  const roleText = text.slice(0, colon).toUpperCase();
  const file = text.slice(colon + 1);
  const named = (ROLE as Record<string, number>)[roleText as RoleName];
  const role = named ?? (/^\d+$/.test(roleText) ? Number(roleText) : NaN);
  if (!Number.isInteger(role) || role > 0xffff) throw new UsageError(`--record ${text}: unknown role ${roleText} (use ${ROLES}, or a number)`);
  return { role, file, text };
}
