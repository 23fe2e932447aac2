// The seed's troubleshooting checklist (flow.md), run as the phone: each check reports
// name, ok and evidence; a failed one says what was expected, what was seen and the likely fix.
// Checks after a failure are reported as skipped, with the reason as evidence. Nothing on the
// phone's flash changes: no enrolment, and trust lists and configs are never written.
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { fixHints } from "../shared/fixHints.js";
import { BootFlow, type PhoneOptions } from "./bootFlow.js";
import type { CapfEntry, PhoneConfigView } from "./phoneConfig.js";
import { isNetworkFailure, PhoneFailure, type TraceStep } from "./trace.js";

export const CHECK_NAMES = ["partial-config", "capf-service", "capf-tls", "cert-hash", "encrypted-config"] as const;

export interface Check {
  name: (typeof CHECK_NAMES)[number];
  ok: boolean;
  evidence: string;
  expected?: string;
  seen?: string;
  fix?: string;
  /** not run because an earlier check failed */
  skipped?: true;
  /** the boot flow's failure name when the check failed on one (trust-list-unavailable, capf-unreachable, …) */
  failure?: string;
}

type Outcome = Omit<Check, "name">;

const CONNECT_TIMEOUT_MS = 3000;

export interface DiagnoseReport {
  ok: boolean;
  checks: Check[];
  timedOut: boolean;
  /** the server could not be reached (or --timeout passed): exit 3, not 1 */
  unreachable: boolean;
}

export async function diagnose(o: PhoneOptions): Promise<DiagnoseReport> {
  const steps: TraceStep[] = [];
  const flow = new BootFlow({ ...o, onStep: (s) => steps.push(s) });
  flow.prepare();
  const checks: Check[] = [];
  const context: { view?: PhoneConfigView; reachable?: CapfEntry } = {};
  const run: Record<Check["name"], () => Promise<Outcome>> = {
    "partial-config": () => checkPartialConfig(flow, steps, context),
    "capf-service": () => checkCapfService(context),
    "capf-tls": () => checkCapfTls(flow, context),
    "cert-hash": async () => checkCertHash(flow, context.view!),
    "encrypted-config": () => checkEncryptedConfig(flow, steps),
  };
  let failed: string | undefined;
  for (const name of CHECK_NAMES) {
    if (failed) {
      checks.push({ name, ok: false, skipped: true, evidence: `skipped: the ${failed} check failed` });
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = await flow.withinDeadline(() => run[name]());
    } catch (e) {
      if (!(e instanceof PhoneFailure) || !flow.timedOut) throw e;
      outcome = { ok: false, evidence: e.message };
    }
    checks.push({ name, ...outcome });
    if (!outcome.ok) failed = name;
  }
  flow.dispose();
  const unreachable = flow.timedOut || checks.some((c) => c.failure !== undefined && isNetworkFailure(c.failure));
  return { ok: checks.every((c) => c.ok), checks, timedOut: flow.timedOut, unreachable };
}

function lastSteps(steps: TraceStep[], from: number): string {
  return steps
    .slice(from)
    .map((s) => `${s.file ?? s.step}: ${s.check}: ${s.outcome}`)
    .join("; ");
}

async function checkPartialConfig(flow: BootFlow, steps: TraceStep[], context: { view?: PhoneConfigView }): Promise<Outcome> {
  const from = steps.length;
  try {
    await flow.loadTrustList();
    const { view } = await flow.fetchSignedConfig();
    context.view = view;
    const evidence = lastSteps(steps, from);
    if (view.full) {
      return {
        ok: false,
        evidence,
        expected: "a partial config (fullConfig false) naming CAPF",
        seen: "a full config: the profile does not ask for encryption",
        fix: `tick TFTP Encrypted Config on ${flow.deviceName}'s security profile: find it with ${fixHints.showProfile(flow.deviceName).text}, then ${fixHints.encryptConfigs("PROFILE").text} with that name`,
      };
    }
    if (view.capfList.length === 0) {
      return {
        ok: false,
        evidence,
        expected: "at least one capf entry (processNodeName, phonePort)",
        seen: "an empty capfList",
        fix: "check the CAPF service address the server advertises (server init --advertise HOST)",
      };
    }
    const capf = view.capfList.map((c) => `${c.host}:${c.port}`).join(", ");
    return { ok: true, evidence: `${evidence}; CAPF ${capf}, capfAuthMode ${view.capfAuthModeNumber} (${view.capfAuthMode})` };
  } catch (e) {
    if (!(e instanceof PhoneFailure)) throw e;
    return {
      ok: false,
      evidence: lastSteps(steps, from) || e.message,
      expected: "the trust list and SEP<MAC>.cnf.xml.sgn download and verify",
      seen: e.message,
      fix: fixFor(e.failure, flow.state.dir),
      failure: e.failure,
    };
  }
}

/** After a server re-init the phone still trusts the old SAST: only erasing its trust list lets it take the new one. */
function eraseTrustList(stateDir: string): string {
  return `if the server was re-initialised (new PKI), erase the phone's trust list so it takes the new one on first use: rm ${join(stateDir, "ITL.tlv")} (a real phone: erase the ITL File under its Security Configuration > Trust List menu, or factory-reset it), then boot again`;
}

