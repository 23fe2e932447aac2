// Certificate Operation Status — what CUCM's phone page shows under "Certificate Operation
// Status" — one list, used by the server (recorded at every CAPF session outcome with its time),
// the CLI (`device show|list`, `report capf`, `--json` field `certificateOperationStatus`), `sql`
// (column `certificateoperationstatus`) and the admin pages. Ids are lower camel case; labels
// are CUCM's words (CUCM calls a fetch "Troubleshoot").

export interface CertificateOperationStatusInfo {
  id: string;
  /** CUCM's label */
  label: string;
  /** a failure (the operation did not complete; it stays scheduled unless it timed out) */
  failure: boolean;
  /** when it is reached */
  meaning: string;
}

export const CERTIFICATE_OPERATION_STATUSES = [
  { id: "none", label: "None", failure: false, meaning: "no operation has been scheduled or completed" },
  { id: "operationPending", label: "Operation Pending", failure: false, meaning: "an operation is scheduled and its deadline has not passed" },
  { id: "upgradeSuccess", label: "Upgrade Success", failure: false, meaning: "an install (or renewal) completed: the device holds a new LSC" },
  { id: "upgradeFailed", label: "Upgrade Failed", failure: true, meaning: "the device did not store the LSC it was sent" },
  { id: "deleteSuccess", label: "Delete Success", failure: false, meaning: "the device deleted its LSC" },
  { id: "deleteFailed", label: "Delete Failed", failure: true, meaning: "the device answered the delete request with a failure" },
  { id: "fetchSuccess", label: "Troubleshoot Success", failure: false, meaning: "the device handed over its certificate" },
  { id: "fetchFailed", label: "Troubleshoot Failed", failure: true, meaning: "the device handed over no usable certificate" },
  {
    id: "invalidAuthenticationString",
    label: "Invalid Authentication String",
    failure: true,
    meaning: "the authentication string (or null string) did not match",
  },
  { id: "invalidLsc", label: "Invalid LSC", failure: true, meaning: "authentication by existing LSC failed (issuer, validity, name or proof)" },
  { id: "invalidMic", label: "Invalid MIC", failure: true, meaning: "authentication by MIC failed (issuer, validity, name or proof)" },
  {
    id: "phoneCommunicationFailure",
    label: "Phone Communication Failure",
    failure: true,
    meaning: "the device fell silent, closed the connection or sent a malformed message",
  },
  { id: "keyGenerationFailure", label: "Key Generation Failure", failure: true, meaning: "the device sent no key, or not the type and size asked for" },
  {
    id: "operationTimedOut",
    label: "Operation Timed Out",
    failure: true,
    meaning: "the operation's deadline (Operation Completes By) passed before it completed",
  },
  { id: "unknownDevice", label: "Unknown Device", failure: true, meaning: "a CAPF client named a device the database does not hold" },
] as const satisfies readonly CertificateOperationStatusInfo[];

export type CertificateOperationStatus = (typeof CERTIFICATE_OPERATION_STATUSES)[number]["id"];

export const CERTIFICATE_OPERATION_STATUS_IDS: readonly CertificateOperationStatus[] = CERTIFICATE_OPERATION_STATUSES.map((s) => s.id);

export function statusInfo(id: CertificateOperationStatus): CertificateOperationStatusInfo {
  return CERTIFICATE_OPERATION_STATUSES.find((s) => s.id === id)!;
}

/** The status a successful session records for the operation it performed. */
export const SUCCESS_STATUS = { install: "upgradeSuccess", fetch: "fetchSuccess", delete: "deleteSuccess" } as const satisfies Record<
  string,
  CertificateOperationStatus
>;

/** The status a failed authentication records, by the device's CAPF authentication mode. */
export const AUTHENTICATION_FAILURE_STATUS = {
  null: "invalidAuthenticationString",
  string: "invalidAuthenticationString",
  lsc: "invalidLsc",
  mic: "invalidMic",
} as const satisfies Record<string, CertificateOperationStatus>;

/** How long a scheduled operation stays open when no deadline is given ("Operation Completes By"). */
export const DEFAULT_OPERATION_DAYS = 7;

/** Days an issued LSC is valid unless the profile (or `server start --lsc-days`) says otherwise. */
export const DEFAULT_LSC_DAYS = 365;

/** The digits of a generated authentication string (CUCM: 4–10 digits). */
export const GENERATED_AUTH_STRING_DIGITS = 8;
