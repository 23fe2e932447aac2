// `bin/cnfguard ARGS…` as a child process, as a script sees it: exit code, both streams, the
// time it took; killed after a bound so a hang fails the test instead of stalling it.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../host/paths.js";

export const BIN = join(repoRoot, "bin", "cnfguard");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** killed (SIGKILL) after this long; default 120 s */
  timeoutMs?: number;
}

export function runCli(args: string[], killAfterMs = 120_000): Promise<CliRun> {
  return cnfguard(args, { timeoutMs: killAfterMs });
}

/** The same, with the environment and working folder a test chooses. */
export function cnfguard(args: string[], o: CliRunOptions = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: o.env ?? process.env, cwd: o.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
