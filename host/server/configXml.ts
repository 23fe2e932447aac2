// What full and partial configs share: XML escaping, the CAPF list and the
// capfAuthMode numbering of formats.md §4.
import type { CapfAuthMode } from "./profileStore.js";

/** Where phones find the services: the advertised host and the CAPF port. */
export interface ServiceAddress {
  host: string;
  capfPort: number;
}

/** formats.md §4: 1 by authentication string, 2 by null string, 3 LSC first, 4 MIC first. */
export const CAPF_AUTH_MODE_NUMBER: Record<CapfAuthMode, number> = { string: 1, null: 2, lsc: 3, mic: 4 };

export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export function capfListXml(at: ServiceAddress, indent: string): string {
  return [
    `${indent}<capfList>`,
    `${indent}  <capf>`,
    `${indent}    <phonePort>${at.capfPort}</phonePort>`,
    `${indent}    <processNodeName>${xmlText(at.host)}</processNodeName>`,
    `${indent}  </capf>`,
    `${indent}</capfList>`,
  ].join("\n");
}
