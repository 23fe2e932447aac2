// What the phone reads from a verified SEP<MAC>.cnf.xml body: the shared codec
// (host/shared/configXml.ts) reads it; this module adds the outline a person is shown.
import { unescapeXml } from "../shared/configXml.js";

export { type CapfEntry, type PhoneConfigView, readPhoneConfig } from "../shared/configXml.js";

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
