// `npm run bench`: one process, our core and its peers side by side. Sections live
// in bench/sections/ (one per area); each row shows the peer's speed relative to ours.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, BenchSection } from "./harness.js";

const OURS = /^cnfguard/;

function fmtRate(ops: number, bytes?: number): string {
  if (bytes) return `${((ops * bytes) / 1e6).toFixed(1)} MB/s`;
  return ops >= 100 ? `${ops.toFixed(0)} op/s` : `${ops.toFixed(2)} op/s`;
}

function printCase(c: BenchCase): void {
  const ours = c.results.find((r) => OURS.test(r.impl));
  console.log(`\n  ${c.name}`);
  for (const r of c.results) {
    const ratio = ours && r !== ours ? `  cnfguard is ${(ours.opsPerSec / r.opsPerSec).toFixed(2)}× this` : "";
    const rate = fmtRate(r.opsPerSec, r.bytesPerOp);
    const time = `${(1000 / r.opsPerSec).toFixed(3)} ms/op`;
    console.log(`    ${r.impl.padEnd(22)} ${rate.padStart(14)} ${time.padStart(14)}${r.note ? `  ${r.note}` : ""}${ratio}`);
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = join(dirname(fileURLToPath(import.meta.url)), "sections");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .sort();
  console.log(`cnfguard bench — node ${process.version}, ${process.arch}; ratios are cnfguard ÷ peer (above 1 = cnfguard faster)`);
  for (const f of files) {
    if (only.length && !only.some((o) => f.includes(o))) continue;
    const { section } = (await import(join(dir, f))) as { section: BenchSection };
    console.log(`\n## ${section.title}`);
    for (const c of await section.run()) printCase(c);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
