// The partial config a phone with TFTP Encrypted Config gets as SEP<MAC>.cnf.xml.sgn
// (formats.md §4): no secrets, only what it needs to reach CAPF and to decide whether
// its certificate is the one the server will encrypt to.

import { CAPF_AUTH_MODE_NUMBER, capfListXml, type ServiceAddress, xmlText } from "./configXml.js";
import type { Device } from "./deviceStore.js";

export function partialConfigXml(device: Device, at: ServiceAddress): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<device>`,
    `  <fullConfig>false</fullConfig>`,
    `  <ipAddressMode>0</ipAddressMode>`,
    `  <loadInformation>${xmlText(device.loadinformation)}</loadInformation>`,
    `  <capfAuthMode>${CAPF_AUTH_MODE_NUMBER[device.capfauthmode]}</capfAuthMode>`,
    capfListXml(at, "  "),
    `  <certHash>${device.md5hash ?? ""}</certHash>`,
    `  <encrConfig>true</encrConfig>`,
    `</device>`,
    ``,
  ].join("\n");
}
