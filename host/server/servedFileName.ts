// The only names the server answers, matched exactly (case, suffix and all). Anything
// else — other case, a path, a suffix variant, an encoded character — is not a file here,
// so no spelling can reach a renderer it was not meant for.

import { DEVICE_NAME_PATTERN, SHARED_TRUST_LIST } from "../shared/deviceNames.js";

export type ServedFile =
  | { kind: "trustList" }
  | { kind: "deviceTrustList"; device: string }
  | { kind: "signedConfig"; device: string }
  | { kind: "encryptedConfig"; device: string }
  | { kind: "plainConfig"; device: string };

const DEVICE = DEVICE_NAME_PATTERN;
const PATTERNS: ReadonlyArray<[RegExp, ServedFile["kind"]]> = [
  [new RegExp(`^ITL(${DEVICE})\\.tlv$`), "deviceTrustList"],
  [new RegExp(`^(${DEVICE})\\.cnf\\.xml\\.sgn$`), "signedConfig"],
  [new RegExp(`^(${DEVICE})\\.cnf\\.xml\\.enc\\.sgn$`), "encryptedConfig"],
  [new RegExp(`^(${DEVICE})\\.cnf\\.xml$`), "plainConfig"],
];

/** What `name` asks for, or null when the server has no file of that name. */
export function parseServedName(name: string): ServedFile | null {
  if (name === SHARED_TRUST_LIST) return { kind: "trustList" };
  for (const [pattern, kind] of PATTERNS) {
    const m = pattern.exec(name);
    if (m) return { kind, device: m[1] } as ServedFile;
  }
  return null;
}
