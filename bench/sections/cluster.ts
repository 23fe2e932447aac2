// The cluster: `cnfguard fleet` (its own process per node) against one node and against two
// nodes on one PostgreSQL (each `server start` its own process), and one node on SQLite against
// one on PostgreSQL. Every phone goes through CAPF (the server signs an LSC and encrypts a
// config: its heaviest work), keys made ahead by the fleet so the client's share is verifying.
// Issue 10 asks for a storm in which the server, not the client, is the bottleneck: on a small
// machine a second node adds processes, not cores, so each node runs in its own CPU box — a
// cgroup v1 cpu group capped at BENCH_NODE_CPU % of one core (default 25; bench/cpuBox.ts) —
// and two nodes are two boxes of the same size while the fleets (uncapped) have the rest. The
// boxes, the fleets and PostgreSQL must all fit in the machine, or the machine and not the nodes
// is the bottleneck: on 2 cores, two 40 % boxes plus their fleets (~85 %) plus PostgreSQL filled
// both cores (two nodes 1.25× one); two 25 % boxes plus fleets (~50 %) leave room. That
// the nodes were the bottleneck is shown, not assumed: each row gives every node's CPU (against
// its cap) and the share of CFS periods it was throttled in, beside the fleets' own CPU.
// Without root or cgroup v1 the section says so and runs uncapped.
// BENCH_CLUSTER_PHONES (default 400) phones per run, BENCH_FLEET_CONCURRENCY (default 50) at once per fleet.
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../host/paths.js";
import { fleetPhoneName } from "../../host/phone/fleet.js";
import { joinDataFolder } from "../../host/server/dataFolder.js";
import { findPostgres, startPgCluster } from "../../test/helpers/postgres.js";
import { benchFolder } from "../benchFolder.js";
import { type CpuBox, openCpuBox } from "../cpuBox.js";
import type { BenchCase, BenchSection, Measurement } from "../harness.js";
import { type ServerProcess, startServerProcess } from "../serverProcess.js";

const PHONES = Number(process.env.BENCH_CLUSTER_PHONES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 50);
const NODE_CPU = Number(process.env.BENCH_NODE_CPU ?? 25);
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
  retries: { boots: number; capf: number };
  cpuSeconds: number;
}

/** A node: its server process and the CPU box it runs in (none when the machine cannot cap). */
interface Node {
  server: ServerProcess;
  box?: CpuBox;
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
  // each phone from its own loopback address, as a real fleet (the per-source limits are for one host)
  args.push("--state-root", stateRoot, "--keys-ahead", "--key-size", "1024", "--source-addresses", String(CONCURRENCY), "--json");
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
async function storm(impl: string, nodes: Node[], stateRoot: string): Promise<Measurement> {
  const cpu0 = nodes.map((n) => cpuSeconds(n.server.pid));
  const periods0 = nodes.map((n) => n.box?.periods());
  const load = loadavg()[0];
  const per = Math.ceil(PHONES / nodes.length);
  const runs = await Promise.all(nodes.map((n, i) => fleet(n.server, i * per, Math.min(per, PHONES - i * per), join(stateRoot, `f${i}`))));
  // the storms' time, not the fleets' key making before them (the nodes are idle then)
  const seconds = Math.max(...runs.map((r) => r.seconds));
  const busy = nodes.map((n, i) => Math.round((100 * (cpuSeconds(n.server.pid) - cpu0[i])) / seconds));
  const throttled = nodes.map((n, i) => {
    const now = n.box?.periods();
    const before = periods0[i];
    if (!now || !before || now.ran === before.ran) return "";
    return `, throttled in ${Math.round((100 * (now.throttled - before.throttled)) / (now.ran - before.ran))}% of periods`;
  });
  const clients = Math.round((100 * runs.reduce((s, r) => s + r.cpuSeconds, 0)) / seconds);
  const booted = runs.reduce((s, r) => s + r.booted, 0);
  const failures = runs.flatMap((r) => Object.entries(r.failures).map(([k, v]) => `${k} ${v}`)).join(", ") || "none";
  const retries = runs.reduce((s, r) => s + r.retries.capf, 0);
  const cap = (n: Node) => (n.box ? ` (cap ${n.box.percent}%${throttled[nodes.indexOf(n)]})` : " (uncapped)");
  return {
    impl,
    opsPerSec: booted / seconds,
    note:
      `${booted}/${PHONES} booted in ${seconds.toFixed(1)} s, failures: ${failures}, CAPF retries ${retries}; ` +
      `node CPU ${nodes.map((n, i) => `${busy[i]}%${cap(n)}`).join(" + ")}; fleet clients ${clients}% (${runs.length} process${runs.length > 1 ? "es" : ""}); ` +
      `% of one core, ${cpus().length} cores, load average ${load.toFixed(2)} at the start`,
  };
}

/** The way the nodes are sized, for the bench output: capped boxes, or why not. */
function method(probe: ReturnType<typeof openCpuBox>): string {
  if ("uncapped" in probe) return `nodes uncapped: ${probe.uncapped}; the nodes' CPU below says whether they were the bottleneck`;
  return `each node in its own cgroup v1 cpu group capped at ${NODE_CPU}% of one core (cpu.cfs_quota_us ${NODE_CPU * 1000} per cpu.cfs_period_us 100000): a fixed-size server box; the fleets and PostgreSQL uncapped`;
}

export const section: BenchSection = {
  title: `Cluster: ${PHONES} phones through CAPF install + encrypted config — one node vs two on one PostgreSQL, SQLite vs PostgreSQL`,
  async run(): Promise<BenchCase[]> {
    const found = findPostgres();
    if ("missing" in found) {
      console.log(`  skipped: ${found.missing}`);
      return [];
    }
    const probe = openCpuBox("probe", NODE_CPU);
    if (!("uncapped" in probe)) probe.close();
    console.log(`  method: ${method(probe)}`);
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
        const nodes = await Promise.all(folders.map((f, i) => startNode(f, `${engine === "postgres×2" ? "pg2" : engine}-${i}`)));
        try {
          const label = engine === "sqlite" ? "cnfguard 1 node SQLite" : engine === "postgres" ? "1 node PostgreSQL" : "2 nodes PostgreSQL";
          rows.push(await storm(label, nodes, join(lab.dir, "phones")));
        } finally {
          await Promise.all(nodes.map((n) => n.server.stop()));
          for (const n of nodes) n.box?.close();
          rmSync(lab.dir, { recursive: true, force: true });
        }
      }
    } finally {
      pg.stop();
    }
    const [, one, two] = rows;
    if (one && two) two.note += `; ${(two.opsPerSec / one.opsPerSec).toFixed(2)}× one PostgreSQL node`;
    const boxed = "uncapped" in probe ? "uncapped nodes" : `each node capped at ${NODE_CPU}% of a core`;
    return [{ name: `phones booted per second (${boxed}; the fleet in its own process per node)`, results: rows }];
  },
};

/** `server start` in a child process, moved into its own CPU box when the machine can cap it. */
async function startNode(folder: string, name: string): Promise<Node> {
  const server = await startServerProcess(folder);
  const box = openCpuBox(name, NODE_CPU);
  if ("uncapped" in box) return { server };
  try {
    box.add(server.pid);
  } catch (e) {
    box.close();
    console.log(`  ${name}: uncapped (${(e as Error).message})`);
    return { server };
  }
  return { server, box };
}
