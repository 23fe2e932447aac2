// Answers "what are the bytes of file NAME?" for HTTP and TFTP alike, from the database
// as it is now (so admin commands take effect at once). Unknown names and refusals are
// null to the caller — 404 / TFTP error 1 — with the reason in the log.

import { encryptedConfigFile, plainConfigFile, type Rendering, signedConfigFile } from "./configFiles.js";
import type { ServiceAddress } from "./configXml.js";
import type { Db } from "./database.js";
import { findDevice } from "./deviceStore.js";
import type { LabPki } from "./labPki.js";
import { parseServedName } from "./servedFileName.js";
import { trustListFile } from "./trustListFile.js";

export interface RendererContext {
  db: Db;
  pki: LabPki;
  /** where phones reach CAPF; read per request so the advertised host can change */
  address: () => ServiceAddress;
}

export type RenderResult = { body: Uint8Array; note: string } | { body: null; note: string };

export function renderFile(ctx: RendererContext, name: string): RenderResult {
  const wanted = parseServedName(name);
  if (!wanted) return { body: null, note: "no such file" };
  if (wanted.kind === "trustList") return { body: trustListFile(ctx.pki, "sha1"), note: "trust list" };
  const device = findDevice(ctx.db, wanted.device);
  if (!device) return { body: null, note: `unknown device ${wanted.device}` };
  const at = ctx.address();
  switch (wanted.kind) {
    case "deviceTrustList":
      return { body: trustListFile(ctx.pki, device.profile.signinghash), note: "trust list" };
    case "signedConfig":
      return result(
        signedConfigFile(device, ctx.pki, at),
        device.profile.tftpencryptedconfig ? `partial config, certHash ${device.md5hash ?? "empty"}` : "full config, signed",
      );
    case "encryptedConfig":
      return result(encryptedConfigFile(device, ctx.pki, at), `full config encrypted to certificate ${device.md5hash}`);
    case "plainConfig":
      return result(plainConfigFile(device, at), "full config, clear (non-secure profile)");
  }
}

function result(r: Rendering, what: string): RenderResult {
  return "body" in r ? { body: r.body, note: what } : { body: null, note: r.refused };
}
