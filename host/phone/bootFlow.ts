// The phone's boot (flow.md, the seed's trace): trust list → signed config → either the full
// config, or a partial one whose certHash is compared with the phone's certificate → CAPF when
// they differ → reset → the encrypted config, verified and decrypted by the core. The core
// decides trust and decrypts, in one session per file that also gives its header and signer,
// and hashes certificates (certHash MD5, CAPF pin SHA-1); this file moves bytes, keeps files
// and reports each step.

import type { KeyObject } from "node:crypto";
import type { SignedOpenResult } from "../core/fileFacet.js";
import { type Core, CoreError, newCore } from "../core.js";
import { isAuthenticationString } from "../shared/capfVocabulary.js";
import { checkDeviceName, deviceFileNames, macDeviceName, SHARED_TRUST_LIST } from "../shared/deviceNames.js";
import { fixHints } from "../shared/fixHints.js";
import { type CapfAuthMode, CapfClientError, type CapfClientResult, type CapfKeyRequest, RETRY_LATER, runCapfSession } from "./capfClient.js";
import { FetchError, fetchFile, isNotFound, type Transport } from "./fileFetcher.js";
import { type PhoneConfigView, readPhoneConfig } from "./phoneConfig.js";
import { type HeldCertificate, PhoneState } from "./phoneState.js";
import { PhoneFailure, type TraceStep } from "./trace.js";

export interface PhoneOptions {
  server: string;
  /** a SEP phone's MAC: 12 hex digits, any case, separators allowed (the shorthand for name SEP<MAC>) */
  mac?: string;
  /** the device name of any class (SEP…, ATA…, CSF…, BOT…, TCT…, TAB…); exclusive with mac */
  name?: string;
  state: string;
  httpPort?: number;
  tftpPort?: number;
  transport?: Transport;
  authString?: string;
  /** asks the operator for the authentication string (a terminal); absent: stop and say so */
  askAuthString?: () => Promise<string | undefined>;
  /** CAPF like a softphone: the auth response first, without waiting for the auth request */
  capfSendsNameFirst?: boolean;
  /** a MIC to install instead of a lab one */
  mic?: { certificateDer: Buffer; privateKey: KeyObject };
  onStep?: (step: TraceStep) => void;
  /** per file fetch: silence while connecting or waiting; default 3000 ms */
  fetchTimeoutMs?: number;
  /** per file fetch, however the server paces its bytes; default 30 000 ms */
  fetchDeadlineMs?: number;
  /** the whole run (`--timeout`): past it every fetch and CAPF session is cut and the boot ends as "timeout" */
  deadlineMs?: number;
  /** CAPF silence that ends a session; default 10 000 ms */
  capfTimeoutMs?: number;
  /** how long to wait for the server to record a new certificate before enrolling again; default 10 000 ms */
  hashWaitMs?: number;
  /** CAPF sessions per boot; default 2 */
  maxCapfSessions?: number;
  /** tries of one CAPF enrolment while CAPF is busy (retry later) or unreachable; default 6 */
  capfTries?: number;
  /** the time those tries may take, pauses included; default 20 000 ms */
  capfRetryMs?: number;
  /** the phone's own address for HTTP, TFTP and CAPF (a fleet spreads phones over loopback addresses); default the system's */
  localAddress?: string;
  /** the key a CAPF install asks for; default node:crypto now (a fleet hands out keys made ahead) */
  generateKey?: (request: CapfKeyRequest) => Promise<KeyObject>;
}

export interface BootResult {
  ok: boolean;
  steps: TraceStep[];
  failure?: { name: string; message: string };
  /** the verified full config now in DIR/SEP<MAC>.cnf.xml */
  config?: Buffer;
  configPath?: string;
}

/** The device name the phone boots as (deviceNames.ts rules), or a PhoneFailure naming the option. */
export function deviceNameOf(o: Pick<PhoneOptions, "mac" | "name">): string {
  if ((o.mac === undefined) === (o.name === undefined))
    throw new PhoneFailure("usage", "give the device as --mac MAC (a SEP phone) or --name NAME (any class), not both");
  try {
    return o.name !== undefined ? checkDeviceName(o.name) : macDeviceName(o.mac!, "sep");
  } catch (e) {
    throw new PhoneFailure("usage", (e as Error).message);
  }
}

