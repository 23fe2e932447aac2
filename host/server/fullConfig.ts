// The phone's whole configuration: call manager, SIP line with its credentials, SSH
// access, firmware load, CAPF list. Its secrets are why an encrypted profile never
// gets it in clear.

import { capfAuthModeXml, capfEntriesAt, capfListXml, type ServiceAddress, xmlText } from "../shared/configXml.js";
import type { Device } from "./deviceStore.js";

export function fullConfigXml(device: Device, at: ServiceAddress): string {
  const p = device.profile;
  const line = device.directorynumber;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<device>`,
    `  <fullConfig>true</fullConfig>`,
    `  <deviceProtocol>${p.deviceprotocol}</deviceProtocol>`,
    `  <sshUserId>${xmlText(device.sshuserid)}</sshUserId>`,
    `  <sshPassword>${xmlText(device.sshpassword)}</sshPassword>`,
    `  <ipAddressMode>0</ipAddressMode>`,
    `  <devicePool>`,
    `    <name>Default</name>`,
    `    <dateTimeSetting><dateTemplate>D/M/Y</dateTemplate><timeZone>Central Europe Standard/Daylight Time</timeZone></dateTimeSetting>`,
    `    <callManagerGroup>`,
    `      <name>Default</name>`,
    `      <members>`,
    `        <member priority="0">`,
    `          <callManager>`,
    `            <ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>5060</sipPort><securedSipPort>5061</securedSipPort></ports>`,
    `            <processNodeName>${xmlText(at.host)}</processNodeName>`,
    `          </callManager>`,
    `        </member>`,
    `      </members>`,
    `    </callManagerGroup>`,
    `  </devicePool>`,
    `  <sipProfile>`,
    `    <sipProxies><registerWithProxy>true</registerWithProxy></sipProxies>`,
    `    <sipLines>`,
    `      <line button="1">`,
    `        <featureID>9</featureID>`,
    `        <featureLabel>${xmlText(device.description)}</featureLabel>`,
    `        <name>${xmlText(line)}</name>`,
    `        <displayName>${xmlText(line)}</displayName>`,
    `        <contact>${xmlText(line)}</contact>`,
    `        <authName>${xmlText(device.sipauthname)}</authName>`,
    `        <authPassword>${xmlText(device.sippassword)}</authPassword>`,
    `      </line>`,
    `    </sipLines>`,
    `  </sipProfile>`,
    `  <loadInformation>${xmlText(device.loadinformation)}</loadInformation>`,
    `  <vendorConfig><webAccess>1</webAccess><sshAccess>0</sshAccess></vendorConfig>`,
    capfAuthModeXml(device.capfauthmode, "  "),
    capfListXml(capfEntriesAt(at), "  "),
    `  <deviceSecurityMode>${p.devicesecuritymode}</deviceSecurityMode>`,
    `  <encrConfig>${p.tftpencryptedconfig ? "true" : "false"}</encrConfig>`,
    `</device>`,
    ``,
  ].join("\n");
}
