// The file-engine fuzz loop shared by the bounded run in the test suite
// (test/signedFuzz.test.ts) and the long one (`npm run fuzz`, fuzzLong.ts): mutated
// copies of a signed config, an encrypted config and a trust list go through the
// deciding mode and through inspect. A trap (WebAssembly.RuntimeError) escapes as an
// exception; every rejection must be a named status; a file may be accepted only if
// the mutations left it byte-identical.

import { FileMode, type FileModeNumber } from "../../host/core/fileFacet.js";
import type { Core } from "../../host/core.js";
import { STATUS } from "../../host/generated/status.js";
import { coreWith, headerLengthOf, ITL_SHA1, mutate, peerFile, Rng } from "./signedCorpus.js";

export interface FuzzFormat {
  name: string;
  file: string;
  mode: FileModeNumber;
  device?: string;
}

/** Small files and keys so that each run stays short. */
export const FUZZ_FORMATS: FuzzFormat[] = [
  { name: "sgn", file: "sgn/SoftKeys.xml.sgn", mode: FileMode.config },
  { name: "enc.sgn", file: "enc/sha1-rsa2048/SEP001122334455.cnf.xml.enc.sgn", mode: FileMode.config, device: "SEP001122334455" },
  { name: "tlv", file: "itl/ITLFile-sha512.tlv", mode: FileMode.trustCheck },
];

export interface FuzzReport {
  runs: number;
  accepted: number;
  /** status name → how many mutants got it */
  statuses: Map<string, number>;
}

export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly mutant: Uint8Array,
    readonly seed: number,
    readonly iteration: number,
  ) {
    super(`${message} (seed ${seed}, iteration ${iteration})`);
    this.name = "FuzzFailure";
  }
}

/** Run `iterations` mutants of one format; `progress` is called every `every` runs. */
export function fuzzFormat(
  format: FuzzFormat,
  iterations: number,
  seed: number,
  progress?: (done: number, report: FuzzReport) => void,
  every = 10_000,
): FuzzReport {
  const core: Core = coreWith(ITL_SHA1, format.device);
  const original = peerFile(format.file);
  const headerLength = headerLengthOf(original);
  const rng = new Rng(seed);
  const report: FuzzReport = { runs: 0, accepted: 0, statuses: new Map() };
  const installedBefore = JSON.stringify(core.files.trustRecords());
  for (let i = 0; i < iterations; i++) {
    const mutant = mutate(original, rng, headerLength);
    // Inspect every fourth mutant too: it parses everything and must not trap either.
    const modes = i % 4 === 0 ? [format.mode, FileMode.inspect] : [format.mode];
    for (const mode of modes) {
      const r = core.files.run(mode, mutant);
      const name = r.verdict.status;
      if (!STATUS.has(r.verdict.code)) throw new FuzzFailure(`${format.name}: unnamed status ${r.verdict.code}`, mutant, seed, i);
      if (mode === format.mode) {
        if (r.verdict.ok) {
          report.accepted++;
          if (!Buffer.from(mutant).equals(original)) throw new FuzzFailure(`${format.name}: a changed file was accepted`, mutant, seed, i);
        } else if (r.output.length > 0) throw new FuzzFailure(`${format.name}: a refused file produced output`, mutant, seed, i);
        report.statuses.set(name, (report.statuses.get(name) ?? 0) + 1);
      }
    }
    report.runs++;
    if (progress && report.runs % every === 0) progress(report.runs, report);
  }
  if (JSON.stringify(core.files.trustRecords()) !== installedBefore)
    throw new FuzzFailure(`${format.name}: the installed trust list changed`, new Uint8Array(0), seed, iterations);
  if (!core.files.run(format.mode, original).verdict.ok)
    throw new FuzzFailure(`${format.name}: the original no longer verifies after the run`, original, seed, iterations);
  return report;
}
