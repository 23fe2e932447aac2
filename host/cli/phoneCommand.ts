// `cnfguard phone`: boot as the phone of the seed against a TFTP/HTTP/CAPF server.
import { createInterface } from "node:readline/promises";
import { bootPhone, type PhoneOptions } from "../phone/bootFlow.js";
import type { Transport } from "../phone/fileFetcher.js";
import { readCertifiedPem } from "../phone/phoneState.js";
import { isNetworkFailure, stepLine } from "../phone/trace.js";
import { AUTH_STRING_RULE, isAuthenticationString } from "../shared/capfVocabulary.js";
import { checkDeviceName, requireMac } from "../shared/deviceNames.js";
import { type Command, Exit, IoError, parse, UsageError } from "./common.js";

export const PHONE_OPTIONS = {
  server: { type: "string" },
  mac: { type: "string" },
  name: { type: "string" },
  state: { type: "string" },
  "http-port": { type: "string" },
  "tftp-port": { type: "string" },
  transport: { type: "string" },
  "auth-string": { type: "string" },
  mic: { type: "string" },
  timeout: { type: "string" },
  "fetch-deadline": { type: "string" },
  json: { type: "boolean" },
} as const;

export const PHONE_USAGE =
  "--server HOST (--mac MAC | --name NAME) --state DIR [--http-port 6970] [--tftp-port 69] [--transport auto|http|tftp] [--auth-string DIGITS] [--mic CERT+KEY.pem] [--timeout SECONDS] [--fetch-deadline SECONDS] [--json]";

const help = `usage: cnfguard phone ${PHONE_USAGE}

Boots as a device (flow.md): ITL<NAME>.tlv (else ITLFile.tlv) → <NAME>.cnf.xml.sgn → when it is a
partial config whose certHash differs from the MD5 of the phone's LSC (or MIC): CAPF over TLS, pinned
to the trust list's CAPF record → reset → <NAME>.cnf.xml.enc.sgn, verified and decrypted (NAME: SEP<MAC> or --name).

  --mac MAC          a SEP phone's MAC (any spelling: A45630BBFA40, a4:56:30:bb:fa:40, a456.30bb.fa40); boots as SEP<MAC>
  --name NAME        the device name of any class: SEP<MAC>, ATA<12 hex> (ATA 191/192 port), CSF…/BOT…/TCT…/TAB… (Jabber)
  --state DIR        the phone's flash: ITL.tlv, mic.pem/mic.key (a lab MIC is made for a new folder),
                     lsc.pem/lsc.key, and the last verified <NAME>.cnf.xml
  --transport        auto (HTTP first, then TFTP; default), http or tftp
  --auth-string      the CAPF authentication string, for capfAuthMode 1 (asked for on a terminal)
  --mic FILE         a PEM file with the MIC certificate and its private key, instead of a lab MIC
  --timeout SECONDS  the whole run's deadline: past it the boot ends as "timeout" (exit 3), nothing stored
                     (default: none; each fetch and CAPF session still has its own)
  --fetch-deadline SECONDS  one file's download, however slowly the server sends it (default 30)
  --json             the steps as JSON objects, then {"ok":…}
  On a terminal, a line every 5 s says how long the phone has been waiting.

One line per step; exit 0 only when a verified full config is in place, 1 for a refusal or failure
(named; the stored trust list, certificate and config are left as they were), 2 for usage errors,
3 when the server cannot be reached or answers too slowly (a fetch deadline, --timeout).`;

