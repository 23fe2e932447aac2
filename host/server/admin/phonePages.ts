// Device > Phone: every device, paged, before any search; find by name or description; Add New;
// the device form with its CAPF Information section. Changes go through
// host/server/deviceStore.ts in one transaction, with the same checks and messages as
// `cnfguard device add` and `device capf NAME OP --until TIME --auth-string generate`.
import { statusInfo } from "../../shared/capfStatus.js";
import { CAPF_AUTH_MODE_LABEL, CAPF_OPERATION_LABEL, CUCM_OPERATION_ORDER } from "../../shared/capfVocabulary.js";
import { DEVICE_CLASSES, deviceNameFromInput } from "../../shared/deviceNames.js";
import { UsageError } from "../../shared/errors.js";
import type { Db } from "../database.js";
import {
  addDevice,
  CAPF_OPERATIONS,
  type Device,
  findDevice,
  futureDeadline,
  generateAuthString,
  listDevices,
  operationDeadline,
  setCapfOperation,
  setDeviceDescription,
  setDeviceProfile,
} from "../deviceStore.js";
import { listProfiles } from "../profileStore.js";
import { type AdminContext, type PageRequest, param, sendPage } from "./adminContext.js";
import { redirect } from "./adminHttp.js";
import { keyFields, keyFromForm, keyText } from "./profilePages.js";
import { options } from "./selectOptions.js";

const LIST = "/phone";
const TITLE = "Phone";
export const PAGE_SIZE = 50;

export function phoneList(ctx: AdminContext, r: PageRequest): void {
  const search = param(r, "search", 64);
  const needle = search.toLowerCase();
  const all = listDevices(ctx.db).filter((d) => `${d.name}\n${d.description}`.toLowerCase().includes(needle));
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(param(r, "page", 6), 10) || 1));
  const shown = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const link = (n: number) => `${LIST}?search=${encodeURIComponent(search)}&page=${n}`;
  const from = all.length === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  sendPage(
    r,
    "@phoneList",
    { title: TITLE, current: LIST },
    {
      searchBox: { action: LIST, label: "Find Phone where Device Name or Description contains", search, addHref: `${LIST}/edit` },
      showing: `${from}–${from + shown.length - (shown.length ? 1 : 0)} of ${all.length} devices (page ${page} of ${pages})`,
      previous: page > 1 ? link(page - 1) : undefined,
      next: page < pages ? link(page + 1) : undefined,
      table: {
        columns: [
          "Device Name",
          "Description",
          "Device Security Profile",
          "md5hash",
          "Certificate Operation",
          "Operation Completes By",
          "Certificate Operation Status",
        ],
        rows: shown.map((d) => [
          { text: d.name, href: `${LIST}/edit?name=${encodeURIComponent(d.name)}` },
          d.description,
          d.profile.name,
          d.md5hash ?? "",
          CAPF_OPERATION_LABEL[d.capfoperation],
          completesByText(d),
          operationStatus(d),
        ]),
        empty: search ? `No device's name or description contains "${search}"` : "No devices yet: Add New creates one",
      },
    },
  );
}

export function phoneForm(ctx: AdminContext, r: PageRequest): void {
  const name = param(r, "name", 40);
  if (name === "") return showForm(ctx, r, blankForm(ctx.db), "", {});
  // Found by a name in any case or a MAC in any spelling, as `device show` finds it.
  const d = findDevice(ctx.db, deviceNameFromInput(name));
  if (!d) return showForm(ctx, r, { ...blankForm(ctx.db), name }, "", { error: `No device named ${name}: fill in the form to add it` }, 404);
  showForm(ctx, r, deviceForm(d), d.name, { saved: param(r, "saved") === "1" ? savedText(d) : undefined });
}

