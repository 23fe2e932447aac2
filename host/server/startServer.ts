// `server start` as a function: HTTP, TFTP and CAPF over one data folder, every file
// served from the build layer (builtFiles.ts), which the change log keeps true to the
// database. Tests and the demo call it with port 0.

import { logLine, printable } from "../shared/logText.js";
import { startTftpServer } from "../shared/tftp/tftpServer.js";
import { startAdminService } from "./admin/adminService.js";
import { adminCount, adminNotReady, readTomcat } from "./admin/adminSetup.js";
import { BuiltFiles, type BuiltFilesOptions, type BuiltFilesStats } from "./builtFiles.js";
import { capfDeviceStore } from "./capfDeviceStore.js";
import { startCapfService } from "./capfService.js";
import { sqliteChangeSource } from "./changeLog.js";
import { type ClusterNode, HEARTBEAT_MS, heartbeat, otherNodes, registerNode, unregisterNode } from "./clusterNodes.js";
import { type Db, openDatabase, type SqliteDatabase } from "./database.js";
import { advertisedHost } from "./dataFolder.js";
import { readNodeIdentity } from "./db/databasePointer.js";
import { pgChangeSource } from "./db/pgChangeSource.js";
import { PgDatabase } from "./db/pgEngine.js";
import { capfEvent, type EventRecorder, eventRecorder, fileEvent } from "./deviceEvents.js";
import type { RenderResult } from "./fileRenderer.js";
import { startHttpService } from "./httpService.js";
import { type LabPki, readLabPki } from "./labPki.js";

export interface StartServerOptions {
  /** the data folder made by `server init` */
  data: string;
  /** default 127.0.0.1 */
  bind?: string;
  /** default 6970; 0 = any free port */
  httpPort?: number;
  /** default 69; 0 = any free port */
  tftpPort?: number;
  /** default 3804; 0 = any free port */
  capfPort?: number;
  /** the host phones are told to reach (capfList); default: the one `server init --advertise` stored */
  advertise?: string;
  /** manufacturing CA certificates (DER) trusted for MIC authentication besides DIR/pki/mic-ca.pem */
  micIssuers?: Uint8Array[];
  /** days an issued LSC is valid when the device's profile does not say (default DEFAULT_LSC_DAYS, 365) */
  lscDays?: number;
  /** one line per request; default: none */
  log?: (line: string) => void;
  /** the build layer's memory bound and background building */
  build?: BuiltFilesOptions;
  /** the admin pages over HTTPS (tomcat certificate); absent = not served */
  admin?: {
    /** 0 = any free port (the CLI's default is 8443) */
    port: number;
    /** default 127.0.0.1, whatever `bind` is: the pages are for this host unless told otherwise */
    bind?: string;
    /** failed logins per address before it must wait (default 5 in 15 minutes) */
    maxLoginFailures?: number;
  };
  /** TFTP transfers at once; further requests get error 0 "server busy" (the CLI's default is sized for a boot storm) */
  maxTransfers?: number;
  /** longest one TFTP transfer may hold its slot, default 30 000 ms */
  tftpDeadlineMs?: number;
  /** HTTP connections at once (default 256) and from one address (default 16) */
  httpMaxConnections?: number;
  httpMaxPerSource?: number;
  /** time an HTTP client has to send its request, default 10 000 ms */
  headerTimeoutMs?: number;
  /** CAPF connections at once (default 64) and from one address (default 8) */
  capfMaxConnections?: number;
  capfMaxPerSource?: number;
}

