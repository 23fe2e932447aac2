// `cnfguard fleet`: N virtual phones booting at once against a server (host/phone/fleet.ts),
// a live progress line on a terminal, a summary (one JSON object with --json).
import { mkdirSync } from "node:fs";
import type { Transport } from "../phone/fileFetcher.js";
import { AUTH_STRING_RULE, DEFAULT_KEY_SIZE, isAuthenticationString, KEY_SIZES, keySizeChoices } from "../shared/capfVocabulary.js";
import { requireDeviceClass, requireMac } from "../shared/deviceNames.js";
import { isLoopbackV4 } from "../shared/loopbackSources.js";
import { type Command, Exit, IoError, parse, UsageError } from "./common.js";

const help = `usage: cnfguard fleet --server HOST --state-root DIR [--count N] [--first-mac HEX12] [--class CLASS] [--concurrency N]
                     [--http-port 6970] [--tftp-port 69] [--transport auto|http|tftp] [--auth-string S]
                     [--keys-ahead] [--key-size BITS] [--attempts N] [--source-addresses N] [--json]

Boots N virtual phones against a TFTP/HTTP/CAPF server through the whole seed flow — trust list,
partial config, CAPF, reset, encrypted config — each file verified by the core exactly as 'phone'
does, each phone with its own state folder DIR/<NAME>. The server must know the devices
(e.g. 'cnfguard device import FILE.csv' with capf=install for a first boot).

  --count N           phones (default 10, at most 100000)
  --first-mac HEX12   phone i gets MAC first+i (default 00FF00000000)
  --class CLASS       the devices' class: sep (IP phones, the default), ata (ATA 191/192 port 1: ATA<MAC>),
                      or a softphone class csf, bot, tct, tab (the prefix + the same 12 hex digits,
                      e.g. CSF00FF00000000) — names as host/shared/deviceNames.ts rules them
  --concurrency N     phones booting at once (default 50)
  --transport         auto (HTTP first, then TFTP; default), http or tftp
  --auth-string S     the CAPF authentication string every phone answers with (capfAuthMode 1)
  --keys-ahead        make every MIC and LSC key before the storm, so the rate measured is the
                      server's (key generation is reported apart either way)
  --key-size BITS     RSA size of the MIC keys and of the LSC keys made ahead (default ${DEFAULT_KEY_SIZE}; match the
                      profile's CAPF key size, else LSC keys are made during the boot)
  --attempts N        boots per phone before it counts as failed (default 3): like a real phone, a
                      phone whose server was busy or slow reboots after a pause; within a boot a
                      phone also tries a busy ("retry later") or unreachable CAPF again, up to 6
                      times in 20 s with a doubling pause
  --source-addresses N
                      spread the phones over N loopback source addresses (phone i sends from
                      127.0.0.1 + i mod N, e.g. 127.0.0.1 … 127.0.0.100 for N = 100): a real fleet
                      comes from many addresses, and the server's per-source connection limits
                      (server start --capf-max-per-source, --http-max-per-source) would otherwise
                      meet the whole fleet as one host. Linux routes all of 127.0.0.0/8 to
                      loopback; --server must then be a 127.x.y.z address
  --json              the summary as one object: {count, booted, failed, failures: {reason: n}, seconds,
                      phonesPerSecond, bootSeconds: {p50, p95, max}, keys, examples, retries}

On a terminal a progress line shows booted / failed / in flight and phones per second.
Exit 0 only when every phone booted to a verified encrypted (or full) config, 1 otherwise.`;

const options = {
  server: { type: "string" },
  "http-port": { type: "string" },
  "tftp-port": { type: "string" },
  transport: { type: "string" },
  count: { type: "string" },
  "first-mac": { type: "string" },
  class: { type: "string" },
  concurrency: { type: "string" },
  "auth-string": { type: "string" },
  "state-root": { type: "string" },
  "keys-ahead": { type: "boolean" },
  "key-size": { type: "string" },
  attempts: { type: "string" },
  "source-addresses": { type: "string" },
  json: { type: "boolean" },
} as const;