/** Reads the options `phone` and `diagnose` share. */
export function phoneOptions(values: Record<string, string | boolean | undefined>): PhoneOptions {
  const need = (k: string) => {
    const v = values[k];
    if (typeof v !== "string" || v === "") throw new UsageError(`--${k} is required`);
    return v;
  };
  const port = (k: string) => {
    const v = values[k];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${k} '${v}': a port is 1–65535`);
    return n;
  };
  const transport = (values.transport as string | undefined) ?? "auto";
  if (!["auto", "http", "tftp"].includes(transport)) throw new UsageError(`--transport '${transport}': use auto, http or tftp`);
  const mac = values.mac as string | undefined;
  const name = values.name as string | undefined;
  if ((mac === undefined) === (name === undefined)) throw new UsageError("give the device as --mac MAC (a SEP phone) or --name NAME (any class), not both");
  if (mac !== undefined) requireMac(mac);
  if (name !== undefined) checkDeviceName(name);
  const authString = values["auth-string"] as string | undefined;
  if (authString !== undefined && !isAuthenticationString(authString)) throw new UsageError(`--auth-string: ${AUTH_STRING_RULE}`);
  let mic: PhoneOptions["mic"];
  if (typeof values.mic === "string") {
    try {
      mic = readCertifiedPem(values.mic);
    } catch (e) {
      throw new IoError(`--mic ${values.mic}: ${(e as Error).message}`);
    }
  }
  return {
    server: need("server"),
    mac,
    name,
    state: need("state"),
    httpPort: port("http-port"),
    tftpPort: port("tftp-port"),
    transport: transport as Transport,
    authString,
    mic,
    deadlineMs: seconds(values, "timeout"),
    fetchDeadlineMs: seconds(values, "fetch-deadline"),
  };
}

/** A whole number of seconds 1–86400 given as --NAME, in ms; undefined when absent. */
function seconds(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const v = values[name];
  if (typeof v !== "string") return undefined;
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 86400) throw new UsageError(`--${name} '${v}': give whole seconds, 1–86400`);
  return Number(v) * 1000;
}

/** On a terminal (stdout a TTY), a line every 5 s while nothing else is printed; returns the stopper and a "something happened" nudge. */
export function waitingProgress(deadlineMs: number | undefined): { stop: () => void; touch: () => void } {
  if (!process.stdout.isTTY) return { stop: () => {}, touch: () => {} };
  const started = Date.now();
  let last = started;
  const timer = setInterval(() => {
    if (Date.now() - last < 5000) return;
    last = Date.now();
    const waited = Math.round((last - started) / 1000);
    const left = deadlineMs === undefined ? "" : `, --timeout in ${Math.max(0, Math.round((started + deadlineMs - last) / 1000))} s`;
    process.stdout.write(`… still waiting for the server (${waited} s${left})\n`);
  }, 1000);
  timer.unref();
  const touch = (): void => {
    last = Date.now();
  };
  return { stop: () => clearInterval(timer), touch };
}

/** On a terminal, asks for the authentication string; otherwise undefined (the boot stops and says so). */
export function terminalPrompt(): (() => Promise<string | undefined>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async () => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question("CAPF asks for the authentication string (digits): ")).trim();
    } finally {
      rl.close();
    }
  };
}

export const command: Command = {
  summary: "boot as a phone: trust list, partial config, CAPF, encrypted config",
  help,
  options: PHONE_OPTIONS,
  async run(argv) {
    const { values } = parse(argv, PHONE_OPTIONS, false);
    const options = phoneOptions(values);
    const json = values.json === true;
    const progress = waitingProgress(options.deadlineMs);
    const result = await bootPhone({
      ...options,
      askAuthString: terminalPrompt(),
      onStep: (s) => {
        progress.touch();
        process.stdout.write((json ? JSON.stringify(s) : stepLine(s)) + "\n");
      },
    }).finally(progress.stop);
    if (json) process.stdout.write(JSON.stringify({ ok: result.ok, failure: result.failure, config: result.configPath }) + "\n");
    else if (result.ok) process.stdout.write(`ok: verified full config in ${result.configPath}\n`);
    else process.stderr.write(`cnfguard phone: ${result.failure!.name}: ${result.failure!.message}\n`);
    if (result.ok) return Exit.OK;
    return isNetworkFailure(result.failure!.name) ? Exit.IO : Exit.FAILED;
  },
};
