// Troubleshooting: the devices as links; per device, the source document's checklist from the
// server's side — CAPF up and listening (a real TLS connection, the certificate compared with
// the lab CAPF's), the address and port the device's partial config advertises, the stored
// md5hash against the stored certificate — and the device's timeline (host/server/deviceTimeline.ts).
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { type Device, findDevice, listDevices } from "../deviceStore.js";
import { eventSummary, readTimeline } from "../deviceTimeline.js";
import { certificateMd5 } from "../reports.js";
import { type AdminContext, type PageRequest, param, sendPage } from "./adminContext.js";

const LIST = "/troubleshooting";

interface Check {
  title: string;
  ok: boolean;
  detail: string;
}

export function troubleshootingList(ctx: AdminContext, r: PageRequest): void {
  const devices = listDevices(ctx.db).map((d) => ({ name: d.name, href: `${LIST}/device?name=${encodeURIComponent(d.name)}` }));
  sendPage(r, "@troubleshooting", { title: "Troubleshooting", current: LIST }, { devices });
}

export async function troubleshootingDevice(ctx: AdminContext, r: PageRequest): Promise<void> {
  const name = param(r, "name", 20);
  const device = findDevice(ctx.db, name);
  if (!device) {
    return sendPage(r, "@message", { title: "Troubleshooting", current: LIST, error: `No device named ${name}` }, { href: LIST, link: "All devices" }, 404);
  }
  const checks = [await capfListening(ctx), advertisedInPartialConfig(ctx, device), storedHash(device)];
  ctx.events.flush();
  const timeline = readTimeline(ctx.db, device.name).map((e) => ({ ...e, summary: eventSummary(e) }));
  sendPage(r, "@checklist", { title: `Troubleshooting: ${device.name}`, current: LIST }, { checks, timeline });
}

/** A TLS handshake with the CAPF service within 3 s, presenting the lab CAPF certificate. */
function capfListening(ctx: AdminContext): Promise<Check> {
  const title = "CAPF service up and listening";
  const where = `${ctx.capf.host}:${ctx.capf.port}`;
  const expected = new X509Certificate(Buffer.from(ctx.capfCertificateDer));
  return new Promise((resolve) => {
    const socket = tls.connect({ host: ctx.capf.host, port: ctx.capf.port, rejectUnauthorized: false, servername: undefined });
    const done = (check: Check) => {
      socket.destroy();
      resolve(check);
    };
    socket.setTimeout(3000, () => done({ title, ok: false, detail: `no TLS handshake from ${where} within 3 s` }));
    socket.once("error", (e) => done({ title, ok: false, detail: `${where}: ${e.message}` }));
    socket.once("secureConnect", () => {
      const raw = socket.getPeerX509Certificate()?.raw;
      const same = raw?.equals(expected.raw) === true;
      done({
        title,
        ok: same,
        detail: same ? `listening on ${where} with the CAPF certificate` : `${where} answers with another certificate than DIR/pki/capf.pem`,
      });
    });
  });
}

/** The CAPF address and port the phone is told, read from the partial config the server serves now. */
function advertisedInPartialConfig(ctx: AdminContext, d: Device): Check {
  const title = "Advertised CAPF address and port in the partial config";
  const name = `${d.name}.cnf.xml.sgn`;
  if (!d.profile.tftpencryptedconfig) {
    return {
      title,
      ok: false,
      detail: `${d.profile.name} does not have TFTP Encrypted Config ticked: ${name} is the full config, no partial config is served`,
    };
  }
  const r = ctx.files.get(name);
  if (!r.body) return { title, ok: false, detail: `${name} is not served: ${r.note}` };
  const text = Buffer.from(r.body).toString("latin1");
  const host = /<processNodeName>([^<]*)<\/processNodeName>/.exec(text)?.[1];
  const port = /<phonePort>([0-9]+)<\/phonePort>/.exec(text)?.[1];
  const at = ctx.address();
  const ok = host === at.host && Number(port) === ctx.capf.port;
  return {
    title,
    ok,
    detail: `${name} tells the phone ${host ?? "no host"}:${port ?? "no port"}${ok ? "" : `, but CAPF listens on port ${ctx.capf.port} of ${at.host}`}`,
  };
}

function storedHash(d: Device): Check {
  const title = "Stored md5hash against the stored certificate";
  if (!d.certificate) {
    return {
      title,
      ok: d.md5hash === null,
      detail: d.md5hash ? `md5hash ${d.md5hash} but no certificate stored` : "no certificate recorded yet (the phone has not enrolled)",
    };
  }
  const md5 = certificateMd5(d.certificate);
  return md5 === d.md5hash
    ? { title, ok: true, detail: `md5hash ${d.md5hash} is the MD5 of the stored certificate` }
    : { title, ok: false, detail: `md5hash ${d.md5hash ?? "empty"}, but the stored certificate's MD5 is ${md5}` };
}
