// The SEP<MAC>.cnf.xml codec (formats.md §4) for both sides: the server writes the CAPF and
// certHash elements and the whole partial config with these functions, the phone reads them
// back with readPhoneConfig. The capfAuthMode numbering is host/shared/capfVocabulary.ts's.
import { CAPF_AUTH_MODE_NUMBER, type CapfAuthMode, capfAuthModeFromNumber } from "./capfVocabulary.js";

/** Where phones find the services: the advertised host and the CAPF port. */
export interface ServiceAddress {
  host: string;
  capfPort: number;
  /** the other nodes of a cluster (host/server/clusterNodes.ts), listed after this one so a phone can fall back */
  others?: readonly { host: string; capfPort: number }[];
}

/** One <capf> entry of <capfList>. */
export interface CapfEntry {
  host: string;
  port: number;
}

/** What a phone takes from its config. */
export interface PhoneConfigView {
  full: boolean;
  /** the number in <capfAuthMode> (0 when absent) */
  capfAuthModeNumber: number;
  capfAuthMode: CapfAuthMode;
  capfList: CapfEntry[];
  /** lowercase, "" when empty or absent */
  certHash: string;
  /** <encrConfig>: the server encrypts this phone's full config */
  encrConfig: boolean;
}

/** The fields of a partial config (no secrets: what a phone needs to reach CAPF and decide on its certificate). */
export interface PartialConfig {
  loadInformation: string;
  capfAuthMode: CapfAuthMode;
  capfList: CapfEntry[];
  /** lowercase hex MD5 of the certificate CAPF recorded, "" when none */
  certHash: string;
}

/** A phone looks at no more CAPF entries than this. */
const MAX_CAPF_ENTRIES = 5;
/** The port phones use when an entry names none (capf.md). */
const DEFAULT_CAPF_PORT = 3804;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => UNESCAPES[e]);
}

/** `<capfAuthMode>N</capfAuthMode>` for a mode. */
export function capfAuthModeXml(mode: CapfAuthMode, indent: string): string {
  return `${indent}<capfAuthMode>${CAPF_AUTH_MODE_NUMBER[mode]}</capfAuthMode>`;
}

/** The server's one CAPF entry at `at`. */
export function capfEntryAt(at: ServiceAddress): CapfEntry {
  return { host: at.host, port: at.capfPort };
}

/** A node's capfList: its own CAPF first, then the other nodes' (none outside a cluster). */
export function capfEntriesAt(at: ServiceAddress): CapfEntry[] {
  return [at, ...(at.others ?? [])].map(capfEntryAt);
}

export function capfListXml(entries: readonly CapfEntry[], indent: string): string {
  const capf = entries.flatMap((e) => [
    `${indent}  <capf>`,
    `${indent}    <phonePort>${e.port}</phonePort>`,
    `${indent}    <processNodeName>${xmlText(e.host)}</processNodeName>`,
    `${indent}  </capf>`,
  ]);
  return [`${indent}<capfList>`, ...capf, `${indent}</capfList>`].join("\n");
}

/** The partial config a phone with TFTP Encrypted Config is served signed (formats.md §4). */
export function partialConfigXml(c: PartialConfig): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<device>`,
    `  <fullConfig>false</fullConfig>`,
    `  <ipAddressMode>0</ipAddressMode>`,
    `  <loadInformation>${xmlText(c.loadInformation)}</loadInformation>`,
    capfAuthModeXml(c.capfAuthMode, "  "),
    capfListXml(c.capfList, "  "),
    `  <certHash>${xmlText(c.certHash)}</certHash>`,
    `  <encrConfig>true</encrConfig>`,
    `</device>`,
    ``,
  ].join("\n");
}

/**
 * What the phone reads from a verified config body. A small tag reader is enough: the body is
 * signed, so it is the server's own XML. An unknown <capfAuthMode> number is read as by null
 * string (capfAuthModeNumber keeps the number for diagnostics).
 */
export function readPhoneConfig(xml: string): PhoneConfigView {
  const fullText = tagText(xml, "fullConfig");
  const modeNumber = Number(tagText(xml, "capfAuthMode") ?? "0");
  const capfList = capfBlocks(xml).map((block) => ({
    host: tagText(block, "processNodeName") ?? "",
    port: Number(tagText(block, "phonePort") ?? String(DEFAULT_CAPF_PORT)),
  }));
  return {
    full: fullText === undefined || fullText.toLowerCase() !== "false",
    capfAuthModeNumber: modeNumber,
    capfAuthMode: capfAuthModeFromNumber(modeNumber) ?? "null",
    capfList: capfList.filter((c) => c.host !== "" && Number.isInteger(c.port) && c.port > 0 && c.port < 65536),
    certHash: (tagText(xml, "certHash") ?? "").toLowerCase(),
    encrConfig: (tagText(xml, "encrConfig") ?? "").toLowerCase() === "true",
  };
}

/**
 * The first MAX_CAPF_ENTRIES <capf>…</capf> bodies, found with indexOf: a lazy regex restarted
 * at every unclosed <capf> is quadratic (100 000 of them took minutes; the fuzzer keeps this linear).
 */
function capfBlocks(xml: string): string[] {
  const blocks: string[] = [];
  for (let at = 0; blocks.length < MAX_CAPF_ENTRIES; ) {
    const open = xml.indexOf("<capf>", at);
    const close = open < 0 ? -1 : xml.indexOf("</capf>", open + 6);
    if (close < 0) break;
    blocks.push(xml.slice(open + 6, close));
    at = close + 7;
  }
  return blocks;
}

function tagText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? unescapeXml(m[1].trim()) : undefined;
}