export function phoneSave(ctx: AdminContext, r: PageRequest): void {
  const original = param(r, "original", 20);
  const posted = postedForm(r, original);
  if (param(r, "action") === "generate") {
    // The generator of `--auth-string generate`; the string serves the operation until its deadline.
    const until = posted.completesBy ? `, before ${posted.completesBy.replace("T", " ")} UTC (Operation Completes By)` : "";
    return showForm(ctx, r, { ...posted, authMode: "string", authString: generateAuthString() }, original, {
      notice: `A new authentication string: Save to keep it, then give it to the phone's user to enter${until}`,
    });
  }
  try {
    ctx.db.transaction(() => saveDevice(ctx.db, original, posted))();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return showForm(ctx, r, posted, original, { error: e.message }, 400);
  }
  redirect(r.res, `${LIST}/edit?name=${encodeURIComponent(posted.name)}&saved=1`);
}

/** The device form's values, as shown and as posted. */
interface DeviceFormValues {
  name: string;
  description: string;
  profile: string;
  operation: string;
  authMode: string;
  authString: string;
  keysize: number | null;
  keycurve: string | null;
  completesBy: string;
  /** Certificate Operation Status as shown (CUCM's words and when), read-only */
  status: string;
  /** undefined on Add New (nothing recorded yet) */
  md5hash?: string;
}

function saveDevice(db: Db, original: string, f: DeviceFormValues): void {
  const before = original ? findDevice(db, original) : undefined;
  if (original && !before) throw new UsageError(`device ${original} no longer exists`);
  if (!before) addDevice(db, f.name, { profile: f.profile, description: f.description });
  else {
    if (f.description !== before.description) setDeviceDescription(db, f.name, f.description);
    if (f.profile !== before.profile.name) setDeviceProfile(db, f.name, f.profile);
  }
  const current = findDevice(db, f.name)!;
  const keyChanged = f.keycurve ? f.keycurve !== current.keycurve : f.keysize !== current.keysize;
  const authMode = f.authMode !== current.capfauthmode ? (f.authMode as Device["capfauthmode"]) : undefined;
  const authString = f.authMode === "string" && f.authString !== "" && f.authString !== current.authenticationstring ? f.authString : undefined;
  const typed = f.operation === "none" || f.completesBy === "" ? undefined : zonedTime(f.completesBy);
  const until = typed === undefined ? undefined : operationDeadline(typed, new Date(), COMPLETES_BY);
  // The form shows the deadline to the second, so a time is new only when its second differs.
  const newTime = until !== undefined && completesByValue(until) !== completesByValue(current.capfoperationdeadline);
  const reschedule = f.operation !== current.capfoperation || newTime;
  // An unchanged schedule is left as it is: saving a description does not restart an operation.
  if (!reschedule && !keyChanged && authMode === undefined && authString === undefined) return;
  // A time that opens a schedule must lie ahead, as `device capf --until` requires.
  if (reschedule && typed !== undefined) futureDeadline(typed, new Date(), COMPLETES_BY);
  setCapfOperation(db, f.name, {
    operation: f.operation,
    until: reschedule ? until : (current.capfoperationdeadline ?? undefined),
    authMode,
    authString,
    ...(keyChanged ? (f.keycurve ? { curve: f.keycurve } : { keySize: f.keysize ?? undefined }) : {}),
  });
}

const COMPLETES_BY = "Operation Completes By";

/**
 * The form's Operation Completes By with its zone, for `device capf --until`'s checks. A
 * datetime-local control sends none; the page says the time is UTC, so a zoneless time gets "Z".
 */
function zonedTime(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text) ? `${text}Z` : text;
}

/** A stored deadline as a datetime-local value (UTC, to the second). */
function completesByValue(deadline: string | null): string {
  return deadline ? deadline.slice(0, 19) : "";
}

