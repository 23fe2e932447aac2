// PEM armour for the PKI's own output. (Reading PEM files is host/shared/pem.ts's job.)

/** PEM block with 64-column base64 lines, ending in a newline. */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
