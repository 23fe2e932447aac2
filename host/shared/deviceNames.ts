// The name rules of every device class the cluster serves — the ONE place that says how a
// device name looks, how a MAC becomes one, and which files a device of each class fetches.
// The server's tables, the served-file parser, CAPF, every CLI command and the phone use it.
//
// Classes (CUCM's device-name conventions):
//   SEP  IP phones: "SEP" + the MAC as 12 upper-case hex digits (SEPA45630BBFA40)
//   ATA  Cisco ATA 191/192 analog adapters: "ATA" + 12 upper-case hex digits. Port 1 is the
//        adapter's MAC; port 2 is the MAC shifted left by one octet (its first two hex digits
//        dropped) with "01" appended: MAC 00:77:8D:A1:C4:39 → ATA00778DA1C439 (port 1) and
//        ATA778DA1C43901 (port 2). Source: Cisco, "Cisco ATA 191 and ATA 192 Analog Telephone
//        Adapter Administration Guide for Cisco Unified Communications Manager", section
//        "Add the ATA to Cisco Unified Communications Manager" (port 2 device name); see
//        docs/architecture.md "Device names".
//   CSF  Jabber for desktop, BOT Jabber for Android, TCT Jabber for iPhone, TAB Jabber for
//        iPad: the prefix + 1–12 characters A–Z, 0–9 (15 characters in all, CUCM's device
//        name limit), e.g. CSFJSMITH. Not a MAC: these devices enrol through CAPF by name.
//
// Case: names are stored and served in CUCM's canonical upper case. A served file name must
// match exactly (a case or suffix variant is no file: phones ask for the canonical name, and one
// spelling per file keeps the build layer and the evidence one entry per file). The name a CAPF
// client sends, and a name an administrator types to find an existing device, are matched
// case-insensitively, as CUCM's device table and Find and List Phones do (`canonicalDeviceName`);
// a new name must be canonical.
import { UsageError } from "./errors.js";

export type DeviceClassId = "sep" | "ata" | "csf" | "bot" | "tct" | "tab";

export interface DeviceClass {
  id: DeviceClassId;
  /** the name's fixed upper-case prefix */
  prefix: string;
  /** what the device is, for messages and help */
  what: string;
  /** true: prefix + a MAC as 12 hex digits; false: prefix + 1..(MAX - prefix) letters/digits */
  byMac: boolean;
  example: string;
}

/** CUCM's device name limit (15 characters). */
export const DEVICE_NAME_MAX_LENGTH = 15;
/** A MAC as the name carries it. */
export const MAC_HEX_DIGITS = 12;

export const DEVICE_CLASSES: readonly DeviceClass[] = [
  { id: "sep", prefix: "SEP", what: "IP phone", byMac: true, example: "SEPA45630BBFA40" },
  { id: "ata", prefix: "ATA", what: "Cisco ATA 191/192 analog adapter port", byMac: true, example: "ATA00778DA1C439" },
  { id: "csf", prefix: "CSF", what: "Jabber for desktop (softphone)", byMac: false, example: "CSFJSMITH" },
  { id: "bot", prefix: "BOT", what: "Jabber for Android", byMac: false, example: "BOTJSMITH" },
  { id: "tct", prefix: "TCT", what: "Jabber for iPhone", byMac: false, example: "TCTJSMITH" },
  { id: "tab", prefix: "TAB", what: "Jabber for iPad", byMac: false, example: "TABJSMITH" },
];

export const DEVICE_CLASS_IDS: readonly DeviceClassId[] = DEVICE_CLASSES.map((c) => c.id);

/** The regular-expression source of one class's canonical name (no anchors, no groups). */
function classPattern(c: DeviceClass): string {
  return c.byMac ? `${c.prefix}[0-9A-F]{${MAC_HEX_DIGITS}}` : `${c.prefix}[A-Z0-9]{1,${DEVICE_NAME_MAX_LENGTH - c.prefix.length}}`;
}

/**
 * The regular-expression source matching any canonical device name (no anchors, one
 * non-capturing group), for composing served-file patterns.
 */
export const DEVICE_NAME_PATTERN = `(?:${DEVICE_CLASSES.map(classPattern).join("|")})`;

const CANONICAL = new RegExp(`^${DEVICE_NAME_PATTERN}$`);
const ANY_CASE = new RegExp(`^${DEVICE_NAME_PATTERN}$`, "i");

/** The class a canonical name belongs to, or undefined when it is not a device name. */
export function deviceClassOf(name: string): DeviceClass | undefined {
  if (!CANONICAL.test(name)) return undefined;
  return DEVICE_CLASSES.find((c) => new RegExp(`^${classPattern(c)}$`).test(name));
}

export function requireDeviceClass(id: string): DeviceClass {
  const c = DEVICE_CLASSES.find((k) => k.id === id.toLowerCase());
  if (!c) throw new UsageError(`device class '${id}': use one of ${DEVICE_CLASS_IDS.join(", ")}`);
  return c;
}

/** True when `name` is a device name exactly as stored and served (canonical case). */
export function isDeviceName(name: string): boolean {
  return CANONICAL.test(name);
}

