// Runs the CLI as a child process from the compiled host next to these tests (dist/ or any
// other outDir), so a test sees real stdout, stderr and exit codes.
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "..", "host", "cli.js")).href;
const ENTRY = `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });`;

export function cnfguardCli(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", ENTRY, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
