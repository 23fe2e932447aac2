// `bin/cnfguard ARGS…` as a child process, as a script sees it: exit code, both streams, the
// time it took; killed after a bound so a hang fails the test instead of stalling it.
import { execFile, spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
    // decode across chunk boundaries: a chunk that ends inside "é" or "—" would otherwise
    // become replacement characters, and a large output would not equal what was written
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (stdout += d));
    child.stderr.on("data", (d: string) => (stderr += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The same, waiting for it (for tests that check a quick command's output); stdout also as bytes. */
export function cnfguardSync(args: string[], o: CliRunOptions = {}): CliRun & { stdoutBytes: Buffer } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: o.env ?? process.env, cwd: o.cwd, timeout: o.timeoutMs ?? 120_000, maxBuffer: 1 << 25 });
  return { code: r.status, stdout: r.stdout.toString("utf8"), stdoutBytes: r.stdout, stderr: r.stderr.toString("utf8"), ms: Date.now() - started };
}

// The compiled host next to these tests (dist/ or any other outDir) run without bin/: what a
// test of the dispatcher itself sees, whatever bin/cnfguard points at.
const CLI = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "host", "cli.js")).href;
const ENTRY = `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });`;

export function cnfguardCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", ENTRY, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
