// A lab server for the server tests: a fresh data folder with profiles and devices, the
// three services on free ports of 127.0.0.1, raw HTTP and TFTP fetches, and a stand-in for
// a finished CAPF session (a certificate issued by the folder's CAPF key, recorded through
// the same store the CAPF service uses).
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAdmin } from "../../host/server/admin/adminSetup.js";
import { capfDeviceStore } from "../../host/server/capfDeviceStore.js";
import { type Db, openDatabase } from "../../host/server/database.js";
import { initDataFolder } from "../../host/server/dataFolder.js";
import { addDevice } from "../../host/server/deviceStore.js";
import { type LabPki, readLabPki } from "../../host/server/labPki.js";
import { addProfile, type ProfileChanges } from "../../host/server/profileStore.js";
import { type RunningServer, startServer } from "../../host/server/startServer.js";
import { createCertificate } from "../../host/shared/pki/certificateBuilder.js";
import { tftpGet } from "../../host/shared/tftp/tftpClient.js";

export interface LabServer {
  dir: string;
  /** the admin pages' address and login, when asked for */
  admin?: { url: string; user: string; password: string };
  db: Db;
  pki: LabPki;
  server: RunningServer;
  logs: string[];
  close(): Promise<void>;
}

export const ADMIN_LOGIN = { user: "admin", password: "lab-admin-password" };

/** A data folder with the given profiles and devices (name → profile), served on free ports. */
export async function labServer(
  profiles: Record<string, ProfileChanges>,
  devices: Record<string, string>,
  o: { admin?: { maxLoginFailures?: number } /** a PostgreSQL URL (an empty database): the folder is made with --database */; database?: string } = {},
): Promise<LabServer> {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-server-"));
  const data = join(dir, "data");
  initDataFolder(data, "127.0.0.1", undefined, o.database === undefined ? undefined : { url: o.database, node: "lab" });
  const db = openDatabase(data);
  for (const [name, changes] of Object.entries(profiles)) addProfile(db, name, changes);
  for (const [name, profile] of Object.entries(devices)) addDevice(db, name, { profile });
  const logs: string[] = [];
  if (o.admin) await initAdmin(data, ADMIN_LOGIN);
  const admin = o.admin ? { port: 0, ...o.admin } : undefined;
  const server = await startServer({ data, httpPort: 0, tftpPort: 0, capfPort: 0, log: (l) => logs.push(l), admin });
  return {
    dir: data,
    admin: server.ports.admin ? { url: `https://127.0.0.1:${server.ports.admin}`, ...ADMIN_LOGIN } : undefined,
    db,
    pki: readLabPki(data),
    server,
    logs,
    async close() {
      await server.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PhoneCertificate {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
  md5hash: string;
}

/** Issues an LSC for `device` with the folder's CAPF key and records it as a CAPF session would. */
export function enrol(lab: LabServer, device: string, key: { rsa: number } | { curve: string } = { rsa: 1024 }): PhoneCertificate {
  const pair = "rsa" in key ? generateKeyPairSync("rsa", { modulusLength: key.rsa }) : generateKeyPairSync("ec", { namedCurve: key.curve });
  const certificateDer = createCertificate({
    subject: [["CN", device]],
    publicKey: pair.publicKey,
    issuer: lab.pki.capf,
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["clientAuth"],
  });
  const md5hash = createHash("md5").update(certificateDer).digest("hex");
  const publicKeyDer = pair.publicKey.export({ type: "spki", format: "der" });
  capfDeviceStore(lab.db).completeOperation(device, { certificateDer: Buffer.from(certificateDer), publicKeyDer, md5hash });
  return { certificateDer, privateKey: pair.privateKey, md5hash };
}

export interface RawResponse {
  status: number;
  body: Buffer;
}

/** An HTTP request written byte for byte (no URL normalising, unlike fetch or http.request). */
export function rawHttp(port: number, path: string, method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`HTTP ${method} ${path}: no answer in 5 s`)));
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(all.subarray(0, 20).toString("latin1"))?.[1] ?? 0);
      resolve({ status, body: end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0) });
    });
    socket.write(Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, "latin1"));
  });
}

/** GET over HTTP; null for any status other than 200. */
export async function httpFile(lab: LabServer, name: string): Promise<Buffer | null> {
  const r = await rawHttp(lab.server.ports.http, `/${name}`);
  return r.status === 200 ? r.body : null;
}

/** RRQ over TFTP: the file, or the TFTP error code the server answered with. */
export async function tftpFile(lab: LabServer, name: string, blksize = 1428): Promise<Buffer | number> {
  try {
    return Buffer.from(await tftpGet({ host: "127.0.0.1", port: lab.server.ports.tftp, filename: name, blksize, timeoutMs: 1000, retries: 4 }));
  } catch (e) {
    const code = (e as { tftpCode?: number }).tftpCode;
    if (code === undefined) throw e;
    return code;
  }
}

/** The config body of a version 1.0 signed file (after its header length, tag 2). */
export function signedBody(file: Uint8Array): string {
  const headerLength = (file[8] << 8) | file[9]; // tag 1 (5 bytes), then tag 2: type, u16 length, u16 value
  return Buffer.from(file.subarray(headerLength)).toString("utf8");
}
