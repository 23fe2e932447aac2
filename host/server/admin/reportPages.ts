// Reports: the LSC report (each device's recorded certificate: subject, issuer, validity, and
// whether its MD5 is the stored md5hash) and the CAPF report (operations waiting for phones).
import { createHash, X509Certificate } from "node:crypto";
import { CAPF_AUTH_MODE_LABEL, CAPF_OPERATION_LABEL } from "../../shared/capfVocabulary.js";
import { type Device, listDevices } from "../deviceStore.js";
import { type AdminContext, type PageRequest, sendPage } from "./adminContext.js";
import { operationStatus } from "./phonePages.js";
import { keyText } from "./profilePages.js";

export function reports(ctx: AdminContext, r: PageRequest): void {
  const devices = listDevices(ctx.db);
  const withCertificate = devices.filter((d) => d.certificate);
  const pending = devices.filter((d) => d.capfoperation !== "none");
  sendPage(
    r,
    "@reports",
    { title: "Reports", current: "/reports" },
    {
      lsc: {
        caption: `${withCertificate.length} device(s) with a recorded certificate`,
        columns: ["Device Name", "md5hash", "Subject", "Issuer", "Valid To", "md5hash matches certificate"],
        rows: withCertificate.map(lscRow),
        empty: "No device has a certificate recorded yet",
      },
      capf: {
        caption: `${pending.length} pending operation(s)`,
        columns: ["Device Name", "Certificate Operation", "Authentication Mode", "Key", "Certificate Operation Status"],
        rows: pending.map((d) => [d.name, CAPF_OPERATION_LABEL[d.capfoperation], CAPF_AUTH_MODE_LABEL[d.capfauthmode], keyText(d), operationStatus(d)]),
        empty: "No CAPF operation is pending",
      },
    },
  );
}

function lscRow(d: Device): string[] {
  const der = Buffer.from(d.certificate!);
  const md5 = md5Hex(der);
  try {
    const c = new X509Certificate(der);
    return [d.name, d.md5hash ?? "", oneLine(c.subject), oneLine(c.issuer), c.validTo, md5 === d.md5hash ? "Yes" : `No (certificate's MD5 is ${md5})`];
  } catch {
    return [d.name, d.md5hash ?? "", "not an X.509 certificate", "", "", "No"];
  }
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

function oneLine(name: string): string {
  return name.replace(/\n/g, ", ");
}