export const command: Command = {
  summary: "boot a fleet of virtual phones at once against a server (load test)",
  help,
  async run(argv) {
    const { values: v } = parse(argv, options, false);
    if (!v.server) throw new UsageError("--server HOST is required (the TFTP/HTTP server the phones boot from)");
    if (!v["state-root"]) throw new UsageError("--state-root DIR is required (each phone keeps its flash in DIR/<NAME>)");
    const transport = v.transport ?? "auto";
    if (!["auto", "http", "tftp"].includes(transport)) throw new UsageError(`--transport '${transport}': use auto, http or tftp`);
    const firstMac = requireMac(v["first-mac"] ?? "00FF00000000", "--first-mac");
    const deviceClass = requireDeviceClass(v.class ?? "sep").id;
    const authString = v["auth-string"];
    if (authString !== undefined && !isAuthenticationString(authString)) throw new UsageError(`--auth-string: ${AUTH_STRING_RULE}`);
    const keySize = integer("--key-size", v["key-size"], 2048, 1024, 4096);
    if (!KEY_SIZES.includes(keySize)) throw new UsageError(`--key-size ${keySize}: use ${keySizeChoices()}`);
    const sourceAddresses = v["source-addresses"] === undefined ? undefined : integer("--source-addresses", v["source-addresses"], 1, 1, 65_536);
    if (sourceAddresses !== undefined && !isLoopbackV4(v.server))
      throw new UsageError(
        `--source-addresses needs a server on loopback (--server 127.x.y.z), not '${v.server}': phones sending from 127.x addresses reach only this machine`,
      );
    const stateRoot = v["state-root"];
    try {
      mkdirSync(stateRoot, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new IoError(`--state-root ${stateRoot}: cannot create (${(e as NodeJS.ErrnoException).code}) — give a folder you can write`);
    }
    const { runFleet } = await import("../phone/fleet.js");
    const live = process.stderr.isTTY && !v.json;
    const summary = await runFleet({
      server: v.server,
      httpPort: port("--http-port", v["http-port"]),
      tftpPort: port("--tftp-port", v["tftp-port"]),
      transport: transport as Transport,
      count: integer("--count", v.count, 10, 1, 100_000),
      firstMac: firstMac.toUpperCase(),
      deviceClass,
      concurrency: integer("--concurrency", v.concurrency, 50, 1, 10_000),
      authString,
      stateRoot,
      keysAhead: v["keys-ahead"] ?? false,
      keySize,
      attempts: integer("--attempts", v.attempts, 3, 1, 20),
      sourceAddresses,
      onProgress: live
        ? (p) =>
            process.stderr.write(
              `\r\x1b[Kbooted ${p.booted} · failed ${p.failed} · in flight ${p.inFlight} · ${p.phonesPerSecond.toFixed(1)} phones/s · ${p.seconds.toFixed(1)} s`,
            )
        : undefined,
    });
    if (live) process.stderr.write("\n");
    if (v.json) process.stdout.write(JSON.stringify(summary) + "\n");
    else {
      const b = summary.bootSeconds;
      process.stdout.write(
        [
          `${summary.booted}/${summary.count} phones booted, ${summary.failed} failed in ${summary.seconds} s: ${summary.phonesPerSecond} phones/s`,
          `boot time p50 ${b.p50} s · p95 ${b.p95} s · max ${b.max} s`,
          `retries: ${summary.retries.boots} boots again, ${summary.retries.capf} CAPF tries again (busy or unreachable)`,
          `keys: ${summary.keys.generated} generated in ${summary.keys.seconds} s ${summary.keys.ahead ? "before the storm" : "(MIC CA ahead; the rest during the boots)"}`,
          ...Object.entries(summary.failures).map(([reason, n]) => `failed at ${reason}: ${n}`),
          ...summary.examples
            .slice(0, 5)
            .flatMap((e) => [`  e.g. ${e.phone}${e.source ? ` from ${e.source}` : ""}: ${e.message}`, ...e.history.map((h) => `      ${h}`)]),
        ].join("\n") + "\n",
      );
    }
    return summary.failed === 0 ? Exit.OK : Exit.FAILED;
  },
};

function integer(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < min || n > max) throw new UsageError(`${flag} '${value}': give a whole number ${min}–${max}`);
  return n;
}

function port(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : integer(flag, value, 0, 1, 65535);
}