/** The canonical spelling of a name given in any case, or undefined when no class allows it. */
export function canonicalDeviceName(name: string): string | undefined {
  return name.length <= DEVICE_NAME_MAX_LENGTH && ANY_CASE.test(name) ? name.toUpperCase() : undefined;
}

/** One class's rule in words, e.g. "SEP followed by the phone's MAC as 12 upper-case hex digits, e.g. SEPA45630BBFA40". */
export function classRule(c: DeviceClass): string {
  return c.byMac
    ? `${c.prefix} followed by the ${c.id === "sep" ? "phone" : "adapter"}'s MAC as 12 upper-case hex digits, e.g. ${c.example}`
    : `${c.prefix} followed by 1–${DEVICE_NAME_MAX_LENGTH - c.prefix.length} upper-case letters or digits (${c.what}), e.g. ${c.example}`;
}

/** How device names look, for messages (every class, one example each). */
export function deviceNameRules(): string {
  return DEVICE_CLASSES.map(classRule).join("; or ");
}

/**
 * Returns `name` when it is a canonical device name; otherwise a UsageError saying how names
 * of its class look (all classes when its prefix names none), with the canonical spelling.
 */
export function checkDeviceName(name: string): string {
  if (isDeviceName(name)) return name;
  const canonical = canonicalDeviceName(name);
  const hint = canonical ? ` — did you mean ${canonical}?` : "";
  const own = DEVICE_CLASSES.find((c) => name.toUpperCase().startsWith(c.prefix));
  throw new UsageError(`device name '${shown(name)}': use ${own ? classRule(own) : deviceNameRules()}${hint}`);
}

/**
 * A MAC in any common spelling — a4:56:30:bb:fa:40, A4-56-30-BB-FA-40, a456.30bb.fa40,
 * A45630BBFA40, or a SEP/ATA name — as 12 upper-case hex digits, or undefined.
 */
export function normalizeMac(input: string): string | undefined {
  const bare = input
    .trim()
    .replace(/^(SEP|ATA)(?=[0-9A-F]{12}$)/i, "")
    .replace(/[:.-]/g, "");
  if (!/^[0-9A-Fa-f]{12}$/.test(bare)) return undefined;
  // Separators must group the digits as MACs are written (pairs, or Cisco's dotted quads).
  const grouped = input.trim().replace(/^(SEP|ATA)/i, "");
  if (/[:.-]/.test(grouped) && !/^([0-9A-Fa-f]{2}([:-])){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/.test(grouped)) return undefined;
  return bare.toUpperCase();
}

/** Like normalizeMac, but a UsageError naming `field` when the input is no MAC. */
export function requireMac(input: string, field = "--mac"): string {
  const mac = normalizeMac(input);
  if (!mac) throw new UsageError(`${field} '${shown(input)}': give a MAC as 12 hex digits, e.g. A45630BBFA40, a4:56:30:bb:fa:40 or a456.30bb.fa40`);
  return mac;
}

/** The device name of a MAC-named class: SEP<MAC>, or ATA<MAC> for an adapter's port 1. */
export function macDeviceName(mac: string, classId: "sep" | "ata" = "sep"): string {
  const c = DEVICE_CLASSES.find((k) => k.id === classId)!;
  return `${c.prefix}${requireMac(mac)}`;
}

/**
 * An ATA 191/192 port's device name: port 1 is ATA + the MAC; port 2 is ATA + the MAC's last
 * 10 hex digits + "01" (the MAC shifted left one octet, "01" appended — Cisco's rule, see above).
 */
export function ataPortDeviceName(mac: string, port: 1 | 2): string {
  const m = requireMac(mac);
  return port === 1 ? `ATA${m}` : `ATA${m.slice(2)}01`;
}

/** The files a device fetches, by its canonical name. */
export interface DeviceFileNames {
  /** its own trust list (else it asks for ITLFile.tlv) */
  trustList: string;
  /** the full config in clear, non-secure profiles only */
  config: string;
  /** the signed config: partial (encrypted profile) or full */
  signedConfig: string;
  /** the full config encrypted to the device's certificate */
  encryptedConfig: string;
}

export function deviceFileNames(name: string): DeviceFileNames {
  return {
    trustList: `ITL${name}.tlv`,
    config: `${name}.cnf.xml`,
    signedConfig: `${name}.cnf.xml.sgn`,
    encryptedConfig: `${name}.cnf.xml.enc.sgn`,
  };
}

/** The shared trust list every device may fall back to. */
export const SHARED_TRUST_LIST = "ITLFile.tlv";

/** A peer- or user-supplied string, capped and made printable, for messages. */
function shown(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/**
 * A device named the way people type it: a device name in any case (sepa45630bbfa40, csfjdoe)
 * or a phone's MAC in any spelling (A4:56:30:BB:FA:40, a456.30bb.fa40, A45630BBFA40) — the same
 * forms `phone --mac` takes. The canonical name, or `text` unchanged when it is neither (the
 * store then refuses it with the rules).
 */
export function deviceNameFromInput(text: string): string {
  const canonical = canonicalDeviceName(text.trim());
  if (canonical !== undefined) return canonical;
  const mac = normalizeMac(text);
  if (mac === undefined) return text;
  return /^ATA/i.test(text.trim()) ? `ATA${mac}` : `SEP${mac}`;
}
