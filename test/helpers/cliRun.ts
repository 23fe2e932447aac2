// `bin/cnfguard ARGS…` as a child process, as a script sees it: exit code, both streams, the
// time it took; killed after `killAfterMs` so a hang fails the test instead of stalling it.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../host/paths.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], killAfterMs = 120_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "cnfguard"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
