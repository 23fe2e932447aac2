// The build layer against today's per-request rendering: the same file, the same client, the
// same process — SEP<MAC>.cnf.xml.sgn and .enc.sgn over HTTP and TFTP from `startServer`
// (built once, served from memory) and from services whose resolver renders and signs on
// every request (fileRenderer.renderFile, the old path kept callable for this comparison).
import { httpGet } from "../../host/phone/httpFetch.js";
import { advertisedHost } from "../../host/server/dataFolder.js";
import { renderFile } from "../../host/server/fileRenderer.js";
import { startHttpService } from "../../host/server/httpService.js";
import { readLabPki } from "../../host/server/labPki.js";
import { startServer } from "../../host/server/startServer.js";
import { tftpGet } from "../../host/shared/tftp/tftpClient.js";
import { startTftpServer } from "../../host/shared/tftp/tftpServer.js";
import { benchFolder } from "../benchFolder.js";
import type { BenchCase, BenchSection } from "../harness.js";

const PHONE = "SEPA45630BBFA40";
/** enough requests in flight that the server, not the client's round trips, sets the rate */
const IN_FLIGHT = 16;

/** Completed calls per second with `width` loops calling `fn` for about `ms` (after a short warm-up). */
async function rate(fn: () => Promise<unknown>, width = IN_FLIGHT, ms = 2000): Promise<number> {
  const loop = async (until: number) => {
    let n = 0;
    while (performance.now() < until) {
      await fn();
      n++;
    }
    return n;
  };
  await Promise.all(Array.from({ length: width }, () => loop(performance.now() + ms / 8)));
  const start = performance.now();
  const counts = await Promise.all(Array.from({ length: width }, () => loop(start + ms)));
  return (counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - start);
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
        const http = (port: number) => () => httpGet({ host: "127.0.0.1", port, filename: file });
        const tftp = (port: number) => () => tftpGet({ host: "127.0.0.1", port, filename: file });
        const size = (await httpGet({ host: "127.0.0.1", port: server.ports.http, filename: file })).length;
        cases.push(
          {
            name: `${file} over HTTP (${size} bytes)`,
            results: [
              { impl: "cnfguard built", opsPerSec: await rate(http(server.ports.http)) },
              { impl: "per-request render", opsPerSec: await rate(http(oldHttp.port)), note: "today's path" },
            ],
          },
          {
            name: `${file} over TFTP, blksize 1428`,
            results: [
              { impl: "cnfguard built", opsPerSec: await rate(tftp(server.ports.tftp)) },
              { impl: "per-request render", opsPerSec: await rate(tftp(oldTftp.port)), note: "today's path" },
            ],
          },
        );
      }
      return cases;
    } finally {
      await oldTftp.close();
      await oldHttp.close();
      await server.close();
      lab.close();
    }
  },
};
