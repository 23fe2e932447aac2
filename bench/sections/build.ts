// The build layer against today's per-request rendering: the same file, the same client, the
// same process — SEP<MAC>.cnf.xml.sgn and .enc.sgn over HTTP and TFTP from `startServer`
// (built once, served from memory) and from services whose resolver renders and signs on
// every request (fileRenderer.renderFile, the old path kept callable for this comparison).
// Both HTTP sides run the same httpService.ts with the same client (a new connection per
// request, as phones do); only the resolver differs, so the ratio is the build layer's.
import { httpGet } from "../../host/phone/httpFetch.js";
import { advertisedHost } from "../../host/server/dataFolder.js";
import { renderFile } from "../../host/server/fileRenderer.js";
import { startHttpService } from "../../host/server/httpService.js";
import { readLabPki } from "../../host/server/labPki.js";
import { editProfile } from "../../host/server/profileStore.js";
import { startServer } from "../../host/server/startServer.js";
import { startTftpServer } from "../../host/shared/tftp/tftpServer.js";
import { benchFolder } from "../benchFolder.js";
import type { BenchCase, BenchSection } from "../harness.js";
import { loadFromWorker } from "../loadClient.js";

const PHONE = "SEPA45630BBFA40";
/** enough requests in flight that the server, not the client's round trips, sets the rate */
const IN_FLIGHT = 16;

/** Server rate for one file: the client runs in a worker thread (its own core), see loadClient.ts. */
function rate(transport: "http" | "tftp", port: number, file: string): Promise<number> {
  return loadFromWorker({ transport, host: "127.0.0.1", port, file, width: IN_FLIGHT, ms: 2000, warmMs: 500 });
}

export const section: BenchSection = {
  title: `Build layer: a built file served from memory vs rendered per request (loopback, ${IN_FLIGHT} requests in flight)`,
  async run(): Promise<BenchCase[]> {
    const lab = await benchFolder([PHONE]);
    const server = await startServer({ data: lab.data, httpPort: 0, tftpPort: 0, capfPort: 0 });
    const pki = readLabPki(lab.data);
    const context = { db: lab.db, pki, address: () => ({ host: advertisedHost(lab.db), capfPort: server.ports.capf }) };
    const oldHttp = await startHttpService({ bind: "127.0.0.1", port: 0, resolve: async (name) => renderFile(context, name), log: () => {} });
    const oldTftp = await startTftpServer({ resolve: async (name) => renderFile(context, name).body });
    try {
      await server.whenBuilt();
      const cases: BenchCase[] = [];
      for (const file of [`${PHONE}.cnf.xml.sgn`, `${PHONE}.cnf.xml.enc.sgn`]) {
        const size = (await httpGet({ host: "127.0.0.1", port: server.ports.http, filename: file })).length;
        cases.push(
          {
            name: `${file} over HTTP (${size} bytes)`,
            results: [
              { impl: "cnfguard built", opsPerSec: await rate("http", server.ports.http, file) },
              { impl: "per-request render", opsPerSec: await rate("http", oldHttp.port, file), note: "today's path" },
            ],
          },
          {
            name: `${file} over TFTP, blksize 1428`,
            results: [
              { impl: "cnfguard built", opsPerSec: await rate("tftp", server.ports.tftp, file) },
              { impl: "per-request render", opsPerSec: await rate("tftp", oldTftp.port, file), note: "today's path" },
            ],
          },
        );
      }
      cases.push(await duringRebuild());
      return cases;
    } finally {
      await oldTftp.close();
      await oldHttp.close();
      await server.close();
      lab.close();
    }
  },
};

const REBUILT_DEVICES = 1500;

/**
 * What a rebuild of a whole profile's devices costs the phones fetching meanwhile: the rate
 * of one device's partial config while the background pass rebuilds REBUILT_DEVICES devices,
 * with the pass waiting for quiet (the default) and with it never waiting (quietMs 0).
 */
async function duringRebuild(): Promise<BenchCase> {
  const names = Array.from({ length: REBUILT_DEVICES }, (_, i) => `SEP${(0xa45630000000 + i).toString(16).toUpperCase()}`);
  const lab = await benchFolder(names);
  const file = `${names[0]}.cnf.xml.sgn`;
  const results = [];
  try {
    for (const quietMs of [undefined, 0]) {
      const server = await startServer({ data: lab.data, httpPort: 0, tftpPort: 0, capfPort: 0, build: { quietMs } });
      try {
        await server.whenBuilt();
        editProfile(lab.db, "Encrypted", { description: `rebuilt with quietMs ${quietMs}` });
        const opsPerSec = await rate("http", server.ports.http, file);
        const left = server.buildStats().warming ? "rebuild still pending after" : "rebuild done within";
        results.push({
          impl: quietMs === 0 ? "background never waits" : "cnfguard (waits for quiet)",
          opsPerSec,
          note: `${left} the run`,
        });
      } finally {
        await server.close();
      }
    }
  } finally {
    lab.close();
  }
  return { name: `${file} over HTTP while ${REBUILT_DEVICES} devices are rebuilt after a profile edit`, results };
}
