// What the phone reads from a verified SEP<MAC>.cnf.xml body (formats.md §4): whether it is
// the full config, and for a partial one where CAPF is, how to authenticate, and certHash.
// A small tag reader is enough: the body is signed, so it is the server's own XML.
import type { CapfAuthMode } from "./capfClient.js";

export interface CapfEntry {
  host: string;
  port: number;
}

export interface PhoneConfigView {
  full: boolean;
  /** the number in <capfAuthMode> (0 when absent) */
  capfAuthModeNumber: number;
  capfAuthMode: CapfAuthMode;
  capfList: CapfEntry[];
  /** lowercase, "" when empty or absent */
  certHash: string;
}

/** formats.md §4: 1 string, 2 null, 3 LSC first, 4 MIC first; 0 (the seed's capture) is null string. */
const AUTH_MODES: Record<number, CapfAuthMode> = { 0: "null", 1: "string", 2: "null", 3: "lsc", 4: "mic" };

export function readPhoneConfig(xml: string): PhoneConfigView {
  const fullText = tagText(xml, "fullConfig");
  const modeNumber = Number(tagText(xml, "capfAuthMode") ?? "0");
  const capfList = capfBlocks(xml).map((block) => ({
    host: tagText(block, "processNodeName") ?? "",
    port: Number(tagText(block, "phonePort") ?? "3804"),
  }));
  return {
    full: fullText === undefined || fullText.toLowerCase() !== "false",
    capfAuthModeNumber: modeNumber,
    capfAuthMode: AUTH_MODES[modeNumber] ?? "null",
    capfList: capfList.filter((c) => c.host !== "" && Number.isInteger(c.port) && c.port > 0 && c.port < 65536),
    certHash: (tagText(xml, "certHash") ?? "").toLowerCase(),
  };
}

/**
 * The first five <capf>…</capf> bodies, found with indexOf: a lazy regex restarted at every
 * unclosed <capf> is quadratic (100 000 of them took minutes; the fuzzer keeps this linear).
 */
function capfBlocks(xml: string): string[] {
  const blocks: string[] = [];
  for (let at = 0; blocks.length < 5; ) {
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

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" })[e]!);
}

/** Element names whose text is a secret: masked in outlines. */
const SECRET = /password|secret|key|pin$/i;

/** The config's outline for a person: nested elements indented, leaf values shown, secrets masked. */
export function configOutline(xml: string): string[] {
  const lines: string[] = [];
  let depth = 0;
  // [^<>] keeps an unclosed "<a" from scanning to the end of the text at every "<": linear time.
  const tokens = /<(\/?)([A-Za-z][\w.-]*)([^<>]*?)(\/?)>([^<]*)/g;
  const body = xml.replace(/<\?[^>]*\?>/g, "");
  for (const m of body.matchAll(tokens)) {
    const [, closing, tag, attributes, selfClosing, after] = m;
    if (closing) {
      depth = Math.max(0, depth - 1); // a stray closing tag (the fuzzer found it) must not make the indent negative
      continue;
    }
    const attrs = attributes.trim() ? ` [${attributes.trim()}]` : "";
    const leaf = body.startsWith(`</${tag}>`, (m.index ?? 0) + m[0].length);
    const value = unescapeXml(after.trim());
    if (selfClosing) lines.push(`${"  ".repeat(depth)}${tag}${attrs}`);
    else if (leaf) lines.push(`${"  ".repeat(depth)}${tag}${attrs}: ${SECRET.test(tag) && value !== "" ? "********" : value}`);
    else lines.push(`${"  ".repeat(depth)}${tag}${attrs}`);
    if (!selfClosing) depth++;
  }
  return lines;
}