/** Boots once; never throws for a boot failure (the result names it). */
export async function bootPhone(o: PhoneOptions): Promise<BootResult> {
  const flow = new BootFlow(o);
  try {
    const config = await flow.withinDeadline(() => flow.run());
    return { ok: true, steps: flow.steps, config, configPath: flow.state.configPath };
  } catch (e) {
    if (e instanceof PhoneFailure) return { ok: false, steps: flow.steps, failure: { name: e.failure, message: e.message } };
    throw e;
  } finally {
    flow.dispose();
  }
}

/** The pieces of a boot, shared with diagnose. */
export class BootFlow {
  readonly steps: TraceStep[] = [];
  readonly deviceName: string;
  readonly state: PhoneState;
  readonly core: Core = newCore();
  private capfSessions = 0;
  /** set after an install or fetch: the server should now name our certificate */
  private expectRecorded = false;
  /** a trust list the core installed during this boot, not yet on flash */
  private pendingTrustList?: Uint8Array;
  /** the list the core holds now (stored or installed during this boot) */
  private installedList?: Buffer;

  /** aborts every fetch and CAPF session once the run's deadline (`--timeout`) passes */
  private readonly deadline = new AbortController();
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(readonly o: PhoneOptions) {
    this.deviceName = deviceNameOf(o);
    this.state = new PhoneState(o.state, this.deviceName, this.core.hash);
    if (o.deadlineMs !== undefined) this.deadlineTimer = setTimeout(() => this.deadline.abort(), o.deadlineMs);
  }

  get signal(): AbortSignal {
    return this.deadline.signal;
  }

  /** True once the run's deadline has passed. */
  get timedOut(): boolean {
    return this.deadline.signal.aborted;
  }

