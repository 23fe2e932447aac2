// A fleet of virtual phones booting at once against one server — the load test a voice team
// runs before a cut-over. Each phone is the real boot flow (bootFlow.ts: trust list, partial
// config, CAPF, reset, encrypted config, every file verified by the core) with its own state
// folder. Key generation is the phones' cost, not the server's: with `keysAhead` every MIC
// and LSC key is made before the first phone starts, so the rate measured is the server's.
import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { type DeviceClassId, requireDeviceClass } from "../shared/deviceNames.js";
import { loopbackSource } from "../shared/loopbackSources.js";
import { createCertificate } from "../shared/pki/certificateBuilder.js";
import { type BootResult, bootPhone } from "./bootFlow.js";
import { type CapfKeyRequest, generateKey } from "./capfClient.js";
import type { Transport } from "./fileFetcher.js";

const makePair = promisify(generateKeyPair);

export interface FleetOptions {
  server: string;
  httpPort?: number;
  tftpPort?: number;
  transport?: Transport;
  count: number;
  /** 12 hex digits; phone i has MAC first + i */
  firstMac: string;
  /** the class of every device (deviceNames.ts): its prefix + the 12 hex digits of first + i; default "sep" */
  deviceClass?: DeviceClassId;
  /** phones booting at the same time */
  concurrency: number;
  authString?: string;
  /** phone i keeps its flash in stateRoot/<its device name> */
  stateRoot: string;
  /** make every phone's MIC key and LSC key before the storm */
  keysAhead?: boolean;
  /** RSA size of the MIC keys and of the LSC keys made ahead (the profile's CAPF key size) */
  keySize?: number;
  /** boots per phone before it counts as failed (real phones keep rebooting; bounded here); default 3 */
  attempts?: number;
  /** per file fetch (the phone's default 3000 ms); a loaded host may need more */
  fetchTimeoutMs?: number;
  /**
   * Spread the phones over this many loopback source addresses (phone i sends from
   * 127.0.0.1 + i mod N): a real fleet comes from many addresses, and a server's per-source
   * limit would otherwise meet the whole fleet as one host. Only for a server on 127.0.0.0/8.
   */
  sourceAddresses?: number;
  /** called about every 250 ms and at the end */
  onProgress?: (p: FleetProgress) => void;
}

export interface FleetProgress {
  booted: number;
  failed: number;
  inFlight: number;
  seconds: number;
  phonesPerSecond: number;
}

export interface FleetFailure {
  phone: string;
  /** `step: failure name`, e.g. "encrypted-config: encrypted-config-unavailable" */
  reason: string;
  message: string;
  /** the address the phone sent from, when the fleet spreads its phones */
  source?: string;
  /** what went wrong on each boot before the last, then the last boot's CAPF tries: the retry history */
  history: string[];
}

export interface FleetSummary {
  count: number;
  booted: number;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
  phonesPerSecond: number;
  bootSeconds: { p50: number; p95: number; max: number };
  /** key generation, reported apart from the boots */
  keys: { ahead: boolean; generated: number; seconds: number };
  /** the first failed phones, with the step, the message and the retry history */
  examples: FleetFailure[];
  /** boots again after a failed one (whole phones) and CAPF tries again within a boot (busy or unreachable CAPF) */
  retries: { boots: number; capf: number };
  /** CPU seconds this process (the fleet: every phone's verifying and CAPF client work) used during the boots, all threads */
  cpuSeconds: number;
}

/** Failures a real phone answers by rebooting: the server was busy, slow or down for a moment. */
const RETRYABLE = new Set([
  "trust-list-unavailable",
  "config-unavailable",
  "encrypted-config-unavailable",
  "capf-unreachable",
  "capf-busy",
  "capf-timeout",
  "capf-connect",
  "capf-closed",
  "hash-mismatch",
]);
const MAX_EXAMPLES = 20;
/** lines of retry history kept per failed phone */
const MAX_HISTORY = 12;
/**
 * Device i's name: the class's prefix + `first` + i as 12 upper-case hex digits (wrapping at 2^48)
 * — SEP/ATA + a MAC, or a softphone name of the same 15 characters (CSF00FF00000001), valid in
 * every class's rule.
 */
export function fleetPhoneName(first: string, i: number, deviceClass: DeviceClassId = "sep"): string {
  const mac = (BigInt(`0x${first}`) + BigInt(i)) % (1n << 48n);
  return `${requireDeviceClass(deviceClass).prefix}${mac.toString(16).toUpperCase().padStart(12, "0")}`;
}

