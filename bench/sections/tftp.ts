// Moving a 1 MiB config-sized file on loopback: our TFTP client against our TFTP
// server at the block sizes phones ask for, next to an HTTP GET (node:http server,
// our httpGet) as the yardstick. Lock-step TFTP pays one round trip per block.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { httpGet } from "../../host/phone/httpFetch.js";
import { tftpGet } from "../../host/shared/tftp/tftpClient.js";
import { startTftpServer } from "../../host/shared/tftp/tftpServer.js";
import { type BenchCase, type BenchSection, measureAsync } from "../harness.js";

const SIZE = 1024 * 1024;

export const section: BenchSection = {
  title: "TFTP and HTTP downloads (loopback)",
  async run(): Promise<BenchCase[]> {
    const file = new Uint8Array(randomBytes(SIZE));
    const tftp = await startTftpServer({ resolve: async () => file });
    const http = createServer((_req, res) => res.writeHead(200, { "content-length": String(SIZE) }).end(file));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
    const httpPort = (http.address() as { port: number }).port;
    const viaTftp = (blksize: number) => () => tftpGet({ host: "127.0.0.1", port: tftp.port, filename: "f.bin", blksize });
    try {
      const results = [
        { impl: "cnfguard TFTP 1428", opsPerSec: await measureAsync(viaTftp(1428), 1500), bytesPerOp: SIZE },
        { impl: "TFTP blksize 512", opsPerSec: await measureAsync(viaTftp(512), 1500), bytesPerOp: SIZE },
        { impl: "TFTP blksize 65464", opsPerSec: await measureAsync(viaTftp(65464), 1500), bytesPerOp: SIZE },
        {
          impl: "HTTP (node:http)",
          opsPerSec: await measureAsync(() => httpGet({ host: "127.0.0.1", port: httpPort, filename: "f.bin" }), 1500),
          bytesPerOp: SIZE,
        },
      ];
      return [{ name: "1 MiB file, one download per op", results }];
    } finally {
      await tftp.close();
      await new Promise((r) => http.close(r));
    }
  },
};
