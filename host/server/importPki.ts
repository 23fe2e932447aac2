// `server init --import-pki DIR`: start from a cluster's existing SAST, TFTP and CAPF
// certificates and keys instead of new ones. DIR/sast.pem, DIR/tftp.pem and DIR/capf.pem each
// hold a certificate and its private key in either order (the peer's mkcert writes the key
// first). Each is refused by name unless: the key is the certificate's, the key is RSA (phones
// verify RSA signatures only), and — for CAPF — the certificate can serve TLS and issue LSCs.
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { IoError } from "../shared/errors.js";
import type { CertifiedKey } from "./labPki.js";

export type ImportedRole = "sast" | "tftp" | "capf";
export const IMPORTED_ROLES: readonly ImportedRole[] = ["sast", "tftp", "capf"];

const MAX_PEM_BYTES = 64 * 1024;
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const KEY_USAGE_OID = "2.5.29.15";
/** keyUsage bits (RFC 5280 §4.2.1.3): 0 digitalSignature, 2 keyEncipherment, 5 keyCertSign */
const BIT = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5 } as const;

/** Reads and checks DIR/sast.pem, tftp.pem, capf.pem; an IoError names the file and the fix. */
export function readImportedPki(dir: string): Record<ImportedRole, CertifiedKey> {
  const out = {} as Record<ImportedRole, CertifiedKey>;
  for (const role of IMPORTED_ROLES) out[role] = readRole(join(dir, `${role}.pem`), role);
  return out;
}

function readRole(path: string, role: ImportedRole): CertifiedKey {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_PEM_BYTES) throw new IoError(`--import-pki ${path}: larger than ${MAX_PEM_BYTES} bytes; it should hold one certificate and one key`);
    text = bytes.toString("latin1");
  } catch (e) {
    if (e instanceof IoError) throw e;
    throw new IoError(`--import-pki ${path}: cannot read (${(e as NodeJS.ErrnoException).code}) — the folder needs sast.pem, tftp.pem and capf.pem`);
  }
  const certificatePem = pemBlock(text, "CERTIFICATE");
  const keyPem = pemBlock(text, "(?:RSA |EC |ENCRYPTED )?PRIVATE KEY");
  if (!certificatePem) throw new IoError(`--import-pki ${path}: no PEM certificate in it (the ${role.toUpperCase()} certificate and its key, either order)`);
  if (!keyPem) throw new IoError(`--import-pki ${path}: no PEM private key in it (the ${role.toUpperCase()} certificate and its key, either order)`);
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (e) {
    throw new IoError(`--import-pki ${path}: the certificate does not parse (${(e as Error).message})`);
  }
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (e) {
    throw new IoError(`--import-pki ${path}: the private key does not parse (${(e as Error).message}; an encrypted key must be decrypted first)`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new IoError(
      `--import-pki ${path}: the private key is not the key of its certificate (${oneLine(certificate.subject)}) — put the matching pair in the file`,
    );
  }
  if (certificate.publicKey.asymmetricKeyType !== "rsa") {
    throw new IoError(
      `--import-pki ${path}: the ${role.toUpperCase()} key is ${certificate.publicKey.asymmetricKeyType?.toUpperCase()}, not RSA — phones verify only RSA signatures on trust lists and configs; issue an RSA certificate`,
    );
  }
  if (role === "capf") checkCapf(path, certificate);
  return { certificateDer: new Uint8Array(certificate.raw), privateKey };
}

/** The CAPF certificate is the TLS server certificate and the LSCs' issuer. */
function checkCapf(path: string, certificate: X509Certificate): void {
  // Key usage first: OpenSSL (X509Certificate.ca) also says "not a CA" when keyCertSign is missing.
  const usage = keyUsageBits(certificate.raw);
  if (usage !== undefined && !usage.has(BIT.keyCertSign)) {
    throw new IoError(`--import-pki ${path}: the CAPF certificate's key usage lacks keyCertSign, so it cannot issue LSCs`);
  }
  if (!certificate.ca) throw new IoError(`--import-pki ${path}: the CAPF certificate is not a CA (basicConstraints CA:TRUE), so it cannot issue LSCs`);
  if (usage !== undefined && !usage.has(BIT.digitalSignature) && !usage.has(BIT.keyEncipherment)) {
    throw new IoError(`--import-pki ${path}: the CAPF certificate's key usage has neither digitalSignature nor keyEncipherment, so it cannot serve TLS`);
  }
  const eku = certificate.keyUsage; // Node: the extended key usages, undefined when absent (any use)
  if (eku && eku.length > 0 && !eku.includes(SERVER_AUTH)) {
    throw new IoError(`--import-pki ${path}: the CAPF certificate's extended key usage lacks serverAuth, so phones would refuse its TLS`);
  }
}

/** The keyUsage extension's set bits, or undefined when the certificate has none (no restriction). */
function keyUsageBits(der: Buffer): Set<number> | undefined {
  const parsed = asn1js.fromBER(new Uint8Array(der).buffer);
  const tbs = (parsed.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const extensions = tbs.valueBlock.value.find((v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 3) as asn1js.Constructed | undefined;
  const list = extensions?.valueBlock.value[0] as asn1js.Sequence | undefined;
  for (const ext of list?.valueBlock.value ?? []) {
    const parts = (ext as asn1js.Sequence).valueBlock.value;
    if ((parts[0] as asn1js.ObjectIdentifier).valueBlock.toString() !== KEY_USAGE_OID) continue;
    const octets = (parts[parts.length - 1] as asn1js.OctetString).valueBlock.valueHexView;
    const bits = asn1js.fromBER(octets.slice().buffer).result as asn1js.BitString;
    const bytes = bits.valueBlock.valueHexView;
    const set = new Set<number>();
    for (let i = 0; i < bytes.length * 8; i++) if (bytes[i >> 3] & (0x80 >> (i & 7))) set.add(i);
    return set;
  }
  return undefined;
}

function pemBlock(text: string, label: string): string | undefined {
  const m = new RegExp(`-----BEGIN (${label})-----[\\s\\S]*?-----END \\1-----`).exec(text);
  return m?.[0];
}

function oneLine(name: string): string {
  return name.replace(/\n/g, ",");
}
