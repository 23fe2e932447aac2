// `npm run fuzz`: the long file-engine fuzz run (≥ 10⁶ mutated files over the three
// formats), with progress lines. Usage: node dist/test/fuzz/fuzzLong.js [TOTAL] [SEED].
// `npm run fuzz -- decoders [--count N] [--seed S]`: the TypeScript-side decoders (CAPF, TFTP,
// config XML), N mutants each (default 200 000).
// `npm run fuzz -- soak [--seconds 180] [--phones 8] [--seed S]`: the server under mixed load
// (phones booting, malformed TFTP/HTTP/CAPF traffic); RSS and descriptors flat, every phone served.
// The node:test runner also finds this file under dist/test/; it then does nothing.

import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DECODER_TARGETS, DecoderFuzzFailure, fuzzDecoder } from "./decoderFuzz.js";
import { FUZZ_FORMATS, FuzzFailure, type FuzzReport, fuzzFormat } from "./fileFuzz.js";
import { soak, soakProblems } from "./soak.js";

function summary(report: FuzzReport): string {
  return [...report.statuses.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** `decoders --count N --seed S`: every decoder target, N mutants each, one line per target. */
function decoders(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { count: { type: "string" }, seed: { type: "string" } }, strict: true });
  const count = Number(values.count ?? 200_000);
  const seed = Number(values.seed ?? Date.now() % 0xffffffff);
  if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed)) {
    process.stderr.write("usage: npm run fuzz -- decoders [--count N ≥ 1] [--seed S]\n");
    return 2;
  }
  process.stdout.write(`decoder fuzz: ${count} mutants for each of ${DECODER_TARGETS.map((t) => t.name).join(", ")}; seed ${seed}\n`);
  try {
    DECODER_TARGETS.forEach((target, k) => {
      const started = Date.now();
      const r = fuzzDecoder(target, count, seed + k);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${target.name}: ${r.runs} mutants in ${secs} s, ${r.refused} refused by name, slowest call ${r.slowestMs.toFixed(1)} ms\n`);
    });
  } catch (e) {
    if (!(e instanceof DecoderFuzzFailure)) throw e;
    const saved = `fuzz-failure-${e.target}-${seed}.bin`;
    writeFileSync(saved, e.input);
    process.stderr.write(`FAILED: ${e.message}; input saved to ${saved}\n`);
    return 1;
  }
  return 0;
}

async function soakCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: "string" }, phones: { type: "string" }, seed: { type: "string" } }, strict: true });
  const seconds = Number(values.seconds ?? 180);
  const phones = Number(values.phones ?? 8);
  const seed = Number(values.seed ?? Date.now() % 0xffffffff);
  if (![seconds, phones, seed].every(Number.isInteger) || seconds < 1 || phones < 1 || phones > 64) {
    process.stderr.write("usage: npm run fuzz -- soak [--seconds N ≥ 1] [--phones 1–64] [--seed S]\n");
    return 2;
  }
  process.stdout.write(`soak: ${phones} phones and hostile traffic for ${seconds} s; seed ${seed}\n`);
  const report = await soak({ seconds, phones, seed, log: (line) => process.stdout.write(`  ${line}\n`) });
  const problems = soakProblems(report);
  const mib = (n: number) => (n / 1048576).toFixed(0);
  process.stdout.write(
    `soak: ${report.rounds} rounds, ${report.boots} boots, ${report.hostile} hostile packets/connections; RSS ${mib(report.rss.warm)} → ${mib(report.rss.end)} MiB, fds ${report.fds.warm} → ${report.fds.end}\n`,
  );
  for (const p of problems) process.stderr.write(`FAILED: ${p}\n`);
  return problems.length === 0 ? 0 : 1;
}

function main(): number | Promise<number> {
  if (process.argv[2] === "decoders") return decoders(process.argv.slice(3));
  if (process.argv[2] === "soak") return soakCommand(process.argv.slice(3));
  const total = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? Date.now() % 0xffffffff);
  if (!Number.isInteger(total) || total <= 0 || !Number.isInteger(seed)) {
    process.stderr.write("usage: node dist/test/fuzz/fuzzLong.js [TOTAL ≥ 1] [SEED]\n");
    return 2;
  }
  const per = Math.ceil(total / FUZZ_FORMATS.length);
  process.stdout.write(`file-engine fuzz: ${per} mutants for each of ${FUZZ_FORMATS.map((f) => f.name).join(", ")}; seed ${seed}\n`);
  const started = Date.now();
  try {
    FUZZ_FORMATS.forEach((format, k) => {
      const report = fuzzFormat(
        format,
        per,
        seed + k,
        (done, r) => {
          const secs = ((Date.now() - started) / 1000).toFixed(0);
          process.stdout.write(`  ${format.name}: ${done}/${per} (${secs} s) accepted=${r.accepted} ${summary(r)}\n`);
        },
        20_000,
      );
      process.stdout.write(`${format.name}: ${report.runs} mutants, ${report.accepted} accepted (identical), no trap; ${summary(report)}\n`);
    });
  } catch (e) {
    if (e instanceof FuzzFailure) {
      const saved = `fuzz-failure-${e.seed}-${e.iteration}.bin`;
      writeFileSync(saved, e.mutant);
      process.stderr.write(`FAILED: ${e.message}; mutant saved to ${saved}\n`);
      return 1;
    }
    process.stderr.write(`FAILED (trap or crash): ${(e as Error).stack}\n`);
    return 1;
  }
  process.stdout.write(`done: ${per * FUZZ_FORMATS.length} mutants in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return 0;
}

// Under `node --test` (NODE_TEST_CONTEXT is set in its children) this long run is skipped.
if (process.env.NODE_TEST_CONTEXT) process.stdout.write("fuzzLong: skipped under the test runner; run it with npm run fuzz\n");
else
  Promise.resolve(main()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      process.stderr.write(`FAILED (crash): ${e.stack}\n`);
      process.exitCode = 1;
    },
  );
