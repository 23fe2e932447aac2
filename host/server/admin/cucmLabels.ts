// The words CUCM's administration pages use for the stored values: option texts of the
// selects. (The admin pages' one list until host/shared/capfVocabulary.ts holds them.)

import type { SigningHash } from "../../shared/hashAlgorithms.js";
import type { CapfOperation } from "../deviceStore.js";
import type { CapfAuthMode, Curve } from "../profileStore.js";

export const AUTH_MODE_LABEL: Record<CapfAuthMode, string> = {
  null: "By Null String",
  string: "By Authentication String",
  lsc: "By Existing Certificate (Precedence to LSC)",
  mic: "By Existing Certificate (Precedence to MIC)",
};

export const CERTIFICATE_OPERATION_LABEL: Record<CapfOperation, string> = {
  none: "No Pending Operation",
  install: "Install/Upgrade",
  delete: "Delete",
  fetch: "Troubleshoot",
};

export const SECURITY_MODE_LABEL: Record<number, string> = { 1: "Non Secure", 2: "Authenticated", 3: "Encrypted" };

export const SIGNING_HASH_LABEL: Record<SigningHash, string> = { sha1: "SHA-1", sha512: "SHA-512" };

/** CUCM's "EC Key Size (Bits)" for each curve. */
export const CURVE_BITS_LABEL: Record<Curve, string> = { secp256r1: "256", secp384r1: "384", secp521r1: "521" };

/** CUCM's "Key Order": which key CAPF asks the phone to make. */
export const KEY_ORDER_LABEL = { rsa: "RSA Only", ec: "EC Only" } as const;

/** The option list of a select: stored value → CUCM's words, in CUCM's order. */
export function options<K extends string | number>(labels: Record<K, string>, order?: readonly K[]): Array<{ value: string; label: string }> {
  const keys = order ?? (Object.keys(labels) as K[]);
  return keys.map((k) => ({ value: String(k), label: labels[k] }));
}
