// The cluster: `cnfguard fleet` (its own process per node) against one node and against two
// nodes on one PostgreSQL (each `server start` its own process), and one node on SQLite against
// one on PostgreSQL. Every phone goes through CAPF (the server signs an LSC and encrypts a
// config: its heaviest work), keys made ahead by the fleet so the client's share is verifying.
// Whether the server was the bottleneck is shown, not assumed: each row gives the node
// processes' CPU use over the run (100% = one core busy all the time) beside the fleet's.
// BENCH_CLUSTER_PHONES (default 400) phones per run, BENCH_FLEET_CONCURRENCY (default 50) at once per fleet.
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../host/paths.js";
import { fleetPhoneName } from "../../host/phone/fleet.js";
import { joinDataFolder } from "../../host/server/dataFolder.js";
import { findPostgres, startPgCluster } from "../../test/helpers/postgres.js";
import { benchFolder } from "../benchFolder.js";
import type { BenchCase, BenchSection, Measurement } from "../harness.js";
import { type ServerProcess, startServerProcess } from "../serverProcess.js";

const PHONES = Number(process.env.BENCH_CLUSTER_PHONES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 50);
const FIRST = "00CC00000000";

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface FleetSummary {
  booted: number;
  count: number;
  seconds: number;
  failures: Record<string, number>;
}

/** One `cnfguard fleet` process against one node: `count` phones from `first`. */
function fleet(node: ServerProcess, first: number, count: number, stateRoot: string): Promise<FleetSummary> {
  const mac = (BigInt(`0x${FIRST}`) + BigInt(first)).toString(16).toUpperCase().padStart(12, "0");
  const args = [
    join(repoRoot, "bin", "cnfguard"),
    "fleet",
    "--server",
    "127.0.0.1",
    "--http-port",
    String(node.ports.http),
    "--tftp-port",
    String(node.ports.tftp),
  ];
  args.push("--transport", "http", "--count", String(count), "--first-mac", mac, "--concurrency", String(CONCURRENCY));
  args.push("--state-root", stateRoot, "--keys-ahead", "--key-size", "1024", "--json");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 600_000, maxBuffer: 1 << 24 }, (error, stdout) => {
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop()!) as FleetSummary);
      } catch {
        reject(new Error(`fleet: no summary (${error?.message ?? "empty output"})`));
      }
    });
  });
}

/** All phones split evenly over `nodes` (one fleet process each), timed from the first start to the last end. */
async function storm(impl: string, nodes: ServerProcess[], stateRoot: string): Promise<Measurement> {
  const cpu0 = nodes.map((n) => cpuSeconds(n.pid));
  const per = Math.ceil(PHONES / nodes.length);
  const runs = await Promise.all(nodes.map((n, i) => fleet(n, i * per, Math.min(per, PHONES - i * per), join(stateRoot, `f${i}`))));
  // the storms' time, not the fleets' key making before them (the nodes are idle then)
  const seconds = Math.max(...runs.map((r) => r.seconds));
  const busy = nodes.map((n, i) => Math.round((100 * (cpuSeconds(n.pid) - cpu0[i])) / seconds));
  const booted = runs.reduce((s, r) => s + r.booted, 0);
  const failures = runs.flatMap((r) => Object.entries(r.failures).map(([k, v]) => `${k} ${v}`)).join(", ") || "none";
  return {
    impl,
    opsPerSec: booted / seconds,
    note: `${booted}/${PHONES} booted in ${seconds.toFixed(1)} s, failures: ${failures}; node CPU ${busy.map((b) => `${b}%`).join(" + ")} of ${cpus().length} cores`,
  };
}

export const section: BenchSection = {
  title: `Cluster: ${PHONES} phones through CAPF install + encrypted config — one node vs two on one PostgreSQL, SQLite vs PostgreSQL`,
  async run(): Promise<BenchCase[]> {
    const found = findPostgres();
    if ("missing" in found) {
      console.log(`  skipped: ${found.missing}`);
      return [];
    }
    const names = Array.from({ length: PHONES }, (_, i) => fleetPhoneName(FIRST, i));
    const pg = await startPgCluster();
    const rows: Measurement[] = [];
    try {
      for (const engine of ["sqlite", "postgres", "postgres×2"] as const) {
        const database = engine === "sqlite" ? undefined : pg.createDatabase(engine === "postgres" ? "bench1" : "bench2");
        const lab = await benchFolder(names, { certificates: 0, capf: "install", profile: { keysize: 1024 }, database });
        lab.db.close();
        const folders = [lab.data];
        if (engine === "postgres×2" && database) {
          joinDataFolder(join(lab.dir, "b"), database, { node: "bench-b" });
          folders.push(join(lab.dir, "b"));
        }
        const nodes = await Promise.all(folders.map((f) => startServerProcess(f)));
        try {
          const label = engine === "sqlite" ? "cnfguard 1 node SQLite" : engine === "postgres" ? "1 node PostgreSQL" : "2 nodes PostgreSQL";
          rows.push(await storm(label, nodes, join(lab.dir, "phones")));
        } finally {
          await Promise.all(nodes.map((n) => n.stop()));
          rmSync(lab.dir, { recursive: true, force: true });
        }
      }
    } finally {
      pg.stop();
    }
    const [, one, two] = rows;
    if (one && two) two.note += `; ${(two.opsPerSec / one.opsPerSec).toFixed(2)}× one PostgreSQL node`;
    return [{ name: "phones booted per second (every row: the fleet in its own process per node)", results: rows }];
  },
};
