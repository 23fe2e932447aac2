// `npm run fuzz -- soak [--seconds 180] [--phones 8]`: the server under a mixed load for a few
// minutes — phones booting through the host's real boot flow (enrolment, then encrypted config),
// interleaved with malformed TFTP datagrams, HTTP garbage and slow clients, and CAPF connections
// that never handshake or send noise, every kind bounded in count per round. At the end every
// legitimate boot must have succeeded, and the server's RSS and open descriptors must be flat
// (measured after a warm-up round, compared after the last one).

import { createSocket } from "node:dgram";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { BootFlow, bootPhone } from "../../host/phone/bootFlow.js";
import { openDatabase } from "../../host/server/database.js";
import { initDataFolder } from "../../host/server/dataFolder.js";
import { addDevice, setCapfOperation } from "../../host/server/deviceStore.js";
import { addProfile } from "../../host/server/profileStore.js";
import { type RunningServer, startServer } from "../../host/server/startServer.js";
import { mutate, random } from "./decoderFuzz.js";

export interface SoakOptions {
  seconds: number;
  phones: number;
  seed: number;
  log: (line: string) => void;
}

export interface SoakReport {
  rounds: number;
  boots: number;
  failedBoots: string[];
  hostile: number;
  rss: { warm: number; end: number };
  fds: { warm: number; end: number };
}

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** One burst of hostile traffic against every service, bounded; resolves when it is over. */
async function hostileBurst(server: RunningServer, next: () => number): Promise<number> {
  const { http, tftp, capf } = server.ports;
  let sent = 0;
  // TFTP: mutated requests and stray packets, then the socket closes.
  const udp = createSocket("udp4");
  await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
  const rrq = Buffer.from("\0\x01SEP001122334455.cnf.xml.sgn\0octet\0blksize\x001428\0timeout\x00255\0", "latin1");
  for (let i = 0; i < 50; i++, sent++) udp.send(Buffer.from(mutate(rrq, next, 2000)), tftp, "127.0.0.1");
  // HTTP: garbage requests and slow clients that send half a request line.
  const sockets: net.Socket[] = [];
  for (let i = 0; i < 10; i++, sent++) {
    const s = net.connect({ host: "127.0.0.1", port: http, localAddress: "127.0.0.3" });
    s.on("error", () => {});
    s.write(i % 2 ? "GET /SEP00112233" : Buffer.from(mutate(Buffer.from("GET /ITLFile.tlv HTTP/1.1\r\nhost: x\r\n\r\n"), next, 500)));
    sockets.push(s);
  }
  // CAPF: connections that never handshake, and TLS sessions that send noise.
  for (let i = 0; i < 10; i++, sent++) {
    const s = net.connect({ host: "127.0.0.1", port: capf, localAddress: "127.0.0.4" });
    s.on("error", () => {});
    sockets.push(s);
  }
  for (let i = 0; i < 3; i++, sent++) {
    const raw = net.connect({ host: "127.0.0.1", port: capf, localAddress: "127.0.0.5" });
    raw.on("error", () => {});
    const s = tls.connect({ socket: raw, rejectUnauthorized: false });
    s.on("error", () => {});
    s.once("secureConnect", () => s.write(Buffer.from(mutate(Buffer.from([85, 2, 0, 0, 0, 1, 0, 3, 13, 0, 0]), next, 3000))));
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => udp.close(() => r()));
  return sent;
}

export async function soak(o: SoakOptions): Promise<SoakReport> {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-soak-"));
  const data = join(dir, "data");
  initDataFolder(data, "127.0.0.1");
  const db = openDatabase(data);
  addProfile(db, "soak", { tftpencryptedconfig: true, capfauthmode: "null", keysize: 1024 });
  const macs = Array.from({ length: o.phones }, (_, i) => `A4563050${i.toString(16).toUpperCase().padStart(4, "0")}`);
  for (const mac of macs) addDevice(db, `SEP${mac}`, { profile: "soak" });
  const server = await startServer({ data, httpPort: 0, tftpPort: 0, capfPort: 0 });
  const next = random(o.seed);
  // Flash folders made (and their lab MICs generated, synchronously) before any clock runs: the
  // phones share this process with the server, and six RSA key generations at once would stall it.
  const states = macs.map((mac) => mkdtempSync(join(dir, `phone-${mac}-`)));
  for (const [i, mac] of macs.entries()) new BootFlow({ server: "127.0.0.1", mac, state: states[i] }).prepare();
  const report: SoakReport = { rounds: 0, boots: 0, failedBoots: [], hostile: 0, rss: { warm: 0, end: 0 }, fds: { warm: 0, end: 0 } };
  const until = Date.now() + o.seconds * 1000;
  try {
    // At least two rounds: the first is the warm-up the last is compared with.
    while (report.rounds < 2 || Date.now() < until) {
      // Each round: every phone re-enrols and boots (fresh flash half the time) while hostile traffic runs.
      // Each phone forgets its LSC, so every round enrols again and then fetches its encrypted config.
      for (const [i, mac] of macs.entries()) {
        setCapfOperation(db, `SEP${mac}`, { operation: "install" });
        for (const f of ["lsc.pem", "lsc.key"]) rmSync(join(states[i], f), { force: true });
      }
      const boots = Promise.all(
        macs.map((mac, i) =>
          bootPhone({
            server: "127.0.0.1",
            mac,
            state: states[i],
            httpPort: server.ports.http,
            tftpPort: server.ports.tftp,
            fetchTimeoutMs: 5000,
            capfTimeoutMs: 20_000,
            deadlineMs: 120_000,
          }),
        ),
      );
      const [results, hostile] = await Promise.all([boots, hostileBurst(server, next)]);
      results.forEach((r, i) => {
        report.boots++;
        if (!r.ok) report.failedBoots.push(`round ${report.rounds} SEP${macs[i]}: ${r.failure?.name}: ${r.failure?.message}`);
      });
      report.hostile += hostile;
      report.rounds++;
      await new Promise((r) => setTimeout(r, 500)); // let closed sockets go
      global.gc?.();
      const rss = process.memoryUsage().rss;
      if (report.rounds === 1) report.rss.warm = rss;
      if (report.rounds === 1) report.fds.warm = openFds();
      report.rss.end = rss;
      report.fds.end = openFds();
      const left = Math.max(0, Math.round((until - Date.now()) / 1000));
      o.log(
        `round ${report.rounds}: ${report.boots} boots (${report.failedBoots.length} failed), ${report.hostile} hostile, RSS ${(rss / 1048576).toFixed(0)} MiB, ${report.fds.end} fds, ${left} s left`,
      );
    }
  } finally {
    await server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

/** Flat: no more than 16 extra descriptors, and RSS within 1.5× (+64 MiB) of the warm-up round. */
export function soakProblems(r: SoakReport): string[] {
  const problems = [...r.failedBoots];
  if (r.fds.end > r.fds.warm + 16) problems.push(`open descriptors grew from ${r.fds.warm} to ${r.fds.end}`);
  if (r.rss.end > r.rss.warm * 1.5 + 64 * 1048576) problems.push(`RSS grew from ${r.rss.warm} to ${r.rss.end} bytes`);
  return problems;
}
