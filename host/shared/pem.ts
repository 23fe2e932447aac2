// Reading PEM files (RFC 7468 text armour) into DER blocks, for every command that takes a
// certificate or key file. The peer's device files hold a CERTIFICATE and a PRIVATE KEY in one
// file, so callers pick blocks by label. Writing PEM is host/shared/pki/pemText.ts's job.

/** One `-----BEGIN label-----` … `-----END label-----` block, decoded. */
export interface PemBlock {
  /** e.g. "CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY" */
  label: string;
  der: Uint8Array;
  /** 1-based line of the BEGIN line, for messages */
  line: number;
}

/** Malformed or unsuitable PEM/DER input; the message names the source and what to fix. */
export class PemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PemError";
  }
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function asText(data: string | Uint8Array): string {
  return typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
}

/** True when the data carries PEM armour (otherwise treat it as DER). */
export function looksLikePem(data: string | Uint8Array): boolean {
  return asText(data).includes("-----BEGIN ");
}

/** Every PEM block in the text, in order. Text outside blocks (comments, "Bag Attributes") is
 *  ignored, as OpenSSL does. Throws PemError for an unterminated block, a mismatched END label
 *  or invalid base64. */
export function readPemBlocks(data: string | Uint8Array, source = "input"): PemBlock[] {
  const lines = asText(data).split(/\r?\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]);
    if (!begin) continue;
    const label = begin[1];
    const start = i;
    let body = "";
    for (i++; i < lines.length && !END.test(lines[i]); i++) {
      // RFC 1421 headers (e.g. "Proc-Type: 4,ENCRYPTED") carry no base64.
      if (!lines[i].includes(":")) body += lines[i].replace(/\s+/g, "");
    }
    if (i >= lines.length) throw new PemError(`${source}: line ${start + 1}: BEGIN ${label} has no END line; the file is truncated`);
    const endLabel = END.exec(lines[i])![1];
    if (endLabel !== label) throw new PemError(`${source}: line ${i + 1}: END ${endLabel} closes BEGIN ${label} (line ${start + 1})`);
    if (!BASE64.test(body) || body.length % 4 !== 0) throw new PemError(`${source}: line ${start + 1}: the ${label} block is not valid base64`);
    blocks.push({ label, der: new Uint8Array(Buffer.from(body, "base64")), line: start + 1 });
  }
  return blocks;
}

/** Total length (header + content) of the DER element at the start of der, or -1 when the
 *  header is malformed or runs past the end. */
export function derElementLength(der: Uint8Array): number {
  if (der.length < 2) return -1;
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return -1;
  let len = 0;
  for (let i = 0; i < count; i++) len = len * 256 + der[2 + i];
  return 2 + count + len;
}

/** The DER of the first block with one of `labels` when data is PEM, otherwise data itself
 *  taken as DER. Either way the result must be exactly one DER SEQUENCE. Throws PemError
 *  naming the source, what was found and what to pass instead. */
export function derFromPemOrDer(data: Uint8Array, labels: readonly string[], source = "input"): { der: Uint8Array; block?: PemBlock } {
  const what = labels.join(" or ");
  if (looksLikePem(data)) {
    const blocks = readPemBlocks(data, source);
    const block = blocks.find((b) => labels.includes(b.label));
    if (!block) {
      const found = blocks.length ? blocks.map((b) => b.label).join(", ") : "no complete block";
      throw new PemError(`${source}: no ${what} block (found ${found}); pass a PEM file holding a ${what}, or its DER`);
    }
    checkSingleSequence(block.der, `${source}: line ${block.line}: the ${block.label} block`);
    return { der: block.der, block };
  }
  checkSingleSequence(data, `${source}: neither PEM (no "-----BEGIN" line) nor DER`);
  return { der: data };
}

function checkSingleSequence(der: Uint8Array, subject: string): void {
  if (der.length === 0) throw new PemError(`${subject}: it is empty`);
  if (der[0] !== 0x30) throw new PemError(`${subject}: it does not start with a DER SEQUENCE (0x30) but 0x${der[0].toString(16).padStart(2, "0")}`);
  const len = derElementLength(der);
  if (len !== der.length) {
    throw new PemError(
      len < 0 || len > der.length
        ? `${subject}: the DER is truncated (${der.length} bytes, the header declares more)`
        : `${subject}: ${der.length - len} bytes follow the DER SEQUENCE`,
    );
  }
}
