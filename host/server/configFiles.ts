// The three config files of a device, each a decision about what this device may be
// given in which form:
//   SEP<MAC>.cnf.xml.sgn      partial config (encrypted profile) or full config, signed
//   SEP<MAC>.cnf.xml.enc.sgn  full config encrypted to the device's RSA certificate
//   SEP<MAC>.cnf.xml          full config in clear, non-secure profiles only
import { X509Certificate } from "node:crypto";
import type { ServiceAddress } from "../shared/configXml.js";
import { encryptConfig } from "../shared/signed/encryptedConfigWriter.js";
import { signFile } from "../shared/signed/signedFileWriter.js";
import type { Device } from "./deviceStore.js";
import { fullConfigXml } from "./fullConfig.js";
import type { LabPki } from "./labPki.js";
import { partialConfigXml } from "./partialConfig.js";
import { SECURITY_MODE } from "./profileStore.js";

/** A file, or why this device gets none under that name (logged, never sent). */
export type Rendering = { body: Uint8Array } | { refused: string };

const utf8 = (text: string) => new TextEncoder().encode(text);

export function signedConfigFile(device: Device, pki: LabPki, at: ServiceAddress): Rendering {
  const xml = device.profile.tftpencryptedconfig ? partialConfigXml(device, at) : fullConfigXml(device, at);
  return { body: signFile(utf8(xml), { signer: pki.tftp, hash: device.profile.signinghash, filename: `${device.name}.cnf.xml.sgn` }) };
}

export function encryptedConfigFile(device: Device, pki: LabPki, at: ServiceAddress): Rendering {
  if (!device.profile.tftpencryptedconfig) {
    return { refused: `profile '${device.profile.name}' has no TFTP Encrypted Config (the device gets ${device.name}.cnf.xml.sgn)` };
  }
  if (!device.certificate) {
    return { refused: `no certificate recorded for ${device.name} yet: the phone must complete a CAPF session first` };
  }
  let keyType: string | undefined;
  try {
    keyType = new X509Certificate(device.certificate).publicKey.asymmetricKeyType;
  } catch (e) {
    return { refused: `the certificate recorded for ${device.name} does not parse (${(e as Error).message}): schedule a CAPF fetch or install` };
  }
  if (keyType !== "rsa") {
    return {
      refused: `${device.name}'s certificate holds an ${keyType?.toUpperCase()} key: an encrypted config needs an RSA device key — schedule a CAPF install with --key-size`,
    };
  }
  const body = encryptConfig(utf8(fullConfigXml(device, at)), {
    device: device.certificate,
    signer: pki.tftp,
    hash: device.profile.signinghash,
    filename: `${device.name}.cnf.xml.enc.sgn`,
  });
  return { body };
}

export function plainConfigFile(device: Device, at: ServiceAddress): Rendering {
  const p = device.profile;
  if (p.tftpencryptedconfig || p.devicesecuritymode !== SECURITY_MODE.nonSecure) {
    return { refused: `profile '${p.name}' is secure: ${device.name}'s config is served only signed${p.tftpencryptedconfig ? " and encrypted" : ""}` };
  }
  return { body: utf8(fullConfigXml(device, at)) };
}
