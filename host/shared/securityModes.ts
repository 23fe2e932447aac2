// Device Security Mode of a phone security profile (CUCM's typedevicesecuritymode): the number
// the database keeps, the name the CLI takes, the words CUCM's pages show — once, for the
// stores, the CLI and the admin pages.

const TABLE = {
  nonSecure: { number: 1, cli: "non-secure", cucm: "Non Secure" },
  authenticated: { number: 2, cli: "authenticated", cucm: "Authenticated" },
  encrypted: { number: 3, cli: "encrypted", cucm: "Encrypted" },
} as const;

type SecurityModeKey = keyof typeof TABLE;
const KEYS = Object.keys(TABLE) as SecurityModeKey[];

/** The stored number of each mode: SECURITY_MODE.nonSecure is 1. */
export const SECURITY_MODE = Object.fromEntries(KEYS.map((k) => [k, TABLE[k].number])) as { [K in SecurityModeKey]: (typeof TABLE)[K]["number"] };

/** CUCM's words for each stored number (1 → "Non Secure"). */
export const SECURITY_MODE_LABEL: Record<number, string> = Object.fromEntries(KEYS.map((k) => [TABLE[k].number, TABLE[k].cucm]));

/** The CLI's names in order: non-secure, authenticated, encrypted. */
export const SECURITY_MODE_NAMES: readonly string[] = KEYS.map((k) => TABLE[k].cli);

/** The stored number a CLI name gives, or undefined. */
export function securityModeFromName(name: string): number | undefined {
  const key = KEYS.find((k) => TABLE[k].cli === name);
  return key === undefined ? undefined : TABLE[key].number;
}

/** The CLI's name for a stored number ("non-secure"), or the number itself when it names none. */
export function securityModeName(n: number): string {
  return KEYS.map((k) => TABLE[k]).find((m) => m.number === n)?.cli ?? String(n);
}
