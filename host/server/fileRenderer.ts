// Answers "what are the bytes of file NAME?" from the database as it is now. The server
// does not call renderFile per request any more — builtFiles.ts keeps what renderDeviceFile
// built until a change touches it — but the per-request path stays callable for the bench's
// comparison. Unknown names and refusals are null to the caller — 404 / TFTP error 1 — with
// the reason in the note.

import type { ServiceAddress } from "../shared/configXml.js";
import { DEFAULT_SIGNING_HASH } from "../shared/hashAlgorithms.js";
import { encryptedConfigFile, plainConfigFile, type Rendering, signedConfigFile } from "./configFiles.js";
import type { Db } from "./database.js";
import { type Device, findDevice } from "./deviceStore.js";
import type { LabPki } from "./labPki.js";
import { parseServedName, type ServedFile } from "./servedFileName.js";
import { trustListFile } from "./trustListFile.js";

export interface RendererContext {
  db: Db;
  pki: LabPki;
  /** where phones reach CAPF; read per request so the advertised host can change */
  address: () => ServiceAddress;
}

export type RenderResult = { body: Uint8Array; note: string } | { body: null; note: string };

/** The kinds of file a device has (everything parseServedName names but ITLFile.tlv). */
export type DeviceFileKind = Exclude<ServedFile["kind"], "trustList">;
export const DEVICE_FILE_KINDS: readonly DeviceFileKind[] = ["deviceTrustList", "signedConfig", "encryptedConfig", "plainConfig"];

/** The per-request path: parse, read the device, render and sign. */
export function renderFile(ctx: RendererContext, name: string): RenderResult {
  const wanted = parseServedName(name);
  if (!wanted) return { body: null, note: "no such file" };
  if (wanted.kind === "trustList") return { body: trustListFile(ctx.pki, DEFAULT_SIGNING_HASH), note: "trust list" };
  const device = findDevice(ctx.db, wanted.device);
  if (!device) return { body: null, note: `unknown device ${wanted.device}` };
  return renderDeviceFile(wanted.kind, device, ctx.pki, ctx.address());
}

/** One of a device's files, or the refusal. `trustList` gives the signed list for a hash (shared by every device using it). */
export function renderDeviceFile(
  kind: DeviceFileKind,
  device: Device,
  pki: LabPki,
  at: ServiceAddress,
  trustList: (hash: Device["profile"]["signinghash"]) => Uint8Array = (hash) => trustListFile(pki, hash),
): RenderResult {
  switch (kind) {
    case "deviceTrustList":
      return { body: trustList(device.profile.signinghash), note: "trust list" };
    case "signedConfig":
      return result(
        signedConfigFile(device, pki, at),
        device.profile.tftpencryptedconfig ? `partial config, certHash ${device.md5hash ?? "empty"}` : "full config, signed",
      );
    case "encryptedConfig":
      return result(encryptedConfigFile(device, pki, at), `full config encrypted to certificate ${device.md5hash}`);
    case "plainConfig":
      return result(plainConfigFile(device, at), "full config, clear (non-secure profile)");
  }
}

function result(r: Rendering, what: string): RenderResult {
  return "body" in r ? { body: r.body, note: what } : { body: null, note: r.refused };
}
