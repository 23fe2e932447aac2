// System > Security > Phone Security Profile: the list with a search box and Add New, and the
// profile form (Save, Copy, Delete). Every change goes through host/server/profileStore.ts, as
// `cnfguard profile` does, so the served files change exactly as with the CLI.

import { CAPF_AUTH_MODE_LABEL, CURVE_BITS_LABEL, KEY_ORDER_LABEL } from "../../shared/capfVocabulary.js";
import { UsageError } from "../../shared/errors.js";
import { DEFAULT_SIGNING_HASH, isSigningHash, SIGNING_HASH_LABEL } from "../../shared/hashAlgorithms.js";
import { SECURITY_MODE_LABEL } from "../../shared/securityModes.js";
import {
  addProfile,
  CURVES,
  defaultProfile,
  deleteProfile,
  editProfile,
  findProfile,
  KEY_SIZES,
  listProfiles,
  type ProfileChanges,
  type SecurityProfile,
} from "../profileStore.js";
import { type AdminContext, type PageRequest, param, sendPage } from "./adminContext.js";
import { redirect } from "./adminHttp.js";
import { options } from "./selectOptions.js";

const LIST = "/phonesecurityprofile";
const TITLE = "Phone Security Profile";

export function profileList(ctx: AdminContext, r: PageRequest): void {
  const search = param(r, "search", 64);
  const needle = search.toLowerCase();
  const profiles = listProfiles(ctx.db).filter((p) => `${p.name}\n${p.description}`.toLowerCase().includes(needle));
  const deleted = param(r, "deleted", 64);
  sendPage(
    r,
    "@profileList",
    { title: TITLE, current: LIST, notice: deleted ? `Deleted ${deleted}` : undefined },
    {
      searchBox: { action: LIST, label: "Find Phone Security Profile where Name or Description contains", search, addHref: `${LIST}/edit` },
      table: {
        caption: `${profiles.length} profile${profiles.length === 1 ? "" : "s"}`,
        columns: ["Name", "Description", "Device Security Mode", "TFTP Encrypted Config", "Authentication Mode", "Key"],
        rows: profiles.map((p) => [
          { text: p.name, href: `${LIST}/edit?name=${encodeURIComponent(p.name)}` },
          p.description,
          SECURITY_MODE_LABEL[p.devicesecuritymode],
          p.tftpencryptedconfig ? "Yes" : "No",
          CAPF_AUTH_MODE_LABEL[p.capfauthmode],
          keyText(p),
        ]),
        empty: search ? `No profile's name or description contains "${search}"` : "No profiles yet: Add New creates one",
      },
    },
  );
}

export function profileForm(ctx: AdminContext, r: PageRequest): void {
  const name = param(r, "name", 64);
  if (name === "") return showForm(r, defaultProfile(""), "", {});
  const p = findProfile(ctx.db, name);
  if (!p) return showForm(r, defaultProfile(name), "", { error: `No profile named ${name}: fill in the form to add it` }, 404);
  showForm(r, p, p.name, { saved: param(r, "saved") === "1" ? savedText(p) : undefined });
}

export function profileSave(ctx: AdminContext, r: PageRequest): void {
  const original = param(r, "original", 64);
  const name = original || param(r, "name", 64).trim();
  const changes = changesFromForm(r);
  try {
    if (original) editProfile(ctx.db, original, changes);
    else addProfile(ctx.db, name, changes);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return showForm(r, formProfile(r, name), original, { error: e.message }, 400);
  }
  redirect(r.res, `${LIST}/edit?name=${encodeURIComponent(name)}&saved=1`);
}

/** Copy: the Add New form filled with this profile's settings, under a new name (saved only by Save). */
export function profileCopy(_ctx: AdminContext, r: PageRequest): void {
  const from = param(r, "original", 64);
  const copy = { ...formProfile(r, `Copy of ${from}`.slice(0, 50)) };
  showForm(r, copy, "", { notice: `A copy of ${from}: give it a name and Save` });
}

export function profileDelete(ctx: AdminContext, r: PageRequest): void {
  const name = param(r, "original", 64);
  try {
    deleteProfile(ctx.db, name);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const p = findProfile(ctx.db, name) ?? defaultProfile(name);
    return showForm(r, p, p.pkid ? p.name : "", { error: e.message }, 400);
  }
  redirect(r.res, `${LIST}?deleted=${encodeURIComponent(name)}`);
}

