// CAPF's words, once: how a phone authenticates to CAPF, what CAPF does to its certificate,
// and the keys it may ask for — with our short names (the CLI, the database), the numbers the
// config XML carries, and the words CUCM's phone page shows. The server, the phone and the CLI
// all read these tables; the CAPF wire codes stay with the codec (capf/capfElements.ts).

/** Certificate Authority Proxy Function authentication modes (Phone Security Profile). */
const AUTH_MODE_TABLE = {
  null: { configNumber: 2, cucm: "By Null String" },
  string: { configNumber: 1, cucm: "By Authentication String" },
  lsc: { configNumber: 3, cucm: "By Existing Certificate (Precedence to LSC)" },
  mic: { configNumber: 4, cucm: "By Existing Certificate (Precedence to MIC)" },
} as const;
// configNumber: <capfAuthMode> in SEP<MAC>.cnf.xml, formats.md §4.

export type CapfAuthMode = keyof typeof AUTH_MODE_TABLE;
export const CAPF_AUTH_MODES = Object.keys(AUTH_MODE_TABLE) as readonly CapfAuthMode[];

/** <capfAuthMode> number for each mode. */
export const CAPF_AUTH_MODE_NUMBER = Object.fromEntries(CAPF_AUTH_MODES.map((m) => [m, AUTH_MODE_TABLE[m].configNumber])) as Record<CapfAuthMode, number>;

/** The seed's captured partial config carries <capfAuthMode>0</capfAuthMode>: phones read it as by null string. */
const AUTH_MODE_NUMBER_ZERO: CapfAuthMode = "null";

/** The mode a <capfAuthMode> number names; 0 and absent are by null string; undefined for any other number. */
export function capfAuthModeFromNumber(n: number): CapfAuthMode | undefined {
  if (n === 0) return AUTH_MODE_NUMBER_ZERO;
  return CAPF_AUTH_MODES.find((m) => AUTH_MODE_TABLE[m].configNumber === n);
}

/** CUCM's words for a mode ("By Null String"). */
export function capfAuthModeLabel(mode: CapfAuthMode): string {
  return AUTH_MODE_TABLE[mode].cucm;
}

/**
 * The mode `text` names: our short name, CUCM's words (any case) or the config XML's number.
 * Undefined when it names none.
 */
export function parseCapfAuthMode(text: string): CapfAuthMode | undefined {
  const t = text.trim().toLowerCase();
  const byName = CAPF_AUTH_MODES.find((m) => m === t || AUTH_MODE_TABLE[m].cucm.toLowerCase() === t);
  if (byName) return byName;
  return /^[1-4]$/.test(t) ? capfAuthModeFromNumber(Number(t)) : undefined;
}

/** CUCM's words for each mode, for the admin pages' selects and tables. */
export const CAPF_AUTH_MODE_LABEL = Object.fromEntries(CAPF_AUTH_MODES.map((m) => [m, AUTH_MODE_TABLE[m].cucm])) as Record<CapfAuthMode, string>;

/** "null | string | lsc | mic", for usage lines. */
export function capfAuthModeNames(separator = " | "): string {
  return CAPF_AUTH_MODES.join(separator);
}

/** "null, string, lsc, mic (CUCM: By Null String, …)" for messages and help. */
export function capfAuthModeChoices(): string {
  return `${CAPF_AUTH_MODES.join(", ")} (CUCM: ${CAPF_AUTH_MODES.map(capfAuthModeLabel).join(", ")})`;
}

/** An authentication string: what the user types on the phone's keypad for "By Authentication String". */
export const AUTH_STRING_RULE = "an authentication string is 4–16 digits";

export function isAuthenticationString(s: string): boolean {
  return /^[0-9]{4,16}$/.test(s);
}

/** Certificate Operation on CUCM's phone page; what the phone's next CAPF session does. */
const OPERATION_TABLE = {
  none: { cucm: "No Pending Operation" },
  install: { cucm: "Install/Upgrade" },
  fetch: { cucm: "Troubleshoot" },
  delete: { cucm: "Delete" },
} as const;

export type CapfOperation = keyof typeof OPERATION_TABLE;
export const CAPF_OPERATIONS = Object.keys(OPERATION_TABLE) as readonly CapfOperation[];

export function capfOperationLabel(op: CapfOperation): string {
  return OPERATION_TABLE[op].cucm;
}

/** CUCM's words for each operation, for the admin pages. */
export const CAPF_OPERATION_LABEL = Object.fromEntries(CAPF_OPERATIONS.map((o) => [o, OPERATION_TABLE[o].cucm])) as Record<CapfOperation, string>;

/** The order of CUCM's Certificate Operation select on the phone page. */
export const CUCM_OPERATION_ORDER: readonly CapfOperation[] = ["none", "install", "delete", "fetch"];

/** Exactly one of our short names (none, install, fetch, delete). */
export function isCapfOperation(text: string): text is CapfOperation {
  return (CAPF_OPERATIONS as readonly string[]).includes(text);
}

/** The operation `text` names: our short name or CUCM's words (any case). */
export function parseCapfOperation(text: string): CapfOperation | undefined {
  const t = text.trim().toLowerCase();
  return CAPF_OPERATIONS.find((o) => o === t || OPERATION_TABLE[o].cucm.toLowerCase() === t);
}

/** "none, install, fetch, delete (CUCM: No Pending Operation, …)". */
export function capfOperationChoices(): string {
  return `${CAPF_OPERATIONS.join(", ")} (CUCM: ${CAPF_OPERATIONS.map(capfOperationLabel).join(", ")})`;
}

/** RSA key sizes a profile (or a device) may ask CAPF for, in bits. */
export const KEY_SIZES: readonly number[] = [1024, 2048, 3072, 4096];
export const DEFAULT_KEY_SIZE = 2048;

/** "1024, 2048, 3072 or 4096", for messages. */
export function keySizeChoices(): string {
  return `${KEY_SIZES.slice(0, -1).join(", ")} or ${KEY_SIZES[KEY_SIZES.length - 1]}`;
}

/** CUCM's "Key Order": which kind of key CAPF asks the phone to make. */
export const KEY_ORDER_LABEL = { rsa: "RSA Only", ec: "EC Only" } as const;

/** EC curves CAPF may ask for, by SEC name, in the order of CAPF element 18's codes (capf.md). */
export const CURVES = ["secp256r1", "secp384r1", "secp521r1"] as const;
export type Curve = (typeof CURVES)[number];
export const DEFAULT_CURVE: Curve = "secp256r1";

/** node:crypto's (OpenSSL's) name for each curve. */
export const NODE_CURVE_NAME: Record<Curve, string> = {
  secp256r1: "prime256v1",
  secp384r1: "secp384r1",
  secp521r1: "secp521r1",
};

/** CUCM's "EC Key Size (Bits)" for each curve. */
export const CURVE_BITS_LABEL: Record<Curve, string> = { secp256r1: "256", secp384r1: "384", secp521r1: "521" };

export function isCurve(name: string): name is Curve {
  return (CURVES as readonly string[]).includes(name);
}

/** The key a CAPF install makes, as people write it: "RSA 2048", "EC secp256r1". */
export function keyLabel(key: { keySize?: number | null; curve?: Curve | null }): string {
  return key.curve ? `EC ${key.curve}` : `RSA ${key.keySize ?? DEFAULT_KEY_SIZE}`;
}
