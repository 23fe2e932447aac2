// The partial config a phone with TFTP Encrypted Config gets as SEP<MAC>.cnf.xml.sgn
// (formats.md §4): no secrets, only what it needs to reach CAPF and to decide whether
// its certificate is the one the server will encrypt to. The XML is the shared codec's.

import { capfEntriesAt, type ServiceAddress, partialConfigXml as writePartialConfig } from "../shared/configXml.js";
import type { Device } from "./deviceStore.js";

export function partialConfigXml(device: Device, at: ServiceAddress): string {
  return writePartialConfig({
    loadInformation: device.loadinformation,
    capfAuthMode: device.capfauthmode,
    capfList: capfEntriesAt(at),
    certHash: device.md5hash ?? "",
  });
}
