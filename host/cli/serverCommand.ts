// `cnfguard server init|start|rotate`: create a data folder (database + lab PKI), run the
// HTTP, TFTP and CAPF services over one in the foreground until SIGINT/SIGTERM, or replace
// one of its certificates without stranding phones (docs/rotation.md).

import { X509Certificate } from "node:crypto";
import { DEFAULT_DATA_DIR } from "../server/database.js";
import type { RunningServer } from "../server/startServer.js";
import { DEFAULT_LSC_DAYS } from "../shared/capfStatus.js";
import { fileErrorMessage } from "./cliInput.js";
import { type Command, Exit, IoError, parse, UsageError } from "./common.js";
import { environmentName, withOptionSources } from "./optionSources.js";
import { checkLogFormat, checkLogLevel, type ServerLog, serverLog } from "./serverLog.js";

/** How long a stopping server waits for transfers and CAPF sessions in flight. */
const DRAIN_MS = 10_000;

/** Room for a storm: 10,000 phones whose fetches take a few ms each rarely hold more than a few hundred at once. */
const DEFAULT_MAX_TRANSFERS = 1024;

const help = `usage: cnfguard server init  --data DIR [--advertise HOST] [--import-pki DIR] [--admin-user NAME] [--admin-password-file FILE] [--json]
                             [--database postgres://USER@HOST:PORT/DB [--node NAME]]
       cnfguard server join  --data DIR --database postgres://USER@HOST:PORT/DB [--advertise HOST] [--node NAME] [--json]
       cnfguard server init-admin --data DIR [--admin-user NAME] [--admin-password-file FILE] [--json]
       cnfguard server rotate sast|tftp|capf --data DIR [--json]
       cnfguard server init-recovery --data DIR [--json]
       cnfguard server start --data DIR [--bind 127.0.0.1] [--http-port 6970] [--tftp-port 69]
                             [--capf-port 3804] [--advertise HOST] [--mic-ca CA.pem]… [--lsc-days N]
                             [--admin-port 8443] [--admin-bind 127.0.0.1] [--json]
                             [--max-transfers N] [--tftp-deadline 30] [--header-timeout 10]
                             [--http-max-connections 256] [--http-max-per-source 16]
                             [--capf-max-connections 64] [--capf-max-per-source 8]
                             [--config FILE] [--log-format text|json] [--log-level debug|info|warn|error]

init   creates DIR (which must not exist or be empty) with the database (DIR/cnfguard.db) and a lab PKI
       like a fresh CUCM's: DIR/pki/sast.pem (signs trust lists), tftp.pem (signs configs), capf.pem
       (CAPF TLS server and LSC issuer), mic-ca.pem (lab manufacturing CA for phones' MICs),
       itlrecovery.pem (a second SAST in every trust list, so lists stay accepted after a SAST
       rotation) — each the certificate then its private key, mode 0600.
       --advertise HOST  the address phones use to reach this server (default 127.0.0.1)
       --import-pki DIR  use DIR/sast.pem, DIR/tftp.pem and DIR/capf.pem (each a certificate and its
                         private key, either order) instead of new ones; refused by name unless each key
                         is its certificate's and RSA, and the CAPF certificate is a CA that can serve TLS
       Also the admin pages' HTTPS certificate (CUCM's tomcat certificate, DIR/pki/tomcat.pem) and an
       administrator: --admin-user NAME (default admin) with the password in --admin-password-file FILE
       (its trailing newline ignored); without that file a password is generated and printed once.
       Passwords are stored as scrypt hashes.
       --database URL    a cluster on PostgreSQL instead of SQLite: the schema, the PKI (tomcat too) and the
                         administrator go into that (empty) database, and DIR holds only DIR/database.json
                         pointing at it and naming this node (--node NAME, default HOST-NAME-xxxxxx).
                         Whoever can read the database can read the private keys: README "A cluster on PostgreSQL".
join   makes DIR for one more node of the cluster in --database URL: the PKI, devices and settings stay in the
       database; --advertise HOST is the address phones reach THIS node at (default the cluster's). Each
       node's partial configs list its own CAPF first, then the other live nodes'.
rotate ROLE  a new certificate and key for the SAST, the TFTP (config signer) or the CAPF service; the
       old certificate is kept in DIR/pki/retired/ (a --database folder: in the database). The next trust list carries the new certificate and
       is signed so that a phone holding the previous list accepts it: by the SAST after a TFTP or CAPF
       rotation, by the ITLRecovery key (in every list since init) after a SAST rotation. LSCs the
       previous CAPF certificate issued still authenticate (By Existing Certificate) until re-enrolled.
       A running server on DIR — every node of a --database cluster — takes the new PKI for its next
       files and CAPF sessions.
init-recovery  makes DIR/pki/itlrecovery.pem (a --database folder: in the database) in a folder made
       before it existed (init makes it);
       'rotate tftp|capf' makes it too when missing; 'rotate sast' needs it in the phones' lists first
init-admin  the same for an existing folder: makes tomcat.pem if missing, sets the administrator's
       password (a folder made before the admin pages, or a forgotten password)
start  serves ITLFile.tlv, ITL<NAME>.tlv, <NAME>.cnf.xml[.sgn|.enc.sgn] (every device class) over HTTP and TFTP and runs
       the CAPF service; one log line per request. Port 0 = any free port. The first line names the
       data folder, every bound address, the advertised host and the PKI's SHA-256 fingerprints
       (--json: as one JSON object). SIGTERM or SIGINT: transfers and CAPF sessions in flight finish
       (at most ${DRAIN_MS / 1000} s), then "stopped". Admin commands on the same DIR take effect at once.
       --mic-ca CA.pem   also trust this manufacturing CA for MIC authentication (repeatable;
                         DIR/pki/mic-ca.pem is always trusted)
       --admin-port PORT the admin pages over HTTPS (default 8443): Phone Security Profile, Phone,
                         Reports, SQL, Troubleshooting
       --admin-bind ADDR where they listen (default 127.0.0.1, this host only)
       --lsc-days N      days an issued LSC is valid for devices whose profile sets none (default ${DEFAULT_LSC_DAYS})
       limits (what one client or a flood may hold; see README "Limits"):
       --max-transfers N           TFTP transfers at once (default ${DEFAULT_MAX_TRANSFERS}, sized for a boot storm of
                                   10,000 phones); when full, one that has not acknowledged its first packet
                                   within a second makes room, else the request gets TFTP error 0 "server busy,
                                   try again later", which phones answer by retrying
       --tftp-deadline SECONDS     longest one TFTP transfer may take, whatever time-out it asks (default 30)
       --header-timeout SECONDS    time an HTTP client has to send its request (default 10)
       --http-max-connections N    HTTP connections at once (default 256) …
       --http-max-per-source N     … and from one address once half are taken (default 16)
       --capf-max-connections N    CAPF connections at once, TLS handshakes included (default 64) …
       --capf-max-per-source N     … and from one address once half are taken (default 8)
       Files are built when the database changes and served from memory (docs/architecture.md).
       --config FILE     a JSON object with any of these flags as keys, e.g. {"http-port": 6970,
                         "bind": "0.0.0.0", "mic-ca": ["a.pem"]}; flags on the command line win
       environment       every flag also as CNFGUARD_<FLAG> (CNFGUARD_HTTP_PORT=6970, CNFGUARD_DATA=DIR,
                         CNFGUARD_CONFIG=FILE; a repeatable flag's values separated by ','): the command
                         line wins over the environment, the environment over --config
       --log-format      text (default) or json: every standard-output line one JSON object
       --log-level       info (default), debug, warn (refusals and failures only) or error
--data DIR defaults to ${DEFAULT_DATA_DIR}.`;

