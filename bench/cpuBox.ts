// A fixed-size "server box" on one machine: a cgroup v1 cpu group whose CFS quota caps the
// processes in it at a share of one core, so one node and two nodes can be compared as one box
// and two boxes of the same size while the clients have the rest of the machine. Needs root and
// a writable cgroup v1 cpu controller; anywhere else `openCpuBox` says why it cannot cap, and the
// bench runs uncapped. Lives outside sections/: bench.ts loads every file there as a section.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CPU_ROOT = "/sys/fs/cgroup/cpu";
/** CFS period: the quota is this many µs of CPU per period */
const PERIOD_US = 100_000;

export interface CpuBox {
  /** the group's folder */
  path: string;
  /** the cap, in % of one core */
  percent: number;
  /** moves a running process (all its threads, and what it starts later) into the box */
  add(pid: number): void;
  /** CFS periods the box ran in, and those it was throttled in (it wanted more CPU than its quota), so far */
  periods(): { ran: number; throttled: number };
  /** removes the group; its processes must have exited (else they are moved back to the root group first) */
  close(): void;
}

/** A box capped at `percent` % of one core, or why there is none. */
export function openCpuBox(name: string, percent: number): CpuBox | { uncapped: string } {
  if (!existsSync(join(CPU_ROOT, "cpu.cfs_quota_us"))) return { uncapped: `no cgroup v1 cpu controller at ${CPU_ROOT} (cgroup v2 only, or not mounted)` };
  const path = join(CPU_ROOT, `cnfguard-bench-${process.pid}-${name}`);
  try {
    mkdirSync(path);
    writeFileSync(join(path, "cpu.cfs_period_us"), String(PERIOD_US));
    writeFileSync(join(path, "cpu.cfs_quota_us"), String(Math.round((PERIOD_US * percent) / 100)));
  } catch (e) {
    removeGroup(path);
    return { uncapped: `cannot make a cpu cgroup in ${CPU_ROOT} (${(e as NodeJS.ErrnoException).code}: run the bench as root to cap each node)` };
  }
  return {
    path,
    percent,
    add: (pid) => writeFileSync(join(path, "cgroup.procs"), String(pid)),
    periods: () => {
      const stat = readFileSync(join(path, "cpu.stat"), "utf8");
      const field = (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(stat)?.[1] ?? 0);
      return { ran: field("nr_periods"), throttled: field("nr_throttled") };
    },
    close: () => removeGroup(path),
  };
}

function removeGroup(path: string): void {
  if (!existsSync(path)) return;
  try {
    // a process still in the group keeps it busy: back to the root group first
    for (const pid of readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) appendFileSync(join(CPU_ROOT, "cgroup.procs"), pid);
  } catch {
    // it exited meanwhile
  }
  try {
    rmdirSync(path);
  } catch {
    // best effort: the group is empty and harmless, named after this bench process
  }
}
