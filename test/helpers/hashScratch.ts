// What the hash and certhash CLI tests share: running bin/cnfguard and a scratch folder
// under the repository's .tmp/ (tests never rely on anything outside the repository).
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../host/paths.js";

const BIN = join(repoRoot, "bin", "cnfguard");

/** Run bin/cnfguard with args; stdout and stderr as text. */
export function runCnfguard(args: string[], opts: { cwd?: string; input?: Uint8Array } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, input: opts.input, encoding: "utf8" });
}

/** Call fn (sync or async) with a fresh folder under .tmp/, removed afterwards. */
export async function withScratchDir(prefix: string, fn: (dir: string) => unknown): Promise<void> {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, ".tmp", `${prefix}-`));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