const options = {
  data: { type: "string" },
  advertise: { type: "string" },
  bind: { type: "string" },
  "http-port": { type: "string" },
  "tftp-port": { type: "string" },
  "capf-port": { type: "string" },
  "mic-ca": { type: "string", multiple: true },
  "admin-port": { type: "string" },
  "admin-bind": { type: "string" },
  "admin-user": { type: "string" },
  "admin-password-file": { type: "string" },
  "lsc-days": { type: "string" },
  "import-pki": { type: "string" },
  "max-transfers": { type: "string" },
  "tftp-deadline": { type: "string" },
  "header-timeout": { type: "string" },
  "http-max-connections": { type: "string" },
  "http-max-per-source": { type: "string" },
  "capf-max-connections": { type: "string" },
  "capf-max-per-source": { type: "string" },
  database: { type: "string" },
  node: { type: "string" },
  json: { type: "boolean" },
  config: { type: "string" },
  "log-format": { type: "string" },
  "log-level": { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof options>>["values"];

export const command: Command = {
  summary: "server init|join|start|rotate: the reference CUCM TFTP/HTTP/CAPF services",
  help,
  options,
  actions: ["init", "init-admin", "init-recovery", "rotate", "start"],
  async run(argv) {
    const first = parse(argv, options);
    const [action, ...rest] = first.positionals;
    // start takes every flag also from --config FILE and CNFGUARD_* (optionSources.ts); flags win.
    const configFile = first.values.config ?? process.env[environmentName("config")];
    const values = action === "start" ? parse(withOptionSources(argv, options, { configFile, skip: ["config"] }), options).values : first.values;
    const data = values.data ?? DEFAULT_DATA_DIR;
    if (action === "rotate") return rotate(data, rest, values.json);
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    if (action === "init") return init(data, values);
    if (action === "init-admin") return initAdminOnly(data, values);
    if (action === "init-recovery") return initRecovery(data, values.json);
    if (action === "join") return join(data, values);
    if (action === "start") return start(data, values);
    throw new UsageError(
      action
        ? `unknown action '${action}': use init, join, init-admin, init-recovery, rotate or start`
        : "say init, join, init-admin, init-recovery, rotate or start",
    );
  },
};

async function rotate(data: string, args: string[], json?: boolean): Promise<number> {
  const { ROTATABLE_ROLES } = await import("../server/labPki.js");
  const [role, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const known = ROTATABLE_ROLES.find((r) => r === role);
  if (!known) throw new UsageError(role ? `rotate '${role}': say sast, tftp or capf` : "rotate what? say sast, tftp or capf");
  const { rotatePki } = await import("../server/pkiRotation.js");
  const r = rotatePki(data, known);
  if (json) {
    process.stdout.write(JSON.stringify(r) + "\n");
    return Exit.OK;
  }
  const lines = [
    `rotated ${known} in ${data}: new certificate ${r.current.subject} serial ${r.current.serial}, valid until ${r.current.notAfter}`,
    `previous certificate (serial ${r.previous.serial}) kept in ${r.retiredFile}`,
    ...(r.createdItlRecovery ? ["made the ITLRecovery key (missing in this older folder): lists carry it from now on"] : []),
    `the next trust list is signed by ${r.trustListSigner.subject} (serial ${r.trustListSigner.serial}), which phones holding the previous list already trust`,
    ...(known === "capf"
      ? ["LSCs issued by the previous CAPF certificate still authenticate until those phones re-enrol ('report lsc' shows issuerCurrent false)"]
      : []),
    "a running server on this folder serves the new files and CAPF key from its next request",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  return Exit.OK;
}

async function initRecovery(data: string, json?: boolean): Promise<number> {
  const { initRecovery: make } = await import("../server/pkiRotation.js");
  const r = make(data);
  if (json) process.stdout.write(JSON.stringify(r) + "\n");
  else
    process.stdout.write(
      r.created
        ? `created ${r.file} (${r.certificate.subject}, serial ${r.certificate.serial}): trust lists carry it from now on; let every phone boot once before rotating the SAST\n`
        : `${r.file} exists already (${r.certificate.subject}, serial ${r.certificate.serial}): nothing to do\n`,
    );
  return Exit.OK;
}

interface AdminValues {
  database?: string;
  node?: string;
  "import-pki"?: string;
  "admin-user"?: string;
  "admin-password-file"?: string;
  advertise?: string;
  json?: boolean;
}

async function init(data: string, v: AdminValues): Promise<number> {
  const { initDataFolder, DEFAULT_ADVERTISE } = await import("../server/dataFolder.js");
  const { initAdmin } = await import("../server/admin/adminSetup.js");
  const { checkAdminUser, readPasswordFile } = await import("../server/admin/adminAccount.js");
  // Both checked before anything is written: a bad flag leaves no half-made folder.
  if (v["admin-user"] !== undefined) checkAdminUser(v["admin-user"]);
  const password = v["admin-password-file"] === undefined ? undefined : readPasswordFile(v["admin-password-file"]);
  const importPki = v["import-pki"];
  const imported = importPki === undefined ? undefined : (await import("../server/importPki.js")).readImportedPki(importPki);
  if (v.node !== undefined && v.database === undefined) throw new UsageError("--node names a node of a --database cluster: give --database too");
  try {
    initDataFolder(data, v.advertise, imported, v.database === undefined ? undefined : { url: v.database, node: v.node });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw new IoError(`${fileErrorMessage(e, data)}; choose a folder you may write, e.g. --data ~/cnfguard-data`);
    throw e;
  }
  const admin = await initAdmin(data, { user: v["admin-user"], password });
  const host = v.advertise ?? DEFAULT_ADVERTISE;
  const { readDatabasePointer, readNodeIdentity, redactUrl } = await import("../server/db/databasePointer.js");
  const url = readDatabasePointer(data);
  if (v.json) {
    const pki = ["sast.pem", "tftp.pem", "capf.pem", "mic-ca.pem", "itlrecovery.pem", "tomcat.pem"];
    const cluster = url === undefined ? {} : { database: redactUrl(url), node: readNodeIdentity(data)?.node };
    process.stdout.write(JSON.stringify({ data, advertise: host, pki, ...cluster, admin: adminJson(admin) }) + "\n");
  } else {
    const made = imported
      ? `SAST, TFTP and CAPF imported from ${importPki}; lab MIC CA, ITLRecovery, tomcat`
      : "lab PKI (SAST, TFTP, CAPF, MIC CA, ITLRecovery, tomcat)";
    const where = url === undefined ? "database" : `a pointer to ${redactUrl(url)} (node ${readNodeIdentity(data)?.node}), which holds the database and`;
    process.stdout.write(`created ${data}: ${where} ${made}; phones reach ${host}\n`);
    process.stdout.write(adminLine(admin));
  }
  return Exit.OK;
}

async function join(data: string, v: AdminValues): Promise<number> {
  if (v.database === undefined) throw new UsageError("join needs --database postgres://USER@HOST:PORT/DB (the cluster's database)");
  const { joinDataFolder } = await import("../server/dataFolder.js");
  const { redactUrl } = await import("../server/db/databasePointer.js");
  const node = joinDataFolder(data, v.database, { advertise: v.advertise, node: v.node });
  if (v.json) process.stdout.write(JSON.stringify({ data, database: redactUrl(v.database), ...node }) + "\n");
  else process.stdout.write(`created ${data}: node ${node.node} of the cluster in ${redactUrl(v.database)}; phones reach this node at ${node.advertise}\n`);
  return Exit.OK;
}

async function initAdminOnly(data: string, v: AdminValues): Promise<number> {
  const { initAdmin } = await import("../server/admin/adminSetup.js");
  const { readPasswordFile } = await import("../server/admin/adminAccount.js");
  const password = v["admin-password-file"] === undefined ? undefined : readPasswordFile(v["admin-password-file"]);
  const admin = await initAdmin(data, { user: v["admin-user"], password });
  if (v.json) process.stdout.write(JSON.stringify({ data, tomcatCreated: admin.tomcatCreated, admin: adminJson(admin) }) + "\n");
  else process.stdout.write((admin.tomcatCreated ? `created ${data}/pki/tomcat.pem\n` : "") + adminLine(admin));
  return Exit.OK;
}

function adminJson(a: { user: string; generatedPassword?: string }) {
  return a.generatedPassword ? { user: a.user, password: a.generatedPassword } : { user: a.user };
}

function adminLine(a: { user: string; generatedPassword?: string }): string {
  return a.generatedPassword
    ? `administrator ${a.user}, password ${a.generatedPassword} (shown only this once; 'server init-admin' sets a new one)\n`
    : `administrator ${a.user}, password from the file\n`;
}

/** --lsc-days N: the LSC validity for devices whose profile sets none. */
async function lscDays(value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const { checkLscDays } = await import("../server/profileStore.js");
  if (!/^[0-9]{1,5}$/.test(value)) throw new UsageError(`--lsc-days '${value.slice(0, 20)}': give whole days, 1–7300`);
  return checkLscDays(Number(value));
}

async function start(data: string, v: Values): Promise<number> {
  const log = serverLog(checkLogFormat(v["log-format"]), checkLogLevel(v["log-level"]));
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
    admin: { port: port("--admin-port", v["admin-port"], 8443), bind: v["admin-bind"] ?? "127.0.0.1" },
    lscDays: await lscDays(v["lsc-days"]),
    maxTransfers: count("--max-transfers", v["max-transfers"], DEFAULT_MAX_TRANSFERS, 65535),
    tftpDeadlineMs: 1000 * count("--tftp-deadline", v["tftp-deadline"], 30, 3600),
    headerTimeoutMs: 1000 * count("--header-timeout", v["header-timeout"], 10, 3600),
    httpMaxConnections: count("--http-max-connections", v["http-max-connections"], 256, 65535),
    httpMaxPerSource: count("--http-max-per-source", v["http-max-per-source"], 16, 65535),
    capfMaxConnections: count("--capf-max-connections", v["capf-max-connections"], 64, 65535),
    capfMaxPerSource: count("--capf-max-per-source", v["capf-max-per-source"], 8, 65535),
    log: (line: string) => log.line(line),
  };
  let server: RunningServer;
  try {
    server = await startServer(options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL") {
      throw new IoError(
        `cannot listen on ${options.bind} or ${options.admin.bind} (${err.code}): ports below 1024 need privileges, a port may be taken — try --tftp-port 0 / --http-port 0 / --capf-port 0 / --admin-port 0`,
      );
    }
    throw e;
  }
  announce(server, data, options.admin.bind, v, log);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log.write("info", `shutting down (${signal}): letting transfers and CAPF sessions in flight finish, at most ${DRAIN_MS / 1000} s`, {
    event: "stopping",
    signal,
  });
  const drained = await server.drain(DRAIN_MS);
  await server.close();
  log.write("info", drained ? "stopped" : `stopped (after ${DRAIN_MS / 1000} s, with transfers or sessions cut off)`, { event: "stopped", drained });
  return Exit.OK;
}

/** The start-up line: data folder, bound addresses, advertised host, PKI fingerprints (and the admin pages). */
function announce(server: RunningServer, data: string, adminBind: string, v: Values, log: ServerLog): void {
  const { http, tftp, capf, admin } = server.ports;
  const pki = pkiFingerprints(server.pki());
  const listening = [`http://${hostPart(server.bind)}:${http}`, `tftp://${hostPart(server.bind)}:${tftp}`, `capf://${hostPart(server.bind)}:${capf}`];
  if (admin) listening.push(`https://${hostPart(adminBind)}:${admin}/`);
  const facts = { data, bind: server.bind, http, tftp, capf, admin: admin ?? null, listening, advertise: server.advertise(), pki };
  if (v.json && v["log-format"] !== "json") {
    process.stdout.write(JSON.stringify(facts) + "\n");
    return;
  }
  const prints = Object.entries(pki)
    .map(([k, f]) => `${k} ${f}`)
    .join(", ");
  log.write(
    "info",
    `cnfguard server on ${server.bind}: HTTP ${http}, TFTP ${tftp}, CAPF ${capf}; data ${data}; phones told ${facts.advertise}; PKI SHA-256 ${prints} (Ctrl-C stops)`,
    { event: "started", ...facts },
  );
  if (admin) log.write("info", `admin pages: https://${hostPart(adminBind)}:${admin}/`);
  else if (server.adminOff) log.write("warn", server.adminOff);
}

/** SHA-256 fingerprints (colon hex, as openssl x509 -fingerprint prints them) of the lab PKI's certificates. */
function pkiFingerprints(pki: ReturnType<RunningServer["pki"]>): Record<string, string> {
  const held = { sast: pki.sast, tftp: pki.tftp, capf: pki.capf, micCa: pki.micCa, itlRecovery: pki.itlRecovery };
  return Object.fromEntries(Object.entries(held).flatMap(([k, c]) => (c === undefined ? [] : [[k, new X509Certificate(c.certificateDer).fingerprint256]])));
}

function hostPart(bind: string): string {
  return bind.includes(":") ? `[${bind}]` : bind;
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || n > 65535) throw new UsageError(`${flag} '${value}': give a port 0–65535 (0 = any free port)`);
  return n;
}

/** A whole number 1–max for a limit flag, or the default. */
function count(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]{1,6}$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} '${value}': give a whole number 1–${max} (default ${fallback})`);
  return n;
}