export async function runFleet(o: FleetOptions): Promise<FleetSummary> {
  const keySize = o.keySize ?? 2048;
  const keys = new KeyPool(keySize);
  const keyStart = performance.now();
  const ca = await labMicCa(keys);
  if (o.keysAhead) await keys.fill(o.count * 2, o.concurrency);
  const keySeconds = (performance.now() - keyStart) / 1000;

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const elapsed = () => (performance.now() - started) / 1000;
  const bootTimes: number[] = [];
  const failures: Record<string, number> = {};
  const examples: FleetFailure[] = [];
  const retries = { boots: 0, capf: 0 };
  let next = 0;
  let inFlight = 0;
  const progress = (): FleetProgress => {
    const seconds = elapsed();
    return { booted: bootTimes.length, failed: sum(failures), inFlight, seconds, phonesPerSecond: seconds > 0 ? bootTimes.length / seconds : 0 };
  };
  const ticker = o.onProgress ? setInterval(() => o.onProgress!(progress()), 250) : undefined;
  const worker = async () => {
    while (next < o.count) {
      const i = next++;
      const name = fleetPhoneName(o.firstMac, i, o.deviceClass);
      const source = o.sourceAddresses ? loopbackSource(i % o.sourceAddresses) : undefined;
      inFlight++;
      const t0 = performance.now();
      const { result, history, boots } = await bootWithRetries(o, name, await issueMic(ca, name, keys), keys, source);
      inFlight--;
      retries.boots += boots - 1;
      retries.capf += history.filter((h) => h.startsWith("capf-retry")).length;
      if (result.ok) {
        bootTimes.push((performance.now() - t0) / 1000);
        continue;
      }
      const reason = `${lastFailedStep(result)}: ${result.failure?.name ?? "unknown"}`;
      failures[reason] = (failures[reason] ?? 0) + 1;
      if (examples.length < MAX_EXAMPLES) {
        const failure: FleetFailure = { phone: name, reason, message: result.failure?.message ?? "", history: history.slice(-MAX_HISTORY) };
        if (source) failure.source = source;
        examples.push(failure);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  } finally {
    clearInterval(ticker);
  }
  o.onProgress?.(progress());
  const seconds = elapsed();
  const cpu = process.cpuUsage(cpuAtStart);
  bootTimes.sort((a, b) => a - b);
  return {
    count: o.count,
    booted: bootTimes.length,
    failed: sum(failures),
    failures,
    seconds: round(seconds),
    phonesPerSecond: round(seconds > 0 ? bootTimes.length / seconds : 0),
    bootSeconds: { p50: round(percentile(bootTimes, 0.5)), p95: round(percentile(bootTimes, 0.95)), max: round(bootTimes.at(-1) ?? 0) },
    keys: { ahead: o.keysAhead ?? false, generated: keys.generated, seconds: round(keySeconds) },
    examples,
    retries,
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
}

/** Boots until one succeeds or fails for good; `history` says what each failed boot and each CAPF retry met. */
async function bootWithRetries(
  o: FleetOptions,
  name: string,
  mic: { certificateDer: Buffer; privateKey: KeyObject },
  keys: KeyPool,
  localAddress: string | undefined,
): Promise<{ result: BootResult; history: string[]; boots: number }> {
  const attempts = o.attempts ?? 3;
  const history: string[] = [];
  let result: BootResult | undefined;
  let attempt = 1;
  for (; attempt <= attempts; attempt++) {
    result = await bootPhone({
      server: o.server,
      name,
      state: join(o.stateRoot, name),
      httpPort: o.httpPort,
      tftpPort: o.tftpPort,
      transport: o.transport,
      authString: o.authString,
      mic: attempt === 1 ? mic : undefined,
      generateKey: (request) => keys.take(request),
      fetchTimeoutMs: o.fetchTimeoutMs,
      localAddress,
    });
    for (const step of result.steps) if (step.step === "capf-retry") history.push(`capf-retry (boot ${attempt}): ${step.check}: ${step.outcome}`);
    if (result.ok || !RETRYABLE.has(result.failure?.name ?? "")) return { result, history, boots: attempt };
    history.push(`boot ${attempt} failed at ${lastFailedStep(result)}: ${result.failure?.name}: ${result.failure?.message}`);
    if (attempt === attempts) break;
    // as a phone reboots: a pause that grows, with jitter so a storm does not come back in step
    await new Promise((r) => setTimeout(r, 500 * attempt + Math.random() * 500));
  }
  return { result: result!, history, boots: Math.min(attempt, attempts) };
}

function lastFailedStep(r: BootResult): string {
  for (let i = r.steps.length - 1; i >= 0; i--) if (!r.steps[i].ok) return r.steps[i].step;
  return r.steps.at(-1)?.step ?? "start";
}

/** RSA keys of one size made ahead (or on demand when the pool is empty or asked for another key). */
class KeyPool {
  private readonly keys: KeyObject[] = [];
  generated = 0;

  constructor(private readonly size: number) {}

  /** Makes `n` keys, `parallel` at a time (node's thread pool does the work). */
  async fill(n: number, parallel: number): Promise<void> {
    let left = n;
    const one = async () => {
      while (left-- > 0) this.keys.push(await this.make());
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, 8)) }, one));
  }

  async take(request: CapfKeyRequest = { type: "rsa", size: this.size }): Promise<KeyObject> {
    if (request.type === "rsa" && request.size === this.size) return this.keys.pop() ?? this.make();
    this.generated++;
    return generateKey(request);
  }

  private async make(): Promise<KeyObject> {
    this.generated++;
    return (await makePair("rsa", { modulusLength: this.size })).privateKey;
  }
}

interface MicCa {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

/** One lab manufacturing CA for the whole fleet (each phone's MIC is issued by it). */
async function labMicCa(keys: KeyPool): Promise<MicCa> {
  const privateKey = await keys.take();
  const certificateDer = createCertificate({
    subject: [
      ["CN", "cnfguard Fleet Manufacturing CA"],
      ["O", "cnfguard lab"],
    ],
    publicKey: createPublicKey(privateKey),
    selfSigningKey: privateKey,
    ca: true,
    keyUsage: ["digitalSignature", "keyCertSign"],
  });
  return { certificateDer, privateKey };
}

async function issueMic(ca: MicCa, name: string, keys: KeyPool): Promise<{ certificateDer: Buffer; privateKey: KeyObject }> {
  const privateKey = await keys.take();
  const certificateDer = createCertificate({
    subject: [
      ["CN", name],
      ["O", "cnfguard lab"],
    ],
    publicKey: createPublicKey(privateKey),
    issuer: ca,
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["clientAuth"],
  });
  return { certificateDer: Buffer.from(certificateDer), privateKey };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