function fixFor(failure: string, stateDir: string): string {
  switch (failure) {
    case "trust-list-unavailable":
    case "config-unavailable":
      return "check the server address and ports (--server, --http-port, --tftp-port) and that the device exists on the server";
    case "trust-list-refused":
      return `the trust list is not signed by a SAST the phone trusts: ${eraseTrustList(stateDir)}; or restore the old SAST`;
    case "config-refused":
      return `the config is not signed by a TFTP record of the phone's trust list: ${eraseTrustList(stateDir)}`;
    default:
      return "see the evidence";
  }
}

async function checkCapfService(context: { view?: PhoneConfigView; reachable?: CapfEntry }): Promise<Outcome> {
  const tried: string[] = [];
  for (const entry of context.view!.capfList) {
    const problem = await tcpProbe(entry);
    tried.push(`${entry.host}:${entry.port} ${problem ?? "accepts TCP"}`);
    if (!problem) {
      context.reachable = entry;
      return { ok: true, evidence: tried.join("; ") };
    }
  }
  return {
    ok: false,
    evidence: tried.join("; "),
    expected: "the CAPF service accepting TCP connections",
    seen: tried.join("; "),
    fix: `start the CAPF service on the publisher (${fixHints.startServer().text}), and check firewalls between phone and port`,
    failure: "capf-unreachable",
  };
}

function tcpProbe(entry: CapfEntry): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: entry.host, port: entry.port });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => (socket.destroy(), resolve(`no answer in ${CONNECT_TIMEOUT_MS} ms`)));
    socket.once("connect", () => (socket.destroy(), resolve(undefined)));
    socket.once("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
  });
}

async function checkCapfTls(flow: BootFlow, context: { reachable?: CapfEntry }): Promise<Outcome> {
  const entry = context.reachable!;
  const pins = flow.core.files
    .capfRecords()
    .map((r) => r.certificateSha1)
    .filter((s) => s !== "");
  const expected = pins.length ? `certificate SHA-1 ${pins.join(" or ")} (the trust list's CAPF record)` : "a CAPF record in the trust list";
  let presented: Buffer;
  try {
    presented = await tlsCertificate(entry);
  } catch (e) {
    return {
      ok: false,
      evidence: `TLS to ${entry.host}:${entry.port}: ${(e as Error).message}`,
      expected: "a TLS handshake",
      seen: (e as Error).message,
      fix: "the port answers but not with TLS: check it is the CAPF port (3804)",
    };
  }
  const sha1 = flow.certificateSha1(presented);
  const evidence = `TLS to ${entry.host}:${entry.port}: server certificate SHA-1 ${sha1}; trust list CAPF record${pins.length === 1 ? "" : "s"} ${pins.join(", ") || "none"}`;
  if (pins.includes(sha1)) return { ok: true, evidence };
  return {
    ok: false,
    evidence,
    expected,
    seen: `certificate SHA-1 ${sha1}`,
    fix: "the CAPF certificate is not the one in the phone's trust list: regenerate the ITL after changing the CAPF certificate, or point the phone at the right server",
  };
}

function tlsCertificate(entry: CapfEntry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: entry.host, port: entry.port, rejectUnauthorized: false, servername: net.isIP(entry.host) ? undefined : entry.host });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => (socket.destroy(), reject(new Error(`no TLS handshake in ${CONNECT_TIMEOUT_MS} ms`))));
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      if (raw) resolve(raw);
      else reject(new Error("the server presented no certificate"));
    });
    socket.once("error", reject);
  });
}

function checkCertHash(flow: BootFlow, view: PhoneConfigView): Outcome {
  const held = flow.state.current();
  const mine = held ? `MD5 of ${held.kind.toUpperCase()} ${held.md5}` : "no certificate";
  const evidence = `certHash ${view.certHash || "(empty)"} vs ${mine}`;
  if (flow.matches(view, held)) return { ok: true, evidence: `${evidence}: equal` };
  const fix =
    view.certHash === ""
      ? `the CAPF database has no certificate for ${flow.deviceName}: schedule a CAPF install (${fixHints.scheduleCapf(flow.deviceName).text}) and boot the phone`
      : `certHash ${view.certHash} ≠ ${mine}: the CAPF database holds another certificate; schedule a CAPF fetch or install for ${flow.deviceName} (${fixHints.scheduleCapf(flow.deviceName, "fetch").text}) and boot the phone`;
  return { ok: false, evidence, expected: held ? held.md5 : "a certificate on the phone", seen: view.certHash || "(empty)", fix };
}

async function checkEncryptedConfig(flow: BootFlow, steps: TraceStep[]): Promise<Outcome> {
  const from = steps.length;
  try {
    const plaintext = await flow.openEncryptedConfig(flow.state.current()!);
    return { ok: true, evidence: `${lastSteps(steps, from)}; ${plaintext.length} bytes of config` };
  } catch (e) {
    if (!(e instanceof PhoneFailure)) throw e;
    return {
      ok: false,
      evidence: lastSteps(steps, from) || e.message,
      expected: "SEP<MAC>.cnf.xml.enc.sgn that verifies and decrypts with the phone's key",
      seen: e.message,
      fix:
        e.failure === "encrypted-config-unavailable"
          ? "the server does not serve it: check the device's profile and certificate on the server"
          : "the file is encrypted to another key or signed by a certificate outside the trust list: re-run CAPF (install) and check the server's TFTP certificate",
    };
  }
}