function showForm(ctx: AdminContext, r: PageRequest, d: DeviceFormValues, original: string, m: Messages, status = 200): void {
  sendPage(
    r,
    "@phoneForm",
    { title: original ? `${TITLE}: ${original}` : `${TITLE}: Add New`, current: LIST, notice: m.notice, error: m.error },
    {
      d,
      original,
      saved: m.saved,
      profiles: listProfiles(ctx.db).map((p) => ({ value: p.name, label: p.name })),
      operations: options(CAPF_OPERATION_LABEL, CUCM_OPERATION_ORDER),
      authModes: options(CAPF_AUTH_MODE_LABEL),
      key: keyFields(d),
      nameHint: `Any device class: ${DEVICE_CLASSES.map((c) => `${c.example} (${c.what})`).join(", ")}; a MAC in any spelling makes SEP + the MAC`,
      nameMax: 40,
    },
    status,
  );
}

interface Messages {
  notice?: string;
  error?: string;
  saved?: Array<[string, string]>;
}

function blankForm(db: Db): DeviceFormValues {
  const first = listProfiles(db)[0];
  return {
    name: "",
    description: "",
    profile: first?.name ?? "",
    operation: "none",
    authMode: first?.capfauthmode ?? "null",
    authString: "",
    keysize: first?.keysize ?? 2048,
    keycurve: first?.keycurve ?? null,
    completesBy: "",
    status: statusInfo("none").label,
  };
}

function deviceForm(d: Device): DeviceFormValues {
  return {
    name: d.name,
    description: d.description,
    profile: d.profile.name,
    operation: d.capfoperation,
    authMode: d.capfauthmode,
    authString: d.authenticationstring ?? "",
    keysize: d.keysize,
    keycurve: d.keycurve,
    completesBy: completesByValue(d.capfoperationdeadline),
    status: operationStatus(d),
    md5hash: d.md5hash ?? "",
  };
}

function postedForm(r: PageRequest, original: string): DeviceFormValues {
  const key = keyFromForm(r);
  const operation = param(r, "certificateoperation", 10);
  return {
    // typed as `device add` takes it: a name in any case or a MAC in any spelling
    name: original || deviceNameFromInput(param(r, "devicename", 40)),
    description: param(r, "description", 200),
    profile: param(r, "profile", 64),
    operation: (CAPF_OPERATIONS as readonly string[]).includes(operation) ? operation : "none",
    authMode: param(r, "capfauthmode", 8),
    authString: param(r, "authenticationstring", 16).trim(),
    keysize: key.keysize ?? null,
    keycurve: key.keycurve ?? null,
    completesBy: param(r, "operationcompletesby", 40).trim(),
    status: "",
  };
}

/**
 * Certificate Operation Status in CUCM's words (host/shared/capfStatus.ts) with when it was
 * reached — for a timeout never seen by a session, the deadline that passed.
 */
export function operationStatus(d: Device): string {
  const label = statusInfo(d.certificateOperationStatus).label;
  let at = d.certificateoperationstatusat;
  if (d.certificateOperationStatus === "operationTimedOut" && d.capfoperationdeadline && (!at || at < d.capfoperationdeadline)) at = d.capfoperationdeadline;
  return at ? `${label} (${at})` : label;
}

/** The deadline of a scheduled operation, as stored (ISO 8601 UTC); empty when none is scheduled. */
function completesByText(d: Device): string {
  return d.capfoperation === "none" ? "" : (d.capfoperationdeadline ?? "");
}

function savedText(d: Device): Array<[string, string]> {
  return [
    ["Device Name", d.name],
    ["Description", d.description],
    ["Device Security Profile", d.profile.name],
    ["Certificate Operation", CAPF_OPERATION_LABEL[d.capfoperation]],
    ["Authentication Mode", CAPF_AUTH_MODE_LABEL[d.capfauthmode]],
    ["Authentication String", d.authenticationstring ?? ""],
    ["Key", keyText(d)],
    ["Operation Completes By", completesByText(d) || "no operation scheduled"],
    ["md5hash", d.md5hash ?? "none recorded"],
    ["Certificate Operation Status", operationStatus(d)],
  ];
}
