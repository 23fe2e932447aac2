// A TFTP boot storm: N phones (default 10,000; BENCH_STORM_PHONES) each fetching its own
// ITLSEP<MAC>.tlv, SEP<MAC>.cnf.xml.sgn and SEP<MAC>.cnf.xml.enc.sgn (devices imported with
// RSA certificates), BENCH_STORM_CONCURRENCY (default 200) at once, with phone-like retries —
// from `cnfguard server start` (a child process, its RSS read from /proc) and from tftpd-hpa
// (`in.tftpd -L -s DIR`) serving the same bytes as static files. Same client, same run.
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpGet } from "../../host/phone/httpFetch.js";
import { tftpGet } from "../../host/shared/tftp/tftpClient.js";
import { benchFolder } from "../benchFolder.js";
import type { BenchCase, BenchSection } from "../harness.js";
import { startServerProcess } from "../serverProcess.js";

const TFTPD = "/usr/sbin/in.tftpd";
const PHONES = Number(process.env.BENCH_STORM_PHONES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_STORM_CONCURRENCY ?? 200);
const ATTEMPTS = 8;

const phoneName = (i: number) => `SEP00AA${i.toString(16).toUpperCase().padStart(8, "0")}`;
const filesOf = (name: string) => [`ITL${name}.tlv`, `${name}.cnf.xml.sgn`, `${name}.cnf.xml.enc.sgn`];

export const section: BenchSection = {
  title: `TFTP boot storm: ${PHONES} phones × 3 files, ${CONCURRENCY} at once (cnfguard built files vs tftpd-hpa static files)`,
  async run(): Promise<BenchCase[]> {
    if (!existsSync(TFTPD)) {
      console.log(`  skipped: ${TFTPD} not found (Debian package tftpd-hpa)`);
      return [];
    }
    const names = Array.from({ length: PHONES }, (_, i) => phoneName(i));
    const lab = await benchFolder(names, { certificates: 8 });
    lab.db.close(); // the server process has the folder to itself
    const server = await startServerProcess(lab.data);
    const staticDir = join(lab.dir, "tftpboot");
    let tftpd: ChildProcess | undefined;
    try {
      const buildStart = performance.now();
      const expected = await collect(names, server.ports.http, staticDir); // the same bytes, and every file built
      const buildSeconds = (performance.now() - buildStart) / 1000;
      const afterBuild = server.memory();
      const ours = await storm(names, server.ports.tftp, expected);
      const mem = server.memory();
      const port = await freeUdpPort();
      tftpd = spawn(TFTPD, ["-L", "-s", staticDir, "-a", `127.0.0.1:${port}`], { stdio: process.env.BENCH_DEBUG ? "inherit" : "ignore" });
      await new Promise((r) => setTimeout(r, 300));
      const peer = await storm(names, port, expected);
      const row = (impl: string, r: StormResult, note: string) => ({
        impl,
        opsPerSec: r.phones / r.seconds,
        note: `${r.served}/${r.phones} served, ${r.retries} retries${r.firstError ? ` (first: ${r.firstError.slice(0, 80)})` : ""}, ${r.seconds.toFixed(1)} s; ${note}`,
      });
      return [
        {
          name: `phones per second, every file verified byte-for-byte (build + first fetch of all ${PHONES * 3} files over HTTP: ${buildSeconds.toFixed(1)} s)`,
          results: [
            row("cnfguard server", ours, `server RSS ${mem.rssMb} MB (peak ${mem.peakMb} MB; ${afterBuild.rssMb} MB after building)`),
            row("tftpd-hpa", peer, "in.tftpd -L -s, a process per request"),
          ],
        },
      ];
    } finally {
      tftpd?.kill();
      await server.stop();
      lab.close();
    }
  },
};

/** Every phone's three files over HTTP, written as static files for tftpd-hpa (readable by its nobody user). */
async function collect(names: string[], httpPort: number, dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, ".."), 0o755);
  await pool(names, 16, async (name) => {
    for (const file of filesOf(name)) {
      const bytes = Buffer.from(await httpGet({ host: "127.0.0.1", port: httpPort, filename: file, timeoutMs: 60_000 }));
      files.set(file, bytes);
      writeFileSync(join(dir, file), bytes, { mode: 0o644 });
    }
  });
  return files;
}

interface StormResult {
  phones: number;
  served: number;
  retries: number;
  /** the first error a client saw, for the note */
  firstError?: string;
  seconds: number;
}

/** A phone is served when each of its files arrived with exactly the expected bytes. */
async function storm(names: string[], port: number, expected: Map<string, Buffer>): Promise<StormResult> {
  let served = 0;
  let retries = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await pool(names, CONCURRENCY, async (name) => {
    let all = true;
    for (const file of filesOf(name)) {
      let got = false;
      for (let attempt = 1; attempt <= ATTEMPTS && !got; attempt++) {
        try {
          const bytes = await tftpGet({ host: "127.0.0.1", port, filename: file, timeoutMs: 2000, retries: 5 });
          got = expected.get(file)!.equals(bytes);
          if (!got) break; // wrong bytes: asking again would not help
        } catch (e) {
          firstError ??= (e as Error).message;
          retries++;
          await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 100)); // a phone's pause before it asks again
        }
      }
      all &&= got;
    }
    if (all) served++;
  });
  return { phones: names.length, served, retries, firstError, seconds: (performance.now() - started) / 1000 };
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
