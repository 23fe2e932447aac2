// Lowercase hex of bytes without Buffer: the facets also run in browsers (cnfguard/core).

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
