// Shared measuring for `npm run bench`: every section times our core and its peers
// in this one process and reports rows; bench.ts prints them with ratios.
export interface Measurement {
  /** implementation, e.g. "cnfguard (wasm)", "hash-wasm", "node:crypto" */
  impl: string;
  /** operations per second */
  opsPerSec: number;
  /** bytes per operation, when throughput in MB/s makes sense */
  bytesPerOp?: number;
  /** extra figure shown as-is (e.g. peak memory) */
  note?: string;
}

export interface BenchCase {
  /** e.g. "SHA-256, 64 KiB" */
  name: string;
  results: Measurement[];
}

export interface BenchSection {
  title: string;
  run(): Promise<BenchCase[]>;
}

/** A clock in milliseconds. */
export type Clock = () => number;
export const wallClock: Clock = () => performance.now();
/** This process's CPU time (user + system): for synchronous computing on a shared machine,
 *  where wall time also counts the time other processes held the core. */
export const cpuClock: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Run fn repeatedly for about `ms` milliseconds of `clock` (after a warm-up) and return ops/s. */
export function measure(fn: () => unknown, ms = 400, clock: Clock = wallClock): number {
  const warm = clock();
  while (clock() - warm < ms / 4) fn();
  let n = 0;
  const start = clock();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    now = clock();
  }
  return (n * 1000) / (now - start);
}

/** Same as measure, for async functions. */
export async function measureAsync(fn: () => Promise<unknown>, ms = 400): Promise<number> {
  const warm = performance.now();
  while (performance.now() - warm < ms / 4) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** One contender in bestOfInterleaved: how it is named and shown, and one operation. */
export interface Contender {
  impl: string;
  fn: () => unknown;
  bytesPerOp?: number;
  note?: string;
}

/** Each contender's best rate over `rounds` interleaved short runs of `ms` each: on a shared
 *  machine a burst of load then hits every implementation alike instead of whichever ran during it. */
export function bestOfInterleaved(contenders: Contender[], rounds: number, ms: number, clock: Clock = wallClock): Measurement[] {
  const best = contenders.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((c, i) => (best[i] = Math.max(best[i], measure(c.fn, ms, clock))));
  }
  return contenders.map((c, i) => ({ impl: c.impl, opsPerSec: best[i], bytesPerOp: c.bytesPerOp, note: c.note }));
}
