// RFC 1350's netascii mode as a sender produces it (RFC 764's Telnet rule):
// LF becomes CR LF and a bare CR becomes CR NUL. Octet mode sends bytes unchanged.

const CR = 0x0d;
const LF = 0x0a;

/** The bytes as they travel in netascii mode. */
export function toNetascii(bytes: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of bytes) if (b === CR || b === LF) extra++;
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let p = 0;
  for (const b of bytes) {
    if (b === LF) {
      out[p++] = CR;
      out[p++] = LF;
    } else if (b === CR) {
      out[p++] = CR;
      out[p++] = 0;
    } else {
      out[p++] = b;
    }
  }
  return out;
}
