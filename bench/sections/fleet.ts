// The fleet: BENCH_FLEET_PHONES (default 1,000) virtual phones through the whole seed flow —
// trust list, partial config, CAPF install (RSA-1024 LSCs, keys made ahead so the rate is the
// server's), reset, encrypted config — against `cnfguard server start` in a child process.
// BENCH_FLEET_CLASS (sep by default; ata, csf, bot, tct, tab) boots devices of that class.
// The phones send from BENCH_FLEET_SOURCES loopback addresses (default 100; 1 = all from
// 127.0.0.1), as a real fleet comes from many hosts: the server's per-source limits are meant
// for one host, not for a whole site. A phone CAPF turns away ("retry later": the server is at
// its connection limit) tries again with back-off; the note counts those retries.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetPhoneName, runFleet } from "../../host/phone/fleet.js";
import { requireDeviceClass } from "../../host/shared/deviceNames.js";
import { benchFolder } from "../benchFolder.js";
import type { BenchCase, BenchSection } from "../harness.js";
import { startServerProcess } from "../serverProcess.js";

const PHONES = Number(process.env.BENCH_FLEET_PHONES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 100);
const FIRST = "00BB00000000";
const CLASS = requireDeviceClass(process.env.BENCH_FLEET_CLASS ?? "sep");
const SOURCES = Number(process.env.BENCH_FLEET_SOURCES ?? 100);

export const section: BenchSection = {
  title: `Fleet: ${PHONES} ${CLASS.id === "sep" ? "phones" : `${CLASS.prefix} devices`} through trust list, partial config, CAPF install, encrypted config (${CONCURRENCY} at once, HTTP, from ${SOURCES} loopback address${SOURCES === 1 ? "" : "es"})`,
  async run(): Promise<BenchCase[]> {
    const names = Array.from({ length: PHONES }, (_, i) => fleetPhoneName(FIRST, i, CLASS.id));
    const lab = await benchFolder(names, { certificates: 0, capf: "install", profile: { keysize: 1024 } });
    lab.db.close();
    const server = await startServerProcess(lab.data);
    const stateRoot = mkdtempSync(join(tmpdir(), "cnfguard-bench-fleet-"));
    try {
      const s = await runFleet({
        server: "127.0.0.1",
        httpPort: server.ports.http,
        tftpPort: server.ports.tftp,
        transport: "http",
        count: PHONES,
        firstMac: FIRST,
        deviceClass: CLASS.id,
        concurrency: CONCURRENCY,
        stateRoot,
        keysAhead: true,
        keySize: 1024,
        sourceAddresses: SOURCES,
      });
      const mem = server.memory();
      const failures =
        Object.entries(s.failures)
          .map(([r, n]) => `${r} ${n}`)
          .join(", ") || "none";
      return [
        {
          name: `phones booted per second (keys: ${s.keys.generated} made ahead in ${s.keys.seconds} s)`,
          results: [
            {
              impl: "cnfguard fleet",
              opsPerSec: s.phonesPerSecond,
              note: `${s.booted}/${s.count} booted, failures: ${failures}; retries: ${s.retries.capf} CAPF, ${s.retries.boots} boots; boot p50 ${s.bootSeconds.p50} s, p95 ${s.bootSeconds.p95} s, max ${s.bootSeconds.max} s; server RSS ${mem.rssMb} MB (peak ${mem.peakMb})`,
            },
          ],
        },
      ];
    } finally {
      await server.stop();
      lab.close();
      rmSync(stateRoot, { recursive: true, force: true });
    }
  },
};