  /** Runs `work`, ending as PhoneFailure "timeout" once the deadline passes, whatever `work` waits for. */
  async withinDeadline<T>(work: () => Promise<T>): Promise<T> {
    const seconds = ((this.o.deadlineMs ?? 0) / 1000).toFixed(0);
    const timeout = () =>
      new PhoneFailure(
        "timeout",
        `not done within --timeout ${seconds} s (the whole run's deadline); the stored trust list, certificate and config are unchanged`,
      );
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(timeout());
      this.deadline.signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      return await Promise.race([work(), aborted]);
    } catch (e) {
      throw this.timedOut && e instanceof PhoneFailure ? timeout() : e;
    } finally {
      if (onAbort) this.deadline.signal.removeEventListener("abort", onAbort);
    }
  }

  dispose(): void {
    clearTimeout(this.deadlineTimer);
  }

  record(step: TraceStep): void {
    this.steps.push(step);
    this.o.onStep?.(step);
  }

  fail(step: TraceStep, failure: string, message: string): never {
    this.record({ ...step, ok: false });
    throw new PhoneFailure(failure, message);
  }

  /** The state folder with a MIC, and the stored trust list back in the core's store. */
  prepare(): void {
    const { createdMic } = this.state.prepare(this.o.mic);
    if (createdMic)
      this.record({ step: "state", file: this.state.dir, check: "new state folder", outcome: `lab MIC issued for ${this.deviceName} (RSA 2048)`, ok: true });
    const stored = this.state.trustList();
    if (stored) {
      const r = this.core.files.installTrustList(stored);
      if (!r.installed)
        this.record({ step: "state", file: "ITL.tlv", check: "stored trust list", outcome: `unusable (${r.reason}), treated as none`, ok: false });
      else this.installedList = stored;
    }
  }

  async run(): Promise<Buffer> {
    this.prepare();
    const maxSessions = this.o.maxCapfSessions ?? 2;
    for (;;) {
      await this.loadTrustList();
      let config = await this.fetchSignedConfig();
      if (config.view.full) return this.apply(config.body, "full config, signed");
      const held = this.state.current();
      if (this.expectRecorded && !this.matches(config.view, held)) config = await this.awaitCertHash(held);
      if (this.compareHash(config.view, held)) return this.fetchEncryptedConfig(held!);
      if (this.capfSessions >= maxSessions) {
        throw new PhoneFailure(
          "hash-mismatch",
          `certHash ${config.view.certHash || "(empty)"} still differs from MD5 ${held?.md5 ?? "(no certificate)"} after ${this.capfSessions} CAPF session(s): the server did not record the certificate; check ${fixHints.showRecordedHash(this.deviceName).text}`,
        );
      }
      const { outcome } = await this.enrol(config.view);
      this.expectRecorded = outcome === "installed" || outcome === "fetched";
      this.record({ step: "reset", check: "after CAPF", outcome: "starting over from the trust list", ok: true });
    }
  }

  /** ITLSEP<MAC>.tlv, else ITLFile.tlv; installed or refused by the core's rules. */
  async loadTrustList(): Promise<void> {
    const names = [deviceFileNames(this.deviceName).trustList, SHARED_TRUST_LIST];
    for (const file of names) {
      let got;
      try {
        got = await this.fetch(file);
      } catch (e) {
        if (isNotFound(e) && file !== names[names.length - 1]) {
          this.record({ step: "trust-list", file, check: "download", outcome: "not found, trying ITLFile.tlv", ok: true });
          continue;
        }
        const step = { step: "trust-list", file, check: "download", outcome: (e as Error).message, ok: false };
        if (this.installedList) return this.record({ ...step, outcome: `${step.outcome}; keeping the stored trust list` });
        this.fail(step, "trust-list-unavailable", `${file}: ${(e as Error).message}; the phone has no trust list and cannot verify its config`);
      }
      this.offerTrustList(file, got.bytes, got.via);
      return;
    }
  }

  private offerTrustList(file: string, bytes: Uint8Array, via: string): void {
    const stored = this.installedList;
    const r = this.core.files.offerTrustList(bytes);
    const signer = r.header ? `${r.header.signer.name} serial ${r.header.signer.serial}` : `(unreadable header: ${r.message})`;
    const base = { step: "trust-list", file, size: bytes.length, via, check: `signed by SAST ${signer}` };
    if (!r.installed) {
      const why = `${r.status}: ${r.message}`;
      if (stored) return this.record({ ...base, outcome: `refused (${why}); keeping the stored trust list`, ok: false });
      this.fail({ ...base, outcome: `refused (${why})`, ok: false }, "trust-list-refused", `${file}: refused by the trust rules (${why})`);
    }
    const same = stored?.equals(Buffer.from(bytes));
    // Kept in the core now, written to flash only with a verified config: a failed boot leaves the old list.
    if (!same) this.pendingTrustList = this.installedList = Buffer.from(bytes);
    const outcome = !stored ? "installed (first use)" : same ? "unchanged" : "replaced (signed by a stored SAST)";
    this.record({ ...base, outcome: `${outcome}, ${r.records} records`, ok: true });
  }

  /** SEP<MAC>.cnf.xml.sgn verified against the installed list's TFTP records. */
  async fetchSignedConfig(): Promise<{ body: Buffer; view: PhoneConfigView }> {
    const file = deviceFileNames(this.deviceName).signedConfig;
    const got = await this.fetchOrFail("config", file, "config-unavailable");
    const base = { step: "config", file, size: got.bytes.length, via: got.via };
    const v = this.core.files.openSigned(got.bytes);
    if (!v.ok || !v.plaintext)
      this.fail(
        { ...base, check: "signature against the trust list's TFTP records", outcome: `refused (${v.status}: ${v.message})`, ok: false },
        "config-refused",
        `${file}: ${v.message} (${v.status}); the stored config is unchanged`,
      );
    const body = v.plaintext;
    const view = readPhoneConfig(body.toString("utf8"));
    const check = `signed by ${v.signer?.role ?? "TFTP"} ${v.signer?.subject ?? ""}`.trim();
    const outcome = view.full
      ? "verified, full config"
      : `verified, partial config: capfAuthMode ${view.capfAuthModeNumber}, CAPF ${view.capfList.map((c) => `${c.host}:${c.port}`).join(", ") || "none"}, certHash ${view.certHash || "(empty)"}`;
    this.record({ ...base, check, outcome, ok: true });
    return { body, view };
  }

  matches(view: PhoneConfigView, held: HeldCertificate | undefined): boolean {
    return !!held && view.certHash !== "" && view.certHash === held.md5;
  }

  private compareHash(view: PhoneConfigView, held: HeldCertificate | undefined): boolean {
    const ok = this.matches(view, held);
    const mine = held ? `MD5 of ${held.kind.toUpperCase()} ${held.md5}` : "no certificate";
    const outcome = ok ? "match" : view.certHash === "" ? "server holds no certificate: CAPF" : held ? "differ: CAPF" : "no certificate: CAPF";
    this.record({ step: "cert-hash", check: `certHash ${view.certHash || "(empty)"} vs ${mine}`, outcome, ok: true }); // a mismatch is a branch, not a failure
    return ok;
  }

  /** After an enrolment: re-fetch the partial config with back-off, for a bounded time. */
  private async awaitCertHash(held: HeldCertificate | undefined): Promise<{ body: Buffer; view: PhoneConfigView }> {
    const deadline = Date.now() + (this.o.hashWaitMs ?? 10_000);
    let delay = 250;
    for (;;) {
      const wait = Math.min(delay, deadline - Date.now());
      if (wait <= 0) return this.fetchSignedConfig();
      this.record({ step: "wait", check: "server has not recorded the certificate yet", outcome: `retrying in ${wait} ms`, ok: true });
      await new Promise((r) => setTimeout(r, wait));
      delay *= 2;
      const config = await this.fetchSignedConfig();
      if (config.view.full || this.matches(config.view, held)) return config;
    }
  }

  /**
   * One CAPF enrolment, pinned to the trust list's CAPF record. A CAPF that is busy (retry later)
   * or cannot be reached is tried again after a pause that doubles, with jitter so a storm does
   * not come back in step — as a phone does — within capfTries and capfRetryMs; every try is a step.
   */
  async enrol(view: PhoneConfigView): Promise<CapfClientResult> {
    const authString = await this.authStringFor(view);
    const pins = this.core.files.capfRecords().filter((r) => r.certificateSha1 !== "");
    if (pins.length === 0)
      this.fail(
        { step: "capf-tls", check: "CAPF record in the trust list", outcome: "none", ok: false },
        "no-capf-record",
        "the installed trust list has no CAPF record, so no CAPF server can be trusted",
      );
    if (view.capfList.length === 0)
      this.fail(
        { step: "capf-tls", check: "capfList in the partial config", outcome: "empty", ok: false },
        "no-capf-entry",
        "the partial config names no CAPF server (capfList is empty)",
      );
    this.capfSessions++;
    const tries = this.o.capfTries ?? DEFAULT_CAPF_TRIES;
    const budgetMs = this.o.capfRetryMs ?? DEFAULT_CAPF_RETRY_MS;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const round = await this.tryCapfList(view, authString, pins);
      if ("result" in round && round.result.reason !== RETRY_LATER) return this.afterSession(round.result);
      const busy = "result" in round;
      const why = busy ? (round.result.log.at(-1) ?? "the server asks to retry later") : (round.error?.message ?? "none answered");
      const pause = capfPause(attempt);
      const spentMs = performance.now() - started;
      const history = `${attempt} tr${attempt === 1 ? "y" : "ies"} over ${(spentMs / 1000).toFixed(1)} s`;
      const servers = view.capfList.map((c) => `${c.host}:${c.port}`).join(", ");
      // waiting does not change a certificate: an untrusted CAPF is not tried again
      const untrusted = !busy && round.error?.kind === "untrusted-server";
      if (untrusted || attempt >= tries || spentMs + pause > budgetMs || this.timedOut) {
        if (busy) throw new PhoneFailure("capf-busy", `CAPF ${servers} stayed busy through ${history} (${why}); the stored certificate is unchanged`);
        throw new PhoneFailure(
          untrusted ? "capf-untrusted" : "capf-unreachable",
          `no CAPF server in the partial config could be used (${servers}) in ${history}: ${why}`,
        );
      }
      this.record({
        step: "capf-retry",
        check: `try ${attempt} of ${tries}`,
        outcome: `${busy ? "busy" : "unreachable"} (${why}); trying again in ${pause} ms`,
        ok: true,
      });
      await pauseUnlessAborted(pause, this.signal);
    }
  }

  /** Each capfList entry and pin in turn: the session's result (retry later included), or why none could run. */
  private async tryCapfList(
    view: PhoneConfigView,
    authString: string | undefined,
    pins: Array<{ certificateSha1: string }>,
  ): Promise<{ result: CapfClientResult } | { error?: CapfClientError }> {
    let lastError: CapfClientError | undefined;
    let busy: CapfClientResult | undefined;
    for (const entry of view.capfList) {
      for (const pin of pins) {
        try {
          const result = await runCapfSession({
            ...this.capfOptions(view.capfAuthMode, authString),
            host: entry.host,
            port: entry.port,
            pinnedCertificateSha1: pin.certificateSha1,
            certificateSha1: (der) => this.core.hash.digest("sha1", der),
          });
          this.record({
            step: "capf-tls",
            file: `${entry.host}:${entry.port}`,
            check: "server certificate",
            outcome: `the trust list's CAPF record (SHA-1 ${pin.certificateSha1})`,
            ok: true,
          });
          if (result.reason !== RETRY_LATER) return { result };
          busy = result;
          break; // another node in the list may have room
        } catch (e) {
          if (!(e instanceof CapfClientError)) throw e;
          lastError = e;
          if (e.kind === "untrusted-server" && pins.length > 1) continue; // another CAPF record may be the one
          this.record({ step: "capf-tls", file: `${entry.host}:${entry.port}`, check: "CAPF session", outcome: `${e.kind}: ${e.message}`, ok: false });
          if (e.kind === "connect" || e.kind === "untrusted-server" || (e.kind === "timeout" && e.log.length === 0)) break; // next entry
          throw new PhoneFailure(`capf-${e.kind}`, `${e.message}; the stored certificate is unchanged`);
        }
      }
    }
    return busy ? { result: busy } : { error: lastError };
  }

  private capfOptions(mode: CapfAuthMode, authString: string | undefined) {
    const lsc = this.state.lsc();
    const mic = this.state.mic();
    // LSC first for mode 3, MIC first for mode 4; fetch and delete hand over the LSC, else the MIC.
    const proof = mode === "mic" ? (mic ?? lsc) : (lsc ?? mic);
    const current = mode === "lsc" || mode === "mic" ? proof : (lsc ?? mic);
    return {
      deviceName: this.deviceName,
      localAddress: this.o.localAddress,
      sendsNameFirst: this.o.capfSendsNameFirst,
      authMode: mode,
      authString,
      currentCertificate: current ? { certDer: current.certificateDer, privateKey: current.privateKey, kind: current.kind } : undefined,
      timeoutMs: this.o.capfTimeoutMs,
      // On flash before the phone acknowledges it: the server records it on that acknowledgement.
      keepCertificate: (der: Buffer, key: KeyObject) => this.state.saveLsc(der, key),
      signal: this.signal,
      generateKey: this.o.generateKey,
    };
  }

  private async authStringFor(view: PhoneConfigView): Promise<string | undefined> {
    if (view.capfAuthMode !== "string") return undefined;
    const given = this.o.authString ?? (await this.o.askAuthString?.());
    if (given && isAuthenticationString(given)) return given;
    const step = {
      step: "capf-session",
      check: "capfAuthMode 1 (by authentication string)",
      outcome: given ? "the authentication string must be 4–16 digits" : "no authentication string",
      ok: false,
    };
    this.fail(
      step,
      "auth-string-needed",
      `CAPF authentication mode is By Authentication String: give the authentication string configured for ${this.deviceName} on the server with --auth-string DIGITS (4–16 digits), or run on a terminal to be asked for it`,
    );
  }

  private afterSession(result: CapfClientResult): CapfClientResult {
    const base = { step: "capf-session", check: result.log.filter((l) => !l.startsWith("TLS")).join("; ") };
    switch (result.outcome) {
      case "installed": {
        const der = result.newCertificateDer!; // already on flash: kept when acknowledged
        this.record({ ...base, file: "lsc.pem", size: der.length, outcome: `LSC installed, MD5 ${this.state.lsc()!.md5}`, ok: true });
        return result;
      }
      case "fetched":
        this.record({ ...base, outcome: "the server fetched the phone's certificate", ok: true });
        return result;
      case "deleted":
        this.state.deleteLsc();
        this.record({ ...base, outcome: "LSC deleted at the server's request", ok: true });
        return result;
      case "none":
        this.fail(
          { ...base, outcome: "no certificate operation scheduled", ok: false },
          "capf-no-action",
          `CAPF had nothing to do for ${this.deviceName}, so the server's certHash cannot match: schedule a CAPF install or fetch on the server (${fixHints.scheduleCapf(this.deviceName).text}) and boot again`,
        );
      default:
        this.fail(
          { ...base, outcome: `refused, reason ${result.reason}`, ok: false },
          "capf-refused",
          `CAPF ended the session with reason ${result.reason} (${reasonText(result.reason)}); the stored certificate is unchanged`,
        );
    }
  }

  /** SEP<MAC>.cnf.xml.enc.sgn, verified and decrypted, then stored. */
  async fetchEncryptedConfig(held: HeldCertificate): Promise<Buffer> {
    return this.apply(await this.openEncryptedConfig(held), "full config, decrypted");
  }

  /** SEP<MAC>.cnf.xml.enc.sgn: verified and decrypted in the core with the key of `held`; nothing stored. */
  async openEncryptedConfig(held: HeldCertificate): Promise<Buffer> {
    const file = deviceFileNames(this.deviceName).encryptedConfig;
    const got = await this.fetchOrFail("encrypted-config", file, "encrypted-config-unavailable");
    const base = { step: "encrypted-config", file, size: got.bytes.length, via: got.via };
    if (held.privateKey.asymmetricKeyType !== "rsa") {
      this.fail(
        { ...base, check: "device key", outcome: "EC key: cannot receive an encrypted config", ok: false },
        "ec-key",
        `the phone's ${held.kind.toUpperCase()} has an EC key; encrypted configs need an RSA device key (re-key with an RSA key size)`,
      );
    }
    const v = this.openWithDeviceKey(held, got.bytes);
    if (!v.ok || !v.plaintext)
      this.fail(
        { ...base, check: `verify and decrypt with the ${held.kind.toUpperCase()} key`, outcome: `refused (${v.status})`, ok: false },
        "encrypted-config-refused",
        `${file}: ${v.message} (${v.status}); the stored config is unchanged`,
      );
    const plaintext = v.plaintext;
    this.record({
      ...base,
      check: `signature, key unwrap with the ${held.kind.toUpperCase()} key, content hash`,
      outcome: `verified and decrypted, ${plaintext.length} bytes`,
      ok: true,
    });
    return plaintext;
  }

  /** The device key into the core, then one session; a key the core refuses is the verdict. */
  private openWithDeviceKey(held: HeldCertificate, bytes: Uint8Array): SignedOpenResult {
    try {
      this.core.files.loadDeviceKey(held.privateKey.export({ type: "pkcs8", format: "der" }));
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      return { ok: false, status: e.statusName, code: e.code, message: e.message };
    }
    return this.core.files.openSigned(bytes);
  }

  /** SHA-1 of a certificate, by the core: what a trust list's CAPF record pins. */
  certificateSha1(der: Uint8Array): string {
    return this.core.hash.digestHex("sha1", der);
  }

  private apply(config: Buffer, what: string): Buffer {
    if (this.pendingTrustList) this.state.saveTrustList(this.pendingTrustList);
    this.state.saveConfig(config);
    this.record({ step: "apply", file: this.state.configPath, size: config.length, check: what, outcome: "stored", ok: true });
    return config;
  }

  fetch(file: string) {
    return fetchFile({
      host: this.o.server,
      httpPort: this.o.httpPort,
      tftpPort: this.o.tftpPort,
      transport: this.o.transport,
      localAddress: this.o.localAddress,
      filename: file,
      timeoutMs: this.o.fetchTimeoutMs,
      deadlineMs: this.o.fetchDeadlineMs,
      signal: this.signal,
    });
  }

  private async fetchOrFail(step: string, file: string, failure: string) {
    try {
      return await this.fetch(file);
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      this.fail({ step, file, check: "download", outcome: `${e.kind} via ${e.via}: ${e.message}`, ok: false }, failure, `${file}: ${e.message}`);
    }
  }
}

/** CAPF tries per enrolment, and the time they may take, before a busy or unreachable CAPF fails the boot. */
const DEFAULT_CAPF_TRIES = 6;
const DEFAULT_CAPF_RETRY_MS = 20_000;

/** The pause before CAPF try `attempt + 1`: 250 ms doubling to at most 4 s, each between half and all of it (jitter). */
function capfPause(attempt: number): number {
  const ceiling = Math.min(4000, 250 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Waits `ms`, or less when the run's deadline passes (the caller then sees timedOut). */
function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function reasonText(reason: number): string {
  return { [RETRY_LATER]: "retry later", 7: "invalid element or failed authentication", 9: "unknown device" }[reason] ?? "see capf.md";
}
