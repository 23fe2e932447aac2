// The bench's load client in its own thread: on this 2-core machine a client sharing the
// server's event loop spends as much time making requests as the server spends answering
// them, so the server's rate would be hidden behind the client's. Run from a worker, the
// client has its own core and the server is what sets the rate.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { httpGet } from "../host/phone/httpFetch.js";
import { tftpGet } from "../host/shared/tftp/tftpClient.js";

export interface LoadRequest {
  transport: "http" | "tftp";
  host: string;
  port: number;
  file: string;
  /** requests in flight */
  width: number;
  /** measuring time after the warm-up, ms */
  ms: number;
  /** warm-up before measuring, ms (JIT and connection set-up on both sides) */
  warmMs: number;
}

/** Completed requests per second, measured by a client running in a worker thread. */
export function loadFromWorker(request: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: request });
    // a hung server must not hang the bench: the worker's own loop ends at its deadline
    const deadline = setTimeout(
      () => {
        void worker.terminate();
        reject(new Error(`load client: no result after ${request.warmMs + request.ms + 10_000} ms`));
      },
      request.warmMs + request.ms + 10_000,
    );
    worker.once("message", (rate: number) => {
      clearTimeout(deadline);
      resolve(rate);
    });
    worker.once("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
  });
}

async function runLoad(r: LoadRequest): Promise<number> {
  const fetch =
    r.transport === "http" ? () => httpGet({ host: r.host, port: r.port, filename: r.file }) : () => tftpGet({ host: r.host, port: r.port, filename: r.file });
  const loop = async (until: number) => {
    let n = 0;
    while (performance.now() < until) {
      await fetch();
      n++;
    }
    return n;
  };
  const lanes = () => Array.from({ length: r.width });
  await Promise.all(lanes().map(() => loop(performance.now() + r.warmMs)));
  const start = performance.now();
  const counts = await Promise.all(lanes().map(() => loop(start + r.ms)));
  return (counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - start);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  runLoad(workerData as LoadRequest).then(
    (rate) => port.postMessage(rate),
    (e: Error) => {
      throw e;
    },
  );
}
