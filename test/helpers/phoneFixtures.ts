// What the phone tests share: a device on a lab server with a CAPF operation scheduled, a phone
// booted against it (state in a scratch folder), a snapshot of the state folder to prove a refusal
// left it untouched, an HTTP front that serves altered files, and CAPF servers that misbehave.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { type BootResult, bootPhone, type PhoneOptions } from "../../host/phone/bootFlow.js";
import { addDevice, type CapfChange, setCapfOperation } from "../../host/server/deviceStore.js";
import { certificatePem, privateKeyPem } from "../../host/shared/pki/certificateBuilder.js";
import { httpFile, type LabServer } from "./serverFixtures.js";

let macCounter = 0x100;

/** A fresh MAC per test, so tests on one server never share a device. */
export function nextMac(): string {
  return `A45630${(macCounter++).toString(16).toUpperCase().padStart(6, "0")}`;
}

/** Adds SEP<mac> with `profile` and schedules `capf` (default: install). */
export function addPhone(lab: LabServer, mac: string, profile: string, capf: Partial<CapfChange> = { operation: "install" }): string {
  return addNamedDevice(lab, `SEP${mac}`, profile, capf);
}

/** Adds a device of any class with `profile` and schedules `capf` (default: install). */
export function addNamedDevice(lab: LabServer, name: string, profile: string, capf: Partial<CapfChange> = { operation: "install" }): string {
  addDevice(lab.db, name, { profile });
  setCapfOperation(lab.db, name, { operation: "install", ...capf });
  return name;
}

export function scratchDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-phone-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Boots against the lab (HTTP unless told otherwise) with short timeouts. */
export function boot(lab: LabServer, mac: string, state: string, extra: Partial<PhoneOptions> = {}): Promise<BootResult> {
  return bootPhone({
    server: "127.0.0.1",
    mac,
    state,
    httpPort: lab.server.ports.http,
    tftpPort: lab.server.ports.tftp,
    transport: "http",
    fetchTimeoutMs: 3000,
    capfTimeoutMs: 5000,
    hashWaitMs: 2000,
    ...extra,
  });
}

/** Every file of the state folder with its bytes (hex), to compare before and after a refusal. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) files[name] = readFileSync(join(dir, name)).toString("hex");
  return files;
}

export function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

export function dbRow(lab: LabServer, device: string): { md5hash: string | null; certificate: Buffer | null } {
  return lab.db.prepare("SELECT md5hash, certificate FROM device WHERE name = ?").get(device) as { md5hash: string | null; certificate: Buffer | null };
}

/** An HTTP front for the lab's files: `alter` may replace a file's bytes (or return null for 404). */
export async function alteringFront(
  lab: LabServer,
  alter: (name: string, bytes: Buffer | null) => Buffer | null,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const name = decodeURIComponent((req.url ?? "/").slice(1));
    const body = alter(name, await httpFile(lab, name));
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The body of a version 1.0 signed file (from its header length). */
export function bodyOf(file: Buffer): Buffer {
  return file.subarray((file[8] << 8) | file[9]);
}

/**
 * A TLS server with the lab's CAPF certificate that sends an auth request (bytes written here,
 * per capf.md) and then falls silent: a CAPF service that stops answering mid-session.
 */
export async function silentCapf(lab: LabServer): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: certificatePem(lab.pki.capf.certificateDer), key: privateKeyPem(lab.pki.capf.privateKey) }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    // protocol 85, command 1, session 0x01020304, 6 bytes of elements: version 3, auth type 0
    socket.write(Buffer.from([85, 1, 1, 2, 3, 4, 0, 8, 7, 0, 1, 3, 8, 0, 1, 0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy(); // a silent server keeps its side open
        server.close(() => r());
      }),
  };
}
