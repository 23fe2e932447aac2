// What every engine runs against the installed package's cnfguard/core: selftest, install a
// trust list, load the device key, open an encrypted config, refuse a tampered copy, inspect,
// hash. Written for any engine (no imports at run time: the type import is erased), so the
// compiled file is copied next to a browser page as it is.
import type { Core } from "../../host/core/coreApi.js";

export interface ScenarioInput {
  itl: Uint8Array;
  deviceKey: Uint8Array;
  config: Uint8Array;
  tampered: Uint8Array;
  certificate: Uint8Array;
}

export interface ScenarioResult {
  selftest: number;
  abiVersion: number;
  records: number;
  roles: string[];
  modulusBytes: number;
  /** base64 of what openConfig returned */
  plaintext: string;
  tampered: { name: string; code: number } | "accepted";
  inspected: { version: string; signature: string; filename: string };
  md5: string;
  certHash: string;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(s);
}

export async function runScenario(loadCore: () => Promise<Core>, input: ScenarioInput): Promise<ScenarioResult> {
  const core = await loadCore();
  const selftest = core.selftest();
  const { records } = core.installTrustList(input.itl);
  const key = core.loadDeviceKey(input.deviceKey);
  const plaintext = core.openConfig(input.config);
  let tampered: ScenarioResult["tampered"] = "accepted";
  try {
    core.openConfig(input.tampered);
  } catch (e) {
    const err = e as { name: string; code: number };
    tampered = { name: err.name, code: err.code };
  }
  const inspected = core.inspect(input.config);
  const md5 = Array.from(core.hash("md5", plaintext), (b) => b.toString(16).padStart(2, "0")).join("");
  return {
    selftest,
    abiVersion: core.abiVersion,
    records: records.length,
    roles: records.map((r) => r.role),
    modulusBytes: key.modulusBytes,
    plaintext: base64(plaintext),
    tampered,
    inspected: { version: inspected.version, signature: inspected.signature, filename: inspected.filename },
    md5,
    certHash: core.certHash(input.certificate),
  };
}