export interface RunningServer {
  bind: string;
  /** admin: absent when not asked for, or when the folder is not ready (`adminOff` says why) */
  ports: { http: number; tftp: number; capf: number; admin?: number };
  /** why the admin pages are not served although asked for, with the command that fixes it */
  adminOff?: string;
  /** the per-device evidence (flush before reading the deviceevent table in this process) */
  events: EventRecorder;
  /** what the build layer holds */
  buildStats(): BuiltFilesStats;
  /** resolves when the background build has nothing left to do */
  whenBuilt(): Promise<void>;
  /** the lab PKI the services use now (a rotation seen on the 'pki' change replaces it) */
  pki(): LabPki;
  /** the host phones are told to reach now (the option, else the one stored by init) */
  advertise(): string;
  /** Resolves true once no TFTP transfer or CAPF session is in flight, false when `ms` pass first. */
  drain(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How often drain() looks at what is in flight. */
const DRAIN_POLL_MS = 50;

export async function startServer(o: StartServerOptions): Promise<RunningServer> {
  const bind = o.bind ?? "127.0.0.1";
  const log = o.log ?? (() => {});
  const db = openDatabase(o.data);
  const identity = readNodeIdentity(o.data);
  const events = eventRecorder(db, { log });
  const closers: Array<() => Promise<void>> = [async () => void db.close(), async () => events.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    let pki = readLabPki(o.data);
    const capf = await startCapfService({
      bind,
      port: o.capfPort ?? 3804,
      ...capfPki(pki),
      store: capfDeviceStore(db),
      micIssuers: [pki.micCa.certificateDer, ...(o.micIssuers ?? [])].map((der) => Buffer.from(der)),
      lscDays: o.lscDays,
      maxSessions: o.capfMaxConnections,
      maxSessionsPerSource: o.capfMaxPerSource,
      log,
      onSessionEnd: (session) => events.record(capfEvent(session)),
    });
    closers.push(() => capf.close());
    const node = identity && joinCluster(db, { name: identity.node, host: o.advertise ?? identity.advertise, capfPort: capf.port }, log);
    if (node) closers.push(async () => node.leave());
    const address = () => ({
      host: o.advertise ?? identity?.advertise ?? advertisedHost(db),
      capfPort: capf.port,
      others: identity ? otherNodes(db, identity.node) : undefined,
    });
    const changes = db instanceof PgDatabase ? await pgChangeSource(db.url, { log }) : sqliteChangeSource(db as SqliteDatabase);
    const files = new BuiltFiles(
      {
        db,
        loadPki: () => readLabPki(o.data),
        // `server rotate` on this folder: CAPF's next sessions use the new key, certificate and previous issuers
        onPki: (next) => {
          pki = next;
          capf.reload(capfPki(next));
        },
        address,
        log,
      },
      changes,
      o.build,
    );
    closers.push(async () => files.close());
    /** Every answer to a file request, over either transport, goes through here: from the build layer, then recorded. */
    const serve = (transport: "http" | "tftp", name: string, remote: string): RenderResult => {
      const r = files.get(name);
      const event = fileEvent(transport, name, remote, r);
      if (event) events.record(event);
      return r;
    };
    const http = await startHttpService({
      bind,
      port: o.httpPort ?? 6970,
      resolve: (name, remote) => serve("http", name, remote),
      maxConnections: o.httpMaxConnections,
      maxConnectionsPerSource: o.httpMaxPerSource,
      headerTimeoutMs: o.headerTimeoutMs,
      log,
    });
    closers.push(() => http.close());
    const tftp = await startTftpServer({
      bind,
      port: o.tftpPort ?? 69,
      maxTransfers: o.maxTransfers,
      maxTransferMs: o.tftpDeadlineMs,
      log,
      resolve: async (name, remote) => {
        const r = serve("tftp", name, `${remote.address}:${remote.port}`);
        if (!r.body) log(logLine(`tftp ${remote.address}:${remote.port} "${printable(name, 80)}" not served: ${r.note}`));
        return r.body;
      },
    });
    closers.push(() => tftp.close());
    const ports = { http: http.port, tftp: tftp.port, capf: capf.port };
    const drain = async (ms: number) => {
      const deadline = Date.now() + ms;
      const busy = () => tftp.activeTransfers() + capf.activeSessions() > 0;
      while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      return !busy();
    };
    const running = {
      bind,
      ports,
      events,
      buildStats: () => files.stats(),
      whenBuilt: () => files.whenBuilt(),
      pki: () => pki,
      advertise: () => o.advertise ?? advertisedHost(db),
      drain,
      close: closeAll,
    };
    if (!o.admin) return running;
    const adminOff = adminNotReady(o.data, () => adminCount(db) > 0);
    if (adminOff) {
      log(adminOff);
      return { ...running, adminOff };
    }
    const admin = await startAdminService({
      bind: o.admin.bind ?? "127.0.0.1",
      port: o.admin.port,
      tls: readTomcat(o.data),
      context: {
        db,
        dataDir: o.data,
        files,
        address,
        get capfCertificateDer() {
          return pki.capf.certificateDer;
        },
        events,
        capf: { host: bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind, port: capf.port },
      },
      log,
      maxLoginFailures: o.admin.maxLoginFailures,
    });
    closers.push(() => admin.close());
    return { ...running, ports: { ...ports, admin: admin.port } };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** What the CAPF service takes from the PKI: its key and certificate, and the CAPF certificates rotated out. */
function capfPki(pki: LabPki) {
  return {
    key: pki.capf.privateKey,
    cert: Buffer.from(pki.capf.certificateDer),
    previousCapf: (pki.retired ?? []).filter((r) => r.role === "capf").map((r) => Buffer.from(r.certificateDer)),
  };
}

/** This node in the node table while it runs: registered, beating, gone when it stops (a killed node goes stale). */
function joinCluster(db: Db, self: ClusterNode, log: (line: string) => void): { leave(): void } {
  registerNode(db, self);
  let failing = false;
  const timer = setInterval(() => {
    try {
      heartbeat(db, self.name);
      if (failing) log(`node ${self.name}: heartbeat recorded again`);
      failing = false;
    } catch (e) {
      if (!failing) log(`node ${self.name}: heartbeat not recorded (${(e as Error).message})`);
      failing = true;
    }
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    leave() {
      clearInterval(timer);
      try {
        unregisterNode(db, self.name);
      } catch {
        // the database is away: the row goes stale and another node drops it
      }
    },
  };
}