interface Messages {
  notice?: string;
  error?: string;
  saved?: Array<[string, string]>;
}

function showForm(r: PageRequest, p: SecurityProfile, original: string, m: Messages, status = 200): void {
  sendPage(
    r,
    "@profileForm",
    { title: original ? `${TITLE}: ${original}` : `${TITLE}: Add New`, current: LIST, notice: m.notice, error: m.error },
    {
      p,
      original,
      saved: m.saved,
      protocols: options({ SIP: "SIP", SCCP: "SCCP" }),
      securityModes: options(SECURITY_MODE_LABEL),
      authModes: options(CAPF_AUTH_MODE_LABEL),
      hashes: options(SIGNING_HASH_LABEL),
      key: keyFields(p),
    },
    status,
  );
}

/** The Key Order / Key Size (Bits) / EC Key Size (Bits) selects of a profile or a device. */
export function keyFields(k: { keysize: number | null; keycurve: string | null }) {
  return {
    keyOrders: options(KEY_ORDER_LABEL),
    keyOrder: k.keycurve ? "ec" : "rsa",
    keySizes: KEY_SIZES.map((bits) => ({ value: String(bits), label: String(bits) })),
    keySize: String(k.keysize ?? 2048),
    curves: options(CURVE_BITS_LABEL, CURVES),
    curve: k.keycurve ?? "secp256r1",
  };
}

/** The key the form asks for: an RSA size or an EC curve, by Key Order. */
export function keyFromForm(r: PageRequest): { keysize?: number; keycurve?: string } {
  return param(r, "keyorder") === "ec" ? { keycurve: param(r, "eckeysize", 20) } : { keysize: Number(param(r, "keysize", 8)) };
}

function changesFromForm(r: PageRequest): ProfileChanges {
  return {
    description: param(r, "description"),
    producttype: param(r, "producttype", 64),
    deviceprotocol: param(r, "deviceprotocol", 8),
    devicesecuritymode: Number(param(r, "devicesecuritymode", 2)),
    tftpencryptedconfig: param(r, "tftpencryptedconfig") === "on",
    capfauthmode: param(r, "capfauthmode", 8),
    signinghash: param(r, "signinghash", 8),
    ...keyFromForm(r),
  };
}

/** What the form posted, as a profile to show again (after a refusal, or as a copy). */
function formProfile(r: PageRequest, name: string): SecurityProfile {
  const c = changesFromForm(r);
  const base = defaultProfile(name);
  return {
    ...base,
    description: c.description ?? "",
    producttype: c.producttype ?? base.producttype,
    deviceprotocol: c.deviceprotocol === "SCCP" ? "SCCP" : "SIP",
    devicesecuritymode: c.devicesecuritymode ?? 1,
    tftpencryptedconfig: c.tftpencryptedconfig ?? false,
    capfauthmode: (c.capfauthmode as SecurityProfile["capfauthmode"]) ?? "null",
    signinghash: c.signinghash !== undefined && isSigningHash(c.signinghash) ? c.signinghash : DEFAULT_SIGNING_HASH,
    keysize: c.keysize ?? null,
    keycurve: (c.keycurve as SecurityProfile["keycurve"]) ?? null,
  };
}

export function keyText(k: { keysize: number | null; keycurve: string | null }): string {
  return k.keycurve ? `EC ${CURVE_BITS_LABEL[k.keycurve as keyof typeof CURVE_BITS_LABEL] ?? k.keycurve}` : `RSA ${k.keysize}`;
}

function savedText(p: SecurityProfile): Array<[string, string]> {
  return [
    ["Name", p.name],
    ["Description", p.description],
    ["Product Type", p.producttype],
    ["Device Protocol", p.deviceprotocol],
    ["Device Security Mode", SECURITY_MODE_LABEL[p.devicesecuritymode]],
    ["TFTP Encrypted Config", p.tftpencryptedconfig ? "Yes" : "No"],
    ["Authentication Mode", CAPF_AUTH_MODE_LABEL[p.capfauthmode]],
    ["Key", keyText(p)],
    ["Signing Hash", SIGNING_HASH_LABEL[p.signinghash]],
  ];
}
