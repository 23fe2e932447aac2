// `cnfguard server init|start`: create a data folder (database + lab PKI), or run the
// HTTP, TFTP and CAPF services over one in the foreground until SIGINT/SIGTERM.

import { DEFAULT_DATA_DIR } from "../server/database.js";
import { type Command, Exit, IoError, parse, UsageError } from "./common.js";

const help = `usage: cnfguard server init  --data DIR [--advertise HOST] [--json]
       cnfguard server start --data DIR [--bind 127.0.0.1] [--http-port 6970] [--tftp-port 69]
                             [--capf-port 3804] [--advertise HOST] [--mic-ca CA.pem]… [--json]

init   creates DIR (which must not exist or be empty) with the database (DIR/cnfguard.db) and a lab PKI
       like a fresh CUCM's: DIR/pki/sast.pem (signs trust lists), tftp.pem (signs configs), capf.pem
       (CAPF TLS server and LSC issuer), mic-ca.pem (lab manufacturing CA for phones' MICs) —
       each the certificate then its private key, mode 0600.
       --advertise HOST  the address phones use to reach this server (default 127.0.0.1)
start  serves ITLFile.tlv, ITLSEP<MAC>.tlv, SEP<MAC>.cnf.xml[.sgn|.enc.sgn] over HTTP and TFTP and runs
       the CAPF service; one log line per request. Port 0 = any free port; the bound ports are printed
       first (--json: as one JSON line). Admin commands on the same DIR take effect at once.
       --mic-ca CA.pem   also trust this manufacturing CA for MIC authentication (repeatable;
                         DIR/pki/mic-ca.pem is always trusted)
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const options = {
  data: { type: "string" },
  advertise: { type: "string" },
  bind: { type: "string" },
  "http-port": { type: "string" },
  "tftp-port": { type: "string" },
  "capf-port": { type: "string" },
  "mic-ca": { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

export const command: Command = {
  summary: "server init|start: the reference CUCM TFTP/HTTP/CAPF services",
  help,
  async run(argv) {
    const { values, positionals } = parse(argv, options);
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const data = values.data ?? DEFAULT_DATA_DIR;
    if (action === "init") return init(data, values.advertise, values.json ?? false);
    if (action === "start") return start(data, values);
    throw new UsageError(action ? `unknown action '${action}': use init or start` : "say init or start");
  },
};

async function init(data: string, advertise: string | undefined, json: boolean): Promise<number> {
  const { initDataFolder, DEFAULT_ADVERTISE } = await import("../server/dataFolder.js");
  initDataFolder(data, advertise);
  const host = advertise ?? DEFAULT_ADVERTISE;
  if (json) process.stdout.write(JSON.stringify({ data, advertise: host, pki: ["sast.pem", "tftp.pem", "capf.pem", "mic-ca.pem"] }) + "\n");
  else process.stdout.write(`created ${data}: database and lab PKI (SAST, TFTP, CAPF, MIC CA); phones reach ${host}\n`);
  return Exit.OK;
}

interface StartValues {
  bind?: string;
  advertise?: string;
  "http-port"?: string;
  "tftp-port"?: string;
  "capf-port"?: string;
  "mic-ca"?: string[];
  json?: boolean;
}

async function start(data: string, v: StartValues): Promise<number> {
  const { startServer } = await import("../server/startServer.js");
  const { readCertificateFile } = await import("../server/labPki.js");
  const options = {
    data,
    bind: v.bind ?? "127.0.0.1",
    httpPort: port("--http-port", v["http-port"], 6970),
    tftpPort: port("--tftp-port", v["tftp-port"], 69),
    capfPort: port("--capf-port", v["capf-port"], 3804),
    advertise: v.advertise,
    micIssuers: (v["mic-ca"] ?? []).map((file) => readCertificateFile(file, "--mic-ca")),
    log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  };
  let server;
  try {
    server = await startServer(options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL") {
      throw new IoError(
        `cannot listen on ${options.bind} (${err.code}): ports below 1024 need privileges, a port may be taken — try --tftp-port 0 / --http-port 0 / --capf-port 0`,
      );
    }
    throw e;
  }
  const { http, tftp, capf } = server.ports;
  if (v.json) process.stdout.write(JSON.stringify({ bind: server.bind, http, tftp, capf }) + "\n");
  else process.stdout.write(`cnfguard server on ${server.bind}: HTTP ${http}, TFTP ${tftp}, CAPF ${capf} (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return Exit.OK;
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || n > 65535) throw new UsageError(`${flag} '${value}': give a port 0–65535 (0 = any free port)`);
  return n;
}
