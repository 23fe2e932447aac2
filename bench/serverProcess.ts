// `cnfguard server start` in a child process on free ports, so a bench can read the server's
// own memory (VmRSS / VmHWM of its pid) apart from the client's. The log lines (one per
// request) are drained and dropped.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "../host/paths.js";

export interface ServerProcess {
  ports: { http: number; tftp: number; capf: number };
  pid: number;
  /** current and peak resident memory in MB */
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<void>;
}

export async function startServerProcess(data: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, "bin", "cnfguard"), "server", "start", "--data", data, "--http-port", "0", "--tftp-port", "0", "--capf-port", "0", "--json", ...extra],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const ports = await firstLine(child);
  const memory = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb("VmRSS") / 1024), peakMb: Math.round(kb("VmHWM") / 1024) };
  };
  return {
    ports,
    pid: child.pid!,
    memory,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The ports line (the first JSON line; start-up notices before it are skipped); the child is killed if it never comes. */
function firstLine(child: ChildProcess): Promise<ServerProcess["ports"]> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      child.kill();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error("server start: no ports line in 60 s")), 60_000);
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    lines.on("line", (line) => {
      if (found || !line.startsWith("{")) return; // the request log, or a start-up notice
      try {
        const ports = JSON.parse(line) as ServerProcess["ports"];
        found = true;
        clearTimeout(timer);
        resolve(ports);
      } catch (e) {
        clearTimeout(timer);
        fail(new Error(`server start: unreadable ports line (${(e as Error).message})`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`server start exited ${code} before listening`));
    });
  });
}
